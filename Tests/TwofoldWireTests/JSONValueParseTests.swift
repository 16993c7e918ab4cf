import Testing
import TwofoldWire

@Suite struct JSONValueParseTests {
    private static func parse(_ text: String) throws(WireError) -> JSONValue {
        try JSONValue.parse(Array(text.utf8))
    }

    @Test func parse_acceptsEveryKindOfValue() throws {
        let value = try Self.parse(#" {"n":null,"t":true,"f":false,"i":-12,"d":0.5,"s":"x","a":[1,[]],"o":{}} "#)
        #expect(
            value
                == .object([
                    "n": .null, "t": .bool(true), "f": .bool(false), "i": .integer(-12), "d": .double(0.5),
                    "s": .string("x"), "a": .array([.integer(1), .array([])]), "o": .object([:]),
                ]))
    }

    @Test(arguments: [
        ("0", JSONValue.integer(0)), ("-0", .integer(0)), ("9223372036854775807", .integer(Int64.max)),
        ("-9223372036854775808", .integer(Int64.min)), ("9223372036854775808", .double(9_223_372_036_854_775_808)),
        ("1.0", .double(1)), ("1e2", .double(100)), ("1E+2", .double(100)), ("-2.5e-3", .double(-0.0025)),
    ])
    func parse_numbers_keepIntegerLiteralsExact(text: String, expected: JSONValue) throws {
        #expect(try Self.parse(text) == expected)
    }

    @Test(arguments: [
        (#""a\"b\\c\/d""#, "a\"b\\c/d"), (#""\b\f\n\r\t""#, "\u{8}\u{C}\n\r\t"),
        (#""\u00e9\u00E9""#, "éé"), (#""\ud83d\ude00""#, "😀"), (#""\u0000""#, "\u{0}"),
        ("\"é😀\"", "é😀"), (#""\uffff""#, "\u{FFFF}"), (#""\udbff\udfff""#, "\u{10FFFF}"),
    ])
    func parse_strings_decodeEscapesAndRawUTF8(text: String, expected: String) throws {
        #expect(try Self.parse(text) == .string(expected))
    }

    @Test(arguments: [
        ("", 0, "unexpected end of input") as (String, Int, String), ("  ", 2, "unexpected end of input"),
        ("{", 1, "expected a string key"), ("[1,]", 3, "unexpected byte, expected a value"),
        ("[1 2]", 3, "expected ',' or ']' in an array"), (#"{"a" 1}"#, 5, "expected ':' after a key"),
        ("{a:1}", 1, "expected a string key"), (#"{"a":1"#, 6, "expected ',' or '}' in an object"),
        ("01", 1, "unexpected data after the value"), ("1.", 2, "expected a digit after '.'"),
        (".5", 0, "unexpected byte, expected a value"), ("+1", 0, "unexpected byte, expected a value"),
        ("-", 1, "expected a digit"), ("1e", 2, "expected a digit in the exponent"),
        ("tru", 0, "invalid literal"), ("nulL", 0, "invalid literal"), ("1 2", 2, "unexpected data after the value"),
        ("1e400", 0, "number out of range"), ("-1e400", 0, "number out of range"),
        (#""abc"#, 4, "unterminated string"), ("\"a\u{1}\"", 2, "unescaped control character in a string"),
        ("\"a\nb\"", 2, "unescaped control character in a string"), (#""\x""#, 1, "invalid escape"),
        (#""\u12x5""#, 5, #"invalid hex digit in \u escape"#), (#""\u12"#, 3, #"truncated \u escape"#),
        (#""\ud800""#, 1, "unpaired surrogate escape"), (#""\udc00""#, 1, "unpaired surrogate escape"),
        (#""\ud800\u0041""#, 1, "unpaired surrogate escape"), (#""\ud800x""#, 1, "unpaired surrogate escape"),
        (#"{"a":1,"a":2}"#, 7, "duplicate key"), (#"{"a":{"b":1,"b":1}}"#, 12, "duplicate key"),
    ])
    func parse_malformedInput_failsWithOffsetAndReason(text: String, offset: Int, reason: String) {
        #expect(throws: WireError.malformedJSON(offset: offset, reason: reason)) { try Self.parse(text) }
    }

    @Test func parse_nestingAtTheLimit_isAccepted_andOneDeeperIsRejected() throws {
        let limit = 64
        _ = try Self.parse(String(repeating: "[", count: limit) + String(repeating: "]", count: limit))
        let tooDeep = String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1)
        #expect(throws: WireError.malformedJSON(offset: limit, reason: "nesting deeper than 64 levels")) {
            try Self.parse(tooDeep)
        }
        let hostile = String(repeating: #"{"a":"#, count: 100_000)
        #expect(throws: WireError.self) { try Self.parse(hostile) }
    }

    @Test(
        arguments: [
            ([0x80], 0), ([0xBF], 0), ([0xC0, 0xAF], 0), ([0xC1, 0xBF], 0), ([0xC2], 0), ([0xC2, 0x41], 0),
            ([0xE0, 0x80, 0x80], 0), ([0xE0, 0x9F, 0xBF], 0), ([0xED, 0xA0, 0x80], 0), ([0xED, 0xBF, 0xBF], 0),
            ([0xE2, 0x82], 0), ([0xE2, 0x82, 0x41], 0), ([0xF0, 0x8F, 0xBF, 0xBF], 0), ([0xF4, 0x90, 0x80, 0x80], 0),
            ([0xF5, 0x80, 0x80, 0x80], 0), ([0xF0, 0x9F, 0x98], 0), ([0xFE], 0), ([0xFF], 0),
        ] as [([UInt8], Int)])
    func parse_illFormedUTF8_failsWithTheOffsetOfTheBadSequence(bad: [UInt8], _: Int) {
        let prefix = Array(#"["ok é","#.utf8)
        let input = prefix + [0x22] + bad + [0x22, 0x5D]
        #expect(throws: WireError.invalidUTF8(offset: prefix.count + 1)) { try JSONValue.parse(input) }
    }

    @Test(
        arguments: [
            [0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80],
            [0xEF, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
        ] as [[UInt8]])
    func parse_wellFormedUTF8AtTheEdgesOfEachRange_isAccepted(good: [UInt8]) throws {
        let value = try JSONValue.parse([0x22] + good + [0x22])
        #expect(value == .string(String(decoding: good, as: UTF8.self)))
    }

    @Test func parse_errorMessages_neverContainTheInput() {
        for text in [#"{"code":"493817""#, #"{"code":"493817",}"#, #"{"code":"493817"}}"#, #"{"code":"4938\q"}"#] {
            do {
                _ = try Self.parse(text)
                Issue.record("expected \(text) to be rejected")
            } catch {
                #expect(error.code == "json.malformed")
                #expect(!error.message.contains("493817") && !error.message.contains("4938"))
            }
        }
    }

    @Test func parse_acceptsNonContiguousCollections() throws {
        let bytes = Array(#"{"a":[1]}"#.utf8)
        #expect(try JSONValue.parse(bytes.lazy.map { $0 }) == .object(["a": .array([.integer(1)])]))
    }
}
