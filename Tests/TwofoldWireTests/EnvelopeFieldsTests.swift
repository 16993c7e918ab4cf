import Testing
import TwofoldWire

/// The optional envelope fields (`deadline_at`, `idempotency_key`, `any_order`) and the rule that
/// any integer `v` other than 1 is `version.unsupported`, however large.
@Suite struct EnvelopeFieldsTests {
    private let reader = WireRequestReader(operations: ["health"])

    private func read(_ text: String) -> Result<WireRequest, WireRejection> { reader.read(Array(text.utf8)) }

    private func error(_ text: String) -> WireError? {
        guard case .failure(let rejection) = read(text) else { return nil }
        return rejection.error
    }

    @Test(arguments: [
        "9223372036854775808", "18446744073709551616", "-9223372036854775809", "123456789012345678901234567890",
    ])
    func version_anIntegerBeyond64Bits_isUnsupportedNotInvalid(version: String) {
        #expect(error(#"{"v":\#(version),"id":4,"op":"health"}"#) == .unsupportedVersion())
        guard case .failure(let rejection) = read(#"{"v":\#(version),"id":4,"op":"health"}"#) else { return }
        #expect(rejection.id == 4, "the id is echoed")
    }

    @Test(arguments: ["1e20", "1.0", "9223372036854775808.0", "1E400"])
    func version_notWrittenAsAnInteger_isInvalid(version: String) {
        let expected: WireError =
            version == "1E400"
            ? .malformedJSON(offset: 5, reason: "number out of range")
            : .invalidRequest(field: "v", problem: "must be an integer")
        #expect(error(#"{"v":\#(version),"id":4,"op":"health"}"#) == expected)
    }

    @Test func version_oversizedIntegerNestedElsewhere_doesNotCountAsTheVersion() {
        #expect(
            error(#"{"v":1e30,"id":4,"op":"health","args":{"v":99999999999999999999}}"#)
                == .invalidRequest(field: "v", problem: "must be an integer"))
    }

    @Test func optionalFields_areReadWhenWellFormed() throws {
        let request = try read(
            #"{"v":1,"id":1,"op":"health","deadline_at":1800000000000,"idempotency_key":"AAAAAAAAAAAAAAAAAAAAAA","any_order":true}"#
        ).get()
        #expect(request.deadlineAt == 1_800_000_000_000)
        #expect(request.idempotencyKey?.rawValue == "AAAAAAAAAAAAAAAAAAAAAA")
        #expect(request.anyOrder)
        let plain = try read(#"{"v":1,"id":1,"op":"health"}"#).get()
        #expect(plain.deadlineAt == nil && plain.idempotencyKey == nil && !plain.anyOrder)
    }

    @Test(arguments: [
        (#""deadline_at":-1"#, "deadline_at"), (#""deadline_at":1.5"#, "deadline_at"),
        (#""deadline_at":9007199254740992"#, "deadline_at"), (#""deadline_at":"soon""#, "deadline_at"),
        (#""idempotency_key":"short""#, "idempotency_key"), (#""idempotency_key":7"#, "idempotency_key"),
        (#""idempotency_key":"AAAAAAAAAAAAAAAA AAAAAA""#, "idempotency_key"),
        (#""idempotency_key":"ÄAAAAAAAAAAAAAAAAAAAAA""#, "idempotency_key"),
        ("\"idempotency_key\":\"\(String(repeating: "A", count: 65))\"", "idempotency_key"),
        (#""any_order":1"#, "any_order"), (#""any_order":null"#, "any_order"),
    ])
    func optionalFields_malformed_areInvalidNamingTheField(member: String, field: String) throws {
        guard case .failure(let rejection) = read(#"{"v":1,"id":9,"op":"health",\#(member)}"#) else {
            Issue.record("accepted \(member)")
            return
        }
        #expect(rejection.id == 9)
        #expect(rejection.error.code == "request.invalid")
        #expect(rejection.error.message.hasPrefix("field '\(field)'"))
        #expect(!rejection.error.message.contains("short") && !rejection.error.message.contains("soon"))
    }

    @Test func encoded_putsTheOptionalFieldsBetweenOpAndArgs_andReadsBack() throws {
        let key = try #require(IdempotencyKey("abcdefghijklmnop"))
        let request = WireRequest(
            id: 3, operation: "health", args: ["a": 1], deadlineAt: 42, idempotencyKey: key, anyOrder: true)
        #expect(
            String(decoding: request.encoded(), as: UTF8.self)
                == #"{"v":1,"id":3,"op":"health","deadline_at":42,"idempotency_key":"abcdefghijklmnop","any_order":true,"args":{"a":1}}"#
        )
        #expect(try reader.read(request.encoded()).get() == request)
    }

    @Test func deadlinePassed_atAndAfterTheDeadline_notBefore() {
        let request = WireRequest(id: 1, operation: "health", deadlineAt: 1000)
        #expect(!request.deadlinePassed(nowMillis: 999))
        #expect(request.deadlinePassed(nowMillis: 1000))
        #expect(!WireRequest(id: 1, operation: "health").deadlinePassed(nowMillis: .max))
    }

    @Test func idempotencyKey_fromRandomBytes_isBase64URLWithoutPadding_andValid() throws {
        let key = IdempotencyKey(randomBytes: [0xFB, 0xFF, 0xBF] + Array(repeating: 0, count: 13))
        #expect(key.rawValue == "-_-_AAAAAAAAAAAAAAAAAA")
        #expect(IdempotencyKey(key.rawValue) == key)
        #expect(IdempotencyKey(randomBytes: Array(repeating: 1, count: 48)).rawValue.utf8.count == 64)
    }
}
