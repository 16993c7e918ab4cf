import Testing
import TwofoldTestSupport

@testable import TwofoldWebAuthn

private func parse(_ json: String) -> Result<CollectedClientData, Refusal> {
    do {
        return .success(try CollectedClientData(json: Array(json.utf8)))
    } catch {
        return .failure(Refusal(error.code))
    }
}

@Test func clientData_keepsTheCheckedMembers_andIgnoresOthers() throws {
    let json =
        #"{"type":"webauthn.get","challenge":"AQI","origin":"https://example.org","crossOrigin":false,"#
        + #""extra":{"a":[1,-2.5e3,true,null,"\u00fc\ud83d\ude00"]},"topOrigin":"https://x.example"}"#
    let data = try parse(json).get()
    #expect(data.type == "webauthn.get")
    #expect(data.challenge == "AQI")
    #expect(data.origin == "https://example.org")
    #expect(data.crossOrigin == false)
    #expect(data.topOrigin == "https://x.example")
    let minimal = try parse(#" {"origin":"o","challenge":"c","type":"t"} "#).get()
    #expect(minimal.crossOrigin == nil && minimal.topOrigin == nil)
    #expect(try parse(#"{"type":"t\u0000","challenge":"c","origin":"\/"}"#).get().origin == "/")
}

@Test(arguments: [
    (#""#, "empty"),
    (#"{"type":"t","challenge":"c","origin":"o""#, "unterminated object"),
    (#"{"type":"t","challenge":"c","origin":"o",}"#, "trailing comma"),
    (#"{"type":"t","type":"t","challenge":"c","origin":"o"}"#, "duplicate key"),
    (#"{"type":"t","challenge":"c","origin":"o"}{}"#, "two documents"),
    (#"{'type':"t","challenge":"c","origin":"o"}"#, "single quotes"),
    (#"{"type":"t","challenge":"c","origin":"\ud800"}"#, "unpaired high surrogate"),
    (#"{"type":"t","challenge":"c","origin":"\udc00"}"#, "unpaired low surrogate"),
    (#"{"type":"t","challenge":"c","origin":"\x"}"#, "invalid escape"),
    (#"{"type":"t","challenge":"c","origin":"o","n":01}"#, "leading zero"),
    (#"{"type":"t","challenge":"c","origin":"o","n":1.}"#, "bare decimal point"),
    (#"{"type":"t","challenge":"c","origin":"o","n":-}"#, "bare minus"),
    (#"{"type":"t","challenge":"c","origin":"o","n":tru}"#, "truncated literal"),
    (#"{"type":"t","challenge":"c","origin":"o","n":1e400}"#, "a number beyond Double"),
    (#"{"type":1,"challenge":"c","origin":"o"}"#, "type not a string"),
    (#"{"challenge":"c","origin":"o"}"#, "no type"),
    (#"{"type":"t","origin":"o"}"#, "no challenge"),
    (#"{"type":"t","challenge":"c"}"#, "no origin"),
    (#"{"type":"t","challenge":"c","origin":"o","crossOrigin":1}"#, "crossOrigin not a boolean"),
    (#"{"type":"t","challenge":"c","origin":"o","topOrigin":null}"#, "topOrigin not a string"),
    ("{\"type\":\"t\",\"challenge\":\"c\",\"origin\":\"o\u{1}\"}", "a raw control character"),
    (#"["type","challenge","origin"]"#, "not an object"),
])
func clientData_refusesInvalidJSONOrMembers_asMalformed(json: String, why: String) {
    #expect(parse(json) == .failure(Refusal("webauthn.malformed")), "\(why)")
}

@Test func clientData_refusesInvalidUTF8_excessiveNesting_andOversizedDocuments() {
    let invalidUTF8: [UInt8] =
        Array(#"{"type":"t","challenge":"c","origin":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
    #expect(errorCode { try CollectedClientData(json: invalidUTF8) } == "webauthn.malformed")
    let deep =
        #"{"type":"t","challenge":"c","origin":"o","x":"# + String(repeating: "[", count: 8)
        + String(repeating: "]", count: 8) + "}"
    #expect(errorCode { try CollectedClientData(json: Array(deep.utf8)) } == "webauthn.limit_exceeded")
    let hostile = String(repeating: "[", count: 100_000)
    #expect(
        errorCode { try CollectedClientData(json: Array(hostile.utf8), maxBytes: 200_000) } == "webauthn.limit_exceeded"
    )
    let big = #"{"type":"t","challenge":"c","origin":"o","pad":""# + String(repeating: "x", count: 8192) + #""}"#
    #expect(errorCode { try CollectedClientData(json: Array(big.utf8)) } == "webauthn.limit_exceeded")
}

@Test func base64URL_roundTripsEveryLength_andDecodesOnlyTheCanonicalText() {
    var random = SplitMix64(seed: 18)
    for length in 0..<70 {
        let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
        let text = Base64URL.encode(bytes)
        #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
        #expect(Base64URL.decode(text) == bytes, "\(length)")
    }
    #expect(Base64URL.encode(Array("WebAuthn".utf8)) == "V2ViQXV0aG4")
    for bad in ["V2ViQXV0aG4=", "V2ViQXV0aG5", "V2Vi QXV0aG4", "V2ViQXV0aG4\n", "A", "V2+iQXV0aG4", "V2/iQXV0aG4", "é"]
    {
        #expect(Base64URL.decode(bad) == nil, "\(bad)")
    }
}
