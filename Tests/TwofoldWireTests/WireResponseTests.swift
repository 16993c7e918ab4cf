import Testing
import TwofoldWire

@Suite struct WireResponseTests {
    private static func text(_ response: WireResponse) -> String {
        String(decoding: response.encoded(), as: UTF8.self)
    }

    private static func decode(_ text: String) throws(WireError) -> WireResponse {
        try WireResponse.decode(Array(text.utf8))
    }

    @Test func encoded_success_writesFieldsInCanonicalOrder() {
        let response = WireResponse.success(id: 42, result: ["step": .integer(5), "outcome": .string("accepted")])
        #expect(Self.text(response) == #"{"v":1,"id":42,"ok":true,"result":{"outcome":"accepted","step":5}}"#)
        #expect(Self.text(.success(id: "r", result: [:])) == #"{"v":1,"id":"r","ok":true,"result":{}}"#)
    }

    @Test func encoded_failure_writesCodeMessageDetailRetryInThatOrder() {
        let payload = WireErrorPayload(code: "recovery.cooldown", message: "wait", detail: "d", retryAfterMs: 60_000)
        #expect(
            Self.text(.failure(id: 1, payload))
                == #"{"v":1,"id":1,"ok":false,"error":{"code":"recovery.cooldown","message":"wait","detail":"d","retry_after_ms":60000}}"#
        )
        #expect(
            Self.text(.failure(id: nil, WireError.unavailable(retryAfterMs: 250)))
                == #"{"v":1,"id":null,"ok":false,"error":{"code":"unavailable","message":"temporarily unavailable","retry_after_ms":250}}"#
        )
    }

    @Test func failureMessage_withQuotesAndControlCharacters_isEscaped() throws {
        let payload = WireErrorPayload(code: "x.y", message: "say \"no\"\\\n\u{1}")
        let response = WireResponse.failure(id: "i", payload)
        #expect(Self.text(response).contains(#""message":"say \"no\"\\\n\u0001""#))
        #expect(try WireResponse.decode(response.encoded()) == response)
    }

    @Test(arguments: [
        WireResponse.success(id: 0, result: ["a": .array([.null, .double(0.25)])]),
        .success(id: .number(RequestID.maxNumber), result: [:]),
        .failure(id: nil, WireError.frameTooLarge(limit: 10)),
        .failure(id: "😀", WireErrorPayload(code: "phone.invalid", message: "m", detail: "phone.too_short")),
        .failure(id: 3, WireErrorPayload(code: "unavailable", message: "", retryAfterMs: 0)),
    ])
    func decode_ofEncoded_returnsTheSameResponse(response: WireResponse) throws {
        #expect(try WireResponse.decode(response.encoded()) == response)
    }

    @Test func decode_ignoresUnknownFields() throws {
        let response = try Self.decode(
            #"{"ok":false,"v":1,"id":2,"x":1,"error":{"message":"m","code":"c","extra":[1]},"result":{"a":1}}"#)
        #expect(response == .failure(id: 2, WireErrorPayload(code: "c", message: "m")))
    }

    @Test(arguments: [
        ("[]", WireError.invalidResponse(field: "(root)", problem: "must be a JSON object")),
        (#"{"id":1,"ok":true,"result":{}}"#, .invalidResponse(field: "v", problem: "must be 1")),
        (#"{"v":2,"id":1,"ok":true,"result":{}}"#, .invalidResponse(field: "v", problem: "must be 1")),
        (#"{"v":1,"ok":true,"result":{}}"#, .invalidResponse(field: "id", problem: "is missing")),
        (
            #"{"v":1,"id":-4,"ok":true,"result":{}}"#,
            .invalidResponse(field: "id", problem: "must be a valid request id or null")
        ),
        (#"{"v":1,"id":1,"result":{}}"#, .invalidResponse(field: "ok", problem: "must be a boolean")),
        (#"{"v":1,"id":1,"ok":"true","result":{}}"#, .invalidResponse(field: "ok", problem: "must be a boolean")),
        (
            #"{"v":1,"id":null,"ok":true,"result":{}}"#,
            .invalidResponse(field: "id", problem: "must not be null on success")
        ),
        (#"{"v":1,"id":1,"ok":true}"#, .invalidResponse(field: "result", problem: "must be an object")),
        (#"{"v":1,"id":1,"ok":true,"result":[]}"#, .invalidResponse(field: "result", problem: "must be an object")),
        (#"{"v":1,"id":1,"ok":false}"#, .invalidResponse(field: "error", problem: "must be an object")),
        (
            #"{"v":1,"id":1,"ok":false,"error":{"message":"m"}}"#,
            .invalidResponse(field: "error.code", problem: "must be a non-empty string")
        ),
        (
            #"{"v":1,"id":1,"ok":false,"error":{"code":"","message":"m"}}"#,
            .invalidResponse(field: "error.code", problem: "must be a non-empty string")
        ),
        (
            #"{"v":1,"id":1,"ok":false,"error":{"code":"c"}}"#,
            .invalidResponse(field: "error.message", problem: "must be a string")
        ),
        (
            #"{"v":1,"id":1,"ok":false,"error":{"code":"c","message":"m","detail":1}}"#,
            .invalidResponse(field: "error.detail", problem: "must be a string")
        ),
        (
            #"{"v":1,"id":1,"ok":false,"error":{"code":"c","message":"m","retry_after_ms":-1}}"#,
            .invalidResponse(field: "error.retry_after_ms", problem: "must be an integer in 0...2147483647")
        ),
        (
            #"{"v":1,"id":1,"ok":false,"error":{"code":"c","message":"m","retry_after_ms":1.5}}"#,
            .invalidResponse(field: "error.retry_after_ms", problem: "must be an integer in 0...2147483647")
        ),
        (
            #"{"v":1,"id":1,"ok":true,"result":{}"#,
            .malformedJSON(offset: 35, reason: "expected ',' or '}' in an object")
        ),
    ])
    func decode_invalidResponse_namesTheField(text: String, expected: WireError) {
        #expect(throws: expected) { try Self.decode(text) }
    }

    @Test func decode_invalidUTF8_isRejected() {
        #expect(throws: WireError.invalidUTF8(offset: 0)) { try WireResponse.decode([0xFF]) }
    }

    private struct Health: Codable, Equatable {
        let status: String
        let users: Int
    }

    @Test func successEncodingAnEncodable_decodesBackAsTheSameType() throws {
        let response = try WireResponse.success(id: 9, encoding: Health(status: "ok", users: 3))
        #expect(Self.text(response) == #"{"v":1,"id":9,"ok":true,"result":{"status":"ok","users":3}}"#)
        let decoded = try WireResponse.decode(response.encoded())
        #expect(try decoded.decodeResult(Health.self).get() == Health(status: "ok", users: 3))
    }

    @Test func successEncoding_aNonObject_failsWithInternal() {
        #expect(throws: WireError.internal()) { try WireResponse.success(id: 1, encoding: [1, 2]) }
        #expect(throws: WireError.internal()) { try WireResponse.success(id: 1, encoding: Double.nan) }
    }

    @Test func decodeResult_ofAFailure_returnsTheServersErrorPayload() throws {
        let payload = WireErrorPayload(code: "totp.not_enrolled", message: "m")
        let result = try WireResponse.failure(id: 1, payload).decodeResult(Health.self)
        #expect(throws: payload) { try result.get() }
    }

    @Test func decodeResult_thatDoesNotFit_namesTheResultField() {
        let response = WireResponse.success(id: 1, result: ["status": .string("ok"), "users": .string("3")])
        #expect(throws: WireError.invalidResponse(field: "result.users", problem: "must be an integer")) {
            try response.decodeResult(Health.self)
        }
    }

    @Test func framed_whenTheResponseFits_isTheFramedEncoding() throws {
        let response = WireResponse.success(id: 1, result: [:])
        #expect(response.framed() == (try FrameEncoder.encode(response.encoded())))
    }

    @Test func framed_whenTheResponseIsTooLarge_sendsInternalForTheSameIdInstead() throws {
        let response = WireResponse.success(id: 5, result: ["blob": .string(String(repeating: "a", count: 200))])
        var decoder = FrameDecoder()
        decoder.feed(response.framed(maxFrameLength: 150))
        let frame = try #require(try decoder.next())
        #expect(try WireResponse.decode(frame.payload) == .failure(id: 5, WireError.internal()))
    }
}
