import Testing
import TwofoldWire

@Suite struct JSONValueWriteTests {
    private static func text(_ value: JSONValue) -> String {
        String(decoding: value.jsonBytes, as: UTF8.self)
    }

    @Test func write_escapesQuotesBackslashesAndControlCharacters_likeRFC8785() {
        #expect(Self.text(.string("a\"b\\c/d")) == #""a\"b\\c/d""#)
        #expect(Self.text(.string("\u{8}\t\n\u{C}\r")) == #""\b\t\n\f\r""#)
        #expect(Self.text(.string("\u{0}\u{1}\u{1F}\u{7F}")) == "\"\\u0000\\u0001\\u001f\u{7F}\"")
        #expect(Self.text(.string("é😀\u{2028}")) == "\"é😀\u{2028}\"")
    }

    @Test func write_everyControlCharacter_usesTheShortFormOrLowercaseHex() {
        let short: [UInt8: String] = [0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r"]
        let hex = Array("0123456789abcdef")
        for byte in UInt8(0)..<0x20 {
            let expected = short[byte] ?? "\\u00\(hex[Int(byte >> 4)])\(hex[Int(byte & 0xF)])"
            #expect(Self.text(.string(String(UnicodeScalar(byte)))) == "\"\(expected)\"")
        }
    }

    @Test(arguments: [
        "", "plain", "\"", "\\", "\\\"", "\"\\\"", "/", "\u{0}", "\u{1F}\u{7F}", "é", "😀", "a😀b\u{10FFFF}",
        "\u{2028}\u{2029}", "\u{FEFF}x", "tab\tnew\nline\r", String(repeating: "\\\"", count: 100),
        (0..<0x80).map { String(UnicodeScalar(UInt8($0))) }.joined(),
    ])
    func stringRoundTrip_writeThenParse_returnsTheOriginal(original: String) throws {
        #expect(try JSONValue.parse(JSONValue.string(original).jsonBytes) == .string(original))
    }

    @Test func write_numbers_asShortestExactText() {
        #expect(Self.text(.integer(0)) == "0")
        #expect(Self.text(.integer(Int64.max)) == "9223372036854775807")
        #expect(Self.text(.integer(Int64.min)) == "-9223372036854775808")
        #expect(Self.text(.integer(1_000_000)) == "1000000")
        #expect(Self.text(.double(1.5)) == "1.5")
        #expect(Self.text(.double(-0.0025)) == "-0.0025")
        #expect(Self.text(.double(1e20)) == "1e+20")
    }

    @Test func write_nonFiniteDouble_asNull() {
        #expect(Self.text(.array([.double(.nan), .double(.infinity), .double(-.infinity)])) == "[null,null,null]")
    }

    @Test func write_objects_withKeysInUTF8ByteOrder_andNoWhitespace() {
        let value = JSONValue.object([
            "é": .null, "b": .bool(false), "B": .array([]), "a": .object(["z": .integer(1), "y": .string("")]),
        ])
        #expect(Self.text(value) == #"{"B":[],"a":{"y":"","z":1},"b":false,"é":null}"#)
    }

    @Test func valueRoundTrip_parseThenWrite_isStable() throws {
        let text = #"{"a":[1,-2,0.5,true,null,"\u0001😀"],"b":{"c":{}}}"#
        let value = try JSONValue.parse(Array(text.utf8))
        #expect(Self.text(value) == text)
        #expect(try JSONValue.parse(value.jsonBytes) == value)
    }
}
