import Foundation
import Testing
import TwofoldIPC
import TwofoldSMS
import TwofoldSystem
import TwofoldWire

/// End to end: the built `sms-sender` binary over its real socket and outbox file.
@Suite(.serialized) struct SMSSenderProcessTests {
    @Test func send_thenDuplicate_thenBadArgs_overOneConnection() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let sender = try SenderProcess(folder: folder)
        let client = try TestClient(path: sender.socketPath)

        let first = try await client.call("sms.send", sendArgs(id: "e2e-1"))
        #expect(first.result == ["id": .string("e2e-1"), "status": .string("queued"), "duplicate": .bool(false)])
        let lines = try String(contentsOfFile: sender.outboxPath, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1)
        #expect(OutboxRecord(line: Array(lines[0].utf8))?.id == "e2e-1")

        let again = try await client.call("sms.send", sendArgs(id: "e2e-1"))
        #expect(again.result?["duplicate"] == .bool(true))

        let bad = try await client.call("sms.send", sendArgs(id: "e2e-2", to: "not a number"))
        #expect(bad.error?.code == "sms.invalid")
        // The connection stays usable after a refused request.
        let health = try await client.call("health")
        #expect(health.result == ["status": .string("ok"), "outbox_messages": .integer(1), "failing": .bool(false)])

        client.close()
        sender.signal(SIGTERM)
        let exit = sender.finish()
        #expect(exit.status == 0)
        #expect(!exit.signalled)
        #expect(exit.log.contains("\"msg\":\"stopped\""))
        #expect(!exit.log.contains("123456"))  // the texts' codes never reach the log
    }

    @Test func killNine_rightAfterAnAcknowledgedSend_keepsTheLineAcrossRestart() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let sender = try SenderProcess(folder: folder)
        let client = try TestClient(path: sender.socketPath)
        var acknowledged: [String] = []
        for index in 0..<5 {
            let id = "k\(index)"
            if try await client.call("sms.send", sendArgs(id: id)).result?["status"] == .string("queued") {
                acknowledged.append(id)
            }
        }
        sender.signal(SIGKILL)
        #expect(sender.finish().signalled)
        client.close()
        #expect(acknowledged.count == 5)

        let restarted = try SenderProcess(folder: folder)
        let again = try TestClient(path: restarted.socketPath)
        #expect(try await again.call("health").result?["outbox_messages"] == .integer(5))
        for id in acknowledged {
            #expect(try await again.call("sms.send", sendArgs(id: id)).result?["duplicate"] == .bool(true))
        }
        again.close()
        restarted.signal(SIGTERM)
        #expect(restarted.finish().status == 0)
        let lines = try String(contentsOfFile: restarted.outboxPath, encoding: .utf8).split(separator: "\n")
        #expect(lines.compactMap { OutboxRecord(line: Array($0.utf8))?.id } == acknowledged)
    }

    @Test func failProvider_refusesNewMessages() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let sender = try SenderProcess(folder: folder, extraArguments: ["--fail-provider"])
        let client = try TestClient(path: sender.socketPath)
        #expect(try await client.call("sms.send", sendArgs(id: "f1")).error?.code == "sms.provider_failed")
        #expect(try await client.call("health").result?["failing"] == .bool(true))
        client.close()
        sender.signal(SIGINT)
        #expect(sender.finish().status == 0)
        #expect(try String(contentsOfFile: sender.outboxPath, encoding: .utf8).isEmpty)
    }

    @Test func sighup_logsReloadAndKeepsServing() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let sender = try SenderProcess(folder: folder)
        let client = try TestClient(path: sender.socketPath)
        sender.signal(SIGHUP)
        // A request sent after the signal is answered after it was handled: the loop is ordered.
        #expect(try await client.call("health").result?["status"] == .string("ok"))
        client.close()
        sender.signal(SIGTERM)
        let exit = sender.finish()
        #expect(exit.status == 0)
        #expect(exit.log.contains("\"msg\":\"reload\""))
    }

    @Test func help_printsUsageAndExitsZero() throws {
        let run = try SenderProcess.runToExit(["--help"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("Usage: sms-sender [options]"))
        #expect(run.stdout.contains("--socket <path>"))
        #expect(run.stdout.contains("--fail-provider"))
    }

    @Test func missingSocket_exits64WithOneLine() throws {
        let run = try SenderProcess.runToExit(["--data-dir", "/tmp/unused-sms-data"])
        #expect(run.status == 64)
        #expect(run.stderr == "sms-sender: option '--socket' needs a value\n")
    }

    @Test func unknownGroup_exits64WithOneLine() throws {
        let run = try SenderProcess.runToExit([
            "--socket", "/tmp/unused.sock", "--data-dir", "/tmp/unused-sms-data", "--allow-groups", "no-such-group-x9",
        ])
        #expect(run.status == 64)
        #expect(run.stderr.split(separator: "\n").count == 1)
        #expect(run.stderr.contains("--allow-groups"))
    }

    @Test func environment_suppliesSocketAndDataFolder() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // `--log-level` is checked last and is bad on purpose: the process exits right after
        // resolving the socket and preparing the data folder named by the environment.
        let run = try SenderProcess.runToExit(
            ["--log-level", "loud"],
            environment: ["TWOFOLD_SMS_SOCKET": folder.path + "/s.sock", "TWOFOLD_SMS_DATA_DIR": folder.path + "/d"])
        #expect(run.status == 64)
        #expect(
            run.stderr
                == "sms-sender: option '--log-level' expects trace, debug, info, notice, warning, error or critical\n"
        )
        #expect(FileManager.default.fileExists(atPath: folder.path + "/d"))
    }

    @Test func secondSender_onTheSameFolder_exits75_evenAfterTheOutboxFileIsDeleted() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let first = try SenderProcess(folder: folder)
        try FileManager.default.removeItem(atPath: first.outboxPath)
        let second = try SenderProcess.runToExit([
            "--socket", folder.path + "/second.sock", "--data-dir", folder.path + "/data",
        ])
        #expect(second.status == 75)
        #expect(second.stderr.contains("sms-sender: sms.outbox_locked: "))
        first.signal(SIGTERM)
        #expect(first.finish().status == 0)
    }

    @Test func corruptOutbox_stopsTheStartWithItsStableCode() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try FileManager.default.createDirectory(atPath: folder.path + "/data", withIntermediateDirectories: true)
        try Data("not a record\n{\"id\":\"x\",\"to\":\"+1\",\"text\":\"t\",\"time\":\"t\"}\n".utf8)
            .write(to: URL(fileURLWithPath: folder.path + "/data/outbox.jsonl"))
        let run = try SenderProcess.runToExit([
            "--socket", folder.path + "/s.sock", "--data-dir", folder.path + "/data",
        ])
        #expect(run.status == 1)
        #expect(run.stderr.contains("\"code\":\"sms.outbox_corrupt\""))
        #expect(run.stderr.contains("sms-sender: sms.outbox_corrupt: outbox line 1"))
    }
}
