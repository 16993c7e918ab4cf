import Testing
import TwofoldWire

@Suite struct ArgsDecodingTests {
    private struct VerifyArgs: Codable, Equatable {
        let user: String
        let code: String
        var digits: UInt8?
        var window: [Int]?
        var weight: Double?
        var ratio: Float?
        var flags: Flags?
    }

    private struct Flags: Codable, Equatable {
        let strict: Bool
    }

    private enum Channel: String, Decodable {
        case sms, voice
    }

    private struct ChannelArgs: Decodable {
        let channel: Channel
    }

    /// Rejects a value in its own `init(from:)` with a message that quotes it.
    private struct Pin: Decodable {
        init(from decoder: any Decoder) throws {
            let text = try decoder.singleValueContainer().decode(String.self)
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "bad pin \(text)"))
        }
    }

    private struct PinArgs: Decodable {
        let pin: Pin
    }

    private static func request(_ args: String) throws -> WireRequest {
        try WireRequestReader(operations: ["op"]).read(Array(#"{"v":1,"id":1,"op":"op","args":\#(args)}"#.utf8)).get()
    }

    @Test func decodeArgs_withAllFields_returnsTheValue() throws {
        let args = try Self.request(
            #"{"user":"u-1","code":"123456","digits":6,"window":[-1,0,1],"weight":2,"ratio":0.5,"flags":{"strict":true},"extra":1}"#
        ).decodeArgs(VerifyArgs.self)
        #expect(
            args
                == VerifyArgs(
                    user: "u-1", code: "123456", digits: 6, window: [-1, 0, 1], weight: 2, ratio: 0.5,
                    flags: Flags(strict: true)))
    }

    @Test func decodeArgs_optionalFieldsAbsentOrNull_areNil() throws {
        let args = try Self.request(#"{"user":"u","code":"1","digits":null}"#).decodeArgs(VerifyArgs.self)
        #expect(args == VerifyArgs(user: "u", code: "1"))
    }

    @Test(arguments: [
        (#"{"user":"u"}"#, "field 'args.code' is missing"),
        (#"{"user":"u","code":493817}"#, "field 'args.code' must be a string"),
        (#"{"user":"u","code":null}"#, "field 'args.code' must not be null"),
        (#"{"user":"u","code":"1","digits":"493817"}"#, "field 'args.digits' must be an integer"),
        (#"{"user":"u","code":"1","digits":6.0}"#, "field 'args.digits' must be an integer"),
        (#"{"user":"u","code":"1","digits":493817}"#, "field 'args.digits' is out of range"),
        (#"{"user":"u","code":"1","digits":-1}"#, "field 'args.digits' is out of range"),
        (#"{"user":"u","code":"1","window":[0,"493817"]}"#, "field 'args.window[1]' must be an integer"),
        (#"{"user":"u","code":"1","window":{"a":1}}"#, "field 'args.window' must be an array"),
        (#"{"user":"u","code":"1","weight":"493817"}"#, "field 'args.weight' must be a number"),
        (#"{"user":"u","code":"1","ratio":1e300}"#, "field 'args.ratio' is out of range"),
        (#"{"user":"u","code":"1","flags":[]}"#, "field 'args.flags' must be an object"),
        (#"{"user":"u","code":"1","flags":{}}"#, "field 'args.flags.strict' is missing"),
        (#"{"user":"u","code":"1","flags":{"strict":"493817"}}"#, "field 'args.flags.strict' must be a boolean"),
    ])
    func decodeArgs_invalid_namesTheFieldButNeverTheValue(args: String, message: String) throws {
        let request = try Self.request(args)
        do throws(WireError) {
            _ = try request.decodeArgs(VerifyArgs.self)
            Issue.record("expected \(args) to be rejected")
        } catch {
            #expect(error.code == "request.invalid")
            #expect(error.message == message)
            #expect(!error.message.contains("493817"))
        }
    }

    @Test func decodeArgs_unknownEnumValue_isInvalidWithoutEchoingIt() throws {
        #expect(throws: WireError.invalidRequest(field: "args.channel", problem: "is invalid")) {
            try Self.request(#"{"channel":"carrier-pigeon"}"#).decodeArgs(ChannelArgs.self)
        }
    }

    @Test func decodeArgs_whenTheTypeItselfRejectsAValue_doesNotLeakItsDescription() throws {
        #expect(throws: WireError.invalidRequest(field: "args.pin", problem: "is invalid")) {
            try Self.request(#"{"pin":"493817"}"#).decodeArgs(PinArgs.self)
        }
    }

    @Test func decodeArgs_topLevelArray_fromAnUnkeyedType_failsOnTheArgsObject() throws {
        #expect(throws: WireError.invalidRequest(field: "args", problem: "must be an array")) {
            try Self.request("{}").decodeArgs([String].self)
        }
    }

    @Test func requestEncodingArgs_roundTripsThroughTheWire() throws {
        let args = VerifyArgs(user: "u-\"1\"", code: "000000", digits: 8, window: [0], flags: Flags(strict: false))
        let request = try WireRequest(id: "c", operation: "op", encodingArgs: args)
        let received = try WireRequestReader(operations: ["op"]).read(request.encoded()).get()
        #expect(try received.decodeArgs(VerifyArgs.self) == args)
    }

    @Test func requestEncodingArgs_thatAreNotAnObject_failWithInternal() {
        #expect(throws: WireError.internal()) { try WireRequest(id: 1, operation: "op", encodingArgs: "text") }
    }
}
