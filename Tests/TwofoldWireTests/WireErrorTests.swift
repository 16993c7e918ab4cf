import Testing
import TwofoldWire

@Suite struct WireErrorTests {
    @Test(arguments: [
        (WireError.frameEmpty(), "frame.empty", true, true),
        (.frameTooLarge(limit: 1), "frame.too_large", true, true),
        (.frameTruncated(), "frame.truncated", true, false),
        (.invalidUTF8(offset: 0), "json.invalid_utf8", false, true),
        (.malformedJSON(offset: 0, reason: "r"), "json.malformed", false, true),
        (.notObject(), "request.not_object", false, true),
        (.invalidRequest(field: "f", problem: "p"), "request.invalid", false, true),
        (.unsupportedVersion(), "version.unsupported", false, true),
        (.unknownOperation(), "op.unknown", false, true),
        (.internal(), "internal", false, true),
        (.unavailable(retryAfterMs: 5), "unavailable", false, true),
        (.invalidResponse(field: "f", problem: "p"), "response.invalid", false, true),
    ])
    func everyError_hasItsStableCodeAndConnectionFate(error: WireError, code: String, closes: Bool, answers: Bool) {
        #expect(error.code == code)
        #expect(error.payload.code == code)
        #expect(error.closesConnection == closes)
        #expect(error.isAnswerable == answers)
    }

    @Test func unavailable_carriesANonNegativeRetryHint_andOthersNone() {
        #expect(WireError.unavailable(retryAfterMs: 1500).payload.retryAfterMs == 1500)
        #expect(WireError.unavailable(retryAfterMs: -3).retryAfterMs == 0)
        #expect(WireError.internal().payload.retryAfterMs == nil)
        #expect(WireError.internal().payload.detail == nil)
    }

    @Test func description_namesCodeAndCallSite() {
        let error = WireError.notObject()
        #expect(error.description.hasPrefix("WireError(request.not_object): a request must be a JSON object at "))
        #expect(error.file.hasSuffix("WireErrorTests.swift"))
        #expect(error.line > 0)
    }
}
