import Synchronization
import Testing
import TwofoldProcess
import TwofoldSMS
import TwofoldSystem
import TwofoldWire

@Suite struct SMSServiceTests {
    /// A service over a fresh outbox.
    final class Fixture: Sendable {
        let folder: TemporaryFolder
        let outbox: Outbox
        let service: SMSService
        let sink = LogSink.memory()

        init(failProvider: Bool = false) throws {
            folder = try TemporaryFolder()
            outbox = try Outbox(directory: folder.path, logger: quietLogger())
            service = SMSService(
                writer: OutboxWriter(outbox: outbox, logger: quietLogger(sink)), logger: quietLogger(sink),
                failProvider: failProvider)
        }

        deinit {
            outbox.close()
            folder.remove()
        }
    }

    @Test func operations_areHealthAndSend() {
        #expect(SMSService.operationNames == ["health", "sms.send"])
    }

    @Test func health_reportsCountAndProviderState() async throws {
        let fixture = try Fixture()
        _ = await call(fixture.service, "sms.send", sendArgs(id: "a"))
        let response = await call(fixture.service, "health", id: 3)
        #expect(response.id == 3)
        #expect(response.result == ["status": .string("ok"), "outbox_messages": .integer(1), "failing": .bool(false)])
        fixture.service.failProvider = true
        #expect(await call(fixture.service, "health").result?["failing"] == .bool(true))
    }

    @Test func send_appendsTheMessageBeforeAnswering() async throws {
        let fixture = try Fixture()
        let response = await call(fixture.service, "sms.send", sendArgs(id: "abc_1"), id: "r-1")
        #expect(response.id == "r-1")
        #expect(response.result == ["id": .string("abc_1"), "status": .string("queued"), "duplicate": .bool(false)])
        let records = try fixture.folder.records()
        #expect(records.count == 1)
        #expect(records.first??.id == "abc_1")
        #expect(records.first??.text == "Your code is 123456")
    }

    @Test func send_whenIDRepeats_answersDuplicateAndWritesNothing() async throws {
        let fixture = try Fixture()
        _ = await call(fixture.service, "sms.send", sendArgs(id: "dup"))
        let before = try fixture.folder.contents()
        let response = await call(fixture.service, "sms.send", sendArgs(id: "dup", text: "different"))
        #expect(response.result == ["id": .string("dup"), "status": .string("queued"), "duplicate": .bool(true)])
        #expect(try fixture.folder.contents() == before)
    }

    @Test func send_concurrentRequestsWithOneID_writeOneLine() async throws {
        let fixture = try Fixture()
        let responses = await withTaskGroup(of: WireResponse.self) { group in
            for index in 0..<20 {
                group.addTask {
                    await call(fixture.service, "sms.send", sendArgs(id: "same"), id: .number(UInt64(index)))
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(responses.filter { $0.result?["duplicate"] == .bool(false) }.count == 1)
        #expect(responses.filter { $0.result?["duplicate"] == .bool(true) }.count == 19)
        #expect(try fixture.folder.records().count == 1)
    }

    static let invalidCases: [(args: [String: JSONValue], field: String)] = [
        ([:], "args.id"),
        (["to": .string("+14155552671"), "text": .string("t")], "args.id"),
        (["id": .integer(5), "to": .string("+14155552671"), "text": .string("t")], "args.id"),
        (["id": .string("m"), "text": .string("t")], "args.to"),
        (["id": .string("m"), "to": .integer(14_155_552_671), "text": .string("t")], "args.to"),
        (["id": .string("m"), "to": .string("+14155552671")], "args.text"),
        (["id": .string("m"), "to": .string("+14155552671"), "text": .null], "args.text"),
        (sendArgs(id: "bad id"), "args.id"),
        (sendArgs(id: String(repeating: "x", count: 65)), "args.id"),
        (sendArgs(to: "4155552671"), "args.to"),
        (sendArgs(to: "+1234"), "args.to"),
        (sendArgs(text: ""), "args.text"),
        (sendArgs(text: String(repeating: "secret918273", count: 41)), "args.text"),
    ]

    @Test(arguments: 0..<invalidCases.count)
    func send_whenArgumentsAreInvalid_isSMSInvalidNamingTheFieldAndWritesNothing(caseIndex: Int) async throws {
        let (args, field) = Self.invalidCases[caseIndex]
        let fixture = try Fixture()
        let response = await call(fixture.service, "sms.send", args, id: 11)
        #expect(response.id == 11)
        let error = try #require(response.error)
        #expect(error.code == "sms.invalid")
        #expect(error.message.hasPrefix("field '\(field)' "), "\(error.message)")
        #expect(!error.message.contains("secret918273"))
        #expect(!fixture.sink.lines.joined().contains("secret918273"))
        #expect(try fixture.folder.contents().isEmpty)
    }

    @Test func send_whenProviderFails_isProviderFailedAndWritesNothing() async throws {
        let fixture = try Fixture(failProvider: true)
        let response = await call(fixture.service, "sms.send", sendArgs(id: "new"))
        #expect(response.error?.code == "sms.provider_failed")
        #expect(try fixture.folder.contents().isEmpty)
        #expect(fixture.outbox.isHealthy)
    }

    @Test func send_whenProviderFailsButIDWasAlreadyQueued_answersDuplicate() async throws {
        let fixture = try Fixture()
        _ = await call(fixture.service, "sms.send", sendArgs(id: "early"))
        fixture.service.failProvider = true
        #expect(await call(fixture.service, "sms.send", sendArgs(id: "early")).result?["duplicate"] == .bool(true))
        fixture.service.failProvider = false
        #expect(await call(fixture.service, "sms.send", sendArgs(id: "later")).result?["duplicate"] == .bool(false))
    }

    @Test func send_whenTheOutboxRefuses_isUnavailableWithARetryHint_andHealthSaysDegraded() async throws {
        let fixture = try Fixture()
        fixture.outbox.close()
        let response = await call(fixture.service, "sms.send", sendArgs(id: "x"))
        #expect(response.error?.code == "unavailable")
        #expect(response.error?.detail == "sms.outbox_failed")
        #expect(response.error?.retryAfterMs == SMSError.retryAfterMillis)
        let health = await call(fixture.service, "health").result
        #expect(health?["status"] == .string("degraded"))
        #expect(health?["reason"] == .string("the outbox is closed"))
    }

    @Test func logs_nameMessageIDsButNeverTextOrNumber() async throws {
        let fixture = try Fixture()
        _ = await call(fixture.service, "sms.send", sendArgs(id: "logged", to: "+14155550199", text: "code 564738"))
        let log = fixture.sink.lines.joined()
        #expect(log.contains("logged"))
        #expect(!log.contains("564738"))
        #expect(!log.contains("4155550199"))
    }
}
