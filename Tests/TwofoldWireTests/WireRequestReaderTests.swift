import Testing
import TwofoldWire

@Suite struct WireRequestReaderTests {
    private let reader = WireRequestReader(operations: ["health", "totp.verify"])

    private func read(_ text: String) -> Result<WireRequest, WireRejection> {
        reader.read(Array(text.utf8))
    }

    private func rejection(_ text: String) throws -> WireRejection {
        guard case .failure(let rejection) = read(text) else {
            Issue.record("expected \(text) to be rejected")
            throw WireError.internal()
        }
        return rejection
    }

    private static let idRule = "must be an integer in 0...9007199254740991 or a string of 1 to 64 characters"

    @Test func read_validRequest_returnsItsFields() throws {
        let request = try read(#"{"v":1,"id":7,"op":"totp.verify","args":{"user":"u-1","code":"123456"}}"#).get()
        #expect(request.id == .number(7))
        #expect(request.operation == "totp.verify")
        #expect(request.args == ["user": .string("u-1"), "code": .string("123456")])
    }

    @Test func read_withoutArgs_defaultsToAnEmptyObject() throws {
        #expect(try read(#"{"v":1,"id":"x","op":"health"}"#).get().args == [:])
    }

    @Test func read_unknownTopLevelFields_areIgnored() throws {
        let request = try read(#"{"future":{"x":[1]},"v":1,"id":1,"op":"health","trace":"t"}"#).get()
        #expect(request == WireRequest(id: 1, operation: "health"))
    }

    @Test func read_invalidUTF8_isRejectedWithNullId() throws {
        let payload = Array(#"{"v":1,"id":1,"op":"health","args":{"c":""#.utf8) + [0xC3, 0x28] + Array(#""}}"#.utf8)
        guard case .failure(let rejection) = reader.read(payload) else {
            Issue.record("accepted invalid UTF-8")
            return
        }
        #expect(rejection.id == nil)
        #expect(rejection.error == .invalidUTF8(offset: 41))
    }

    @Test(arguments: [
        (
            #"{"v":1,"id":1,"op":"health""#,
            WireError.malformedJSON(offset: 27, reason: "expected ',' or '}' in an object")
        ),
        ("[]", .notObject()), (#""text""#, .notObject()), ("null", .notObject()), ("42", .notObject()),
        (#"{"v":1,"op":"health"}"#, .invalidRequest(field: "id", problem: "is missing")),
        (#"{"v":1,"id":null,"op":"health"}"#, .invalidRequest(field: "id", problem: idRule)),
        (#"{"v":2,"id":-1,"op":"health"}"#, .invalidRequest(field: "id", problem: idRule)),
    ])
    func read_whenTheIdCannotBeRead_rejectsWithNullId(text: String, expected: WireError) throws {
        let rejection = try rejection(text)
        #expect(rejection.id == nil)
        #expect(rejection.error == expected)
    }

    @Test(arguments: [
        (#"{"id":3,"op":"health"}"#, WireError.invalidRequest(field: "v", problem: "is missing")),
        (#"{"v":"1","id":3,"op":"health"}"#, .invalidRequest(field: "v", problem: "must be an integer")),
        (#"{"v":1.0,"id":3,"op":"health"}"#, .invalidRequest(field: "v", problem: "must be an integer")),
        (#"{"v":2,"id":3,"op":"health"}"#, .unsupportedVersion()),
        (#"{"v":0,"id":3,"op":[]}"#, .unsupportedVersion()),
        (#"{"v":1,"id":3}"#, .invalidRequest(field: "op", problem: "is missing")),
        (#"{"v":1,"id":3,"op":null}"#, .invalidRequest(field: "op", problem: "must be a string")),
        (#"{"v":1,"id":3,"op":"health","args":null}"#, .invalidRequest(field: "args", problem: "must be an object")),
        (#"{"v":1,"id":3,"op":"health","args":"{}"}"#, .invalidRequest(field: "args", problem: "must be an object")),
        (#"{"v":1,"id":3,"op":"nope","args":[]}"#, .invalidRequest(field: "args", problem: "must be an object")),
        (#"{"v":1,"id":3,"op":"nope"}"#, .unknownOperation()),
        (#"{"v":1,"id":3,"op":""}"#, .unknownOperation()),
        (#"{"v":1,"id":3,"op":"Health"}"#, .unknownOperation()),
    ])
    func read_afterTheIdWasRead_rejectsEchoingIt(text: String, expected: WireError) throws {
        let rejection = try rejection(text)
        #expect(rejection.id == .number(3))
        #expect(rejection.error == expected)
        #expect(rejection.response == .failure(id: 3, expected))
    }

    @Test(arguments: [
        ("0", RequestID.number(0)), ("9007199254740991", .number(9_007_199_254_740_991)),
        (#""a""#, .string("a")),
        ("\"\(String(repeating: "x", count: 64))\"", .string(String(repeating: "x", count: 64))),
        ("\"\(String(repeating: "😀", count: 64))\"", .string(String(repeating: "😀", count: 64))),
        (#""\u0000\n""#, .string("\u{0}\n")),
    ])
    func read_validIds_atTheEdgesOfTheRules_areAccepted(idText: String, expected: RequestID) throws {
        #expect(try read(#"{"v":1,"id":\#(idText),"op":"health"}"#).get().id == expected)
    }

    @Test(arguments: [
        "9007199254740992", "-1", "-0.0", "1.0", "1e2", "18446744073709551616", #""""#,
        "\"\(String(repeating: "x", count: 65))\"", "\"\(String(repeating: "😀", count: 65))\"",
        "true", "[1]", #"{"n":1}"#,
    ])
    func read_invalidIds_areRejectedWithoutEcho(idText: String) throws {
        let rejection = try rejection(#"{"v":1,"id":\#(idText),"op":"health"}"#)
        #expect(rejection.id == nil)
        #expect(rejection.error == .invalidRequest(field: "id", problem: Self.idRule))
    }

    @Test func rejectionResponse_echoesAStringId_inTheFailureFrame() throws {
        let rejection = try rejection(#"{"v":1,"id":"req-\"9\"","op":"nope"}"#)
        let expected =
            #"{"v":1,"id":"req-\"9\"","ok":false,"error":{"code":"op.unknown","message":"operation not supported by this server"}}"#
        #expect(String(decoding: rejection.response.encoded(), as: UTF8.self) == expected)
    }

    @Test func encodedRequest_isCanonical_andReadsBack() throws {
        let request = WireRequest(
            id: "c-1", operation: "totp.verify", args: ["user": .string("u"), "code": .string("1")])
        let text = String(decoding: request.encoded(), as: UTF8.self)
        #expect(text == #"{"v":1,"id":"c-1","op":"totp.verify","args":{"code":"1","user":"u"}}"#)
        #expect(try reader.read(request.encoded()).get() == request)
    }

    @Test func requestID_validity_matchesWhatTheServerAccepts() {
        #expect(RequestID.number(RequestID.maxNumber).isValid)
        #expect(!RequestID.number(RequestID.maxNumber + 1).isValid)
        #expect(!RequestID.string("").isValid)
        #expect(RequestID.string(String(repeating: "é", count: 64)).isValid)
        #expect(!RequestID.string(String(repeating: "é", count: 65)).isValid)
        #expect(RequestID(json: .double(1)) == nil)
        #expect(RequestID.number(5).description == "5")
        #expect(RequestID.string("a").description == "\"a\"")
    }
}
