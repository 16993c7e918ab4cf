import Testing

@testable import TwofoldWebAuthn

private let strict = CBORDecoder(options: .ctap2)
private let lenient = CBORDecoder(options: .wellFormed)

/// The code of the error `body` throws, or `nil` if it returns.
func errorCode<T>(_ body: () throws -> T) -> String? {
    do {
        _ = try body()
        return nil
    } catch let error as WebAuthnError {
        return error.code
    } catch {
        return "not a WebAuthnError: \(error)"
    }
}

@Test func decode_everyRFC8949AppendixAExample_givesTheRFCsValue_andCanonicalOnesReencodeExactly() throws {
    let vectors = try #require(try loadVectors("cbor-rfc8949.json")["valid"] as? [[String: Any]])
    #expect(vectors.count == 70)
    for vector in vectors {
        let bytes = hex(vector["hex"] as! String)
        let diagnostic = vector["diagnostic"] as! String
        let value = try lenient.decode(bytes)
        #expect(value.description == diagnostic, "\(vector["hex"]!)")
        if vector["ctap2"] as! Bool {
            #expect(try strict.decode(bytes) == value, "\(vector["hex"]!)")
            #expect(CBOREncoder.encode(value) == bytes, "\(vector["hex"]!)")
        } else {
            #expect(errorCode { try strict.decode(bytes) } == "webauthn.cbor_not_canonical", "\(vector["hex"]!)")
            // Lenient input encodes to the preferred form, which decodes to the same value.
            let canonical = CBOREncoder.encode(value)
            #expect(canonical.count < bytes.count || value.description.contains("("), "\(vector["hex"]!)")
            #expect(try lenient.decode(canonical) == value, "\(vector["hex"]!)")
        }
    }
}

@Test func decode_refusesEveryIndefiniteLengthExampleOfAppendixA() throws {
    let vectors = try #require(try loadVectors("cbor-rfc8949.json")["indefinite"] as? [[String: Any]])
    #expect(vectors.count == 11)
    for vector in vectors {
        let bytes = hex(vector["hex"] as! String)
        #expect(errorCode { try strict.decode(bytes) } == "webauthn.cbor_indefinite_length", "\(vector["diagnostic"]!)")
        #expect(
            errorCode { try lenient.decode(bytes) } == "webauthn.cbor_indefinite_length", "\(vector["diagnostic"]!)")
    }
}

@Test(arguments: [
    ("", "empty input"),
    ("18", "truncated argument"),
    ("1b0000", "truncated 8-byte argument"),
    ("1c", "reserved additional information 28"),
    ("5d", "reserved additional information 29"),
    ("fe", "reserved additional information 30"),
    ("ff", "a break on its own"),
    ("3f", "indefinite negative integer"),
    ("df", "indefinite tag"),
    ("f818", "two-byte simple value below 32"),
    ("f800", "two-byte simple value 0"),
    ("6261", "text shorter than its length"),
    ("a101", "map without its last value"),
    ("8201", "array with one item of two"),
    ("0001", "a second item after the first"),
    ("62c328", "invalid UTF-8"),
    ("63eda080", "a UTF-8 encoded surrogate"),
    ("62c0af", "overlong UTF-8"),
    ("5bffffffffffffffff00", "a byte string claiming 2^64 - 1 bytes"),
    ("9bffffffffffffffff00", "an array claiming 2^64 - 1 items"),
    ("bb800000000000000000", "a map whose entry count overflows when doubled"),
    ("9affffffff00", "an array claiming more items than bytes remain"),
])
func decode_refusesIllFormedInput(hexInput: String, reason: String) {
    let bytes = hex(hexInput)
    #expect(errorCode { try strict.decode(bytes) } == "webauthn.malformed", "\(reason)")
    #expect(errorCode { try lenient.decode(bytes) } == "webauthn.malformed", "\(reason)")
}

@Test(arguments: [
    ("1817", "23 in two bytes"),
    ("190017", "23 in three bytes"),
    ("1900ff", "255 in three bytes"),
    ("1a0000ffff", "65535 in five bytes"),
    ("1b00000000ffffffff", "2^32 - 1 in nine bytes"),
    ("3817", "-24 in two bytes"),
    ("5800", "an empty byte string with a one-byte length"),
    ("780161", "a one-character text with a one-byte length"),
    ("980100", "a one-item array with a one-byte count"),
    ("a2030401 02", "integer keys 3 before 1"),
    ("a2200101 02", "key -1 before key 1 (major type 1 before 0)"),
    ("a2616101 0102", "text key before integer key"),
    ("a2626161 01616202", "key \"aa\" before the shorter \"b\""),
    ("a2616201 616102", "key \"b\" before \"a\""),
    ("fa3f800000", "1.0 in single precision"),
    ("fb3ff0000000000000", "1.0 in double precision"),
    ("fb3ff8000000000000", "1.5 in double precision"),
    ("f97e01", "a NaN with a payload"),
    ("f9fe00", "a negative NaN"),
])
func decode_inCTAP2Form_refusesNonCanonicalEncodings_thatAreWellFormed(hexInput: String, reason: String) throws {
    let bytes = hex(hexInput.replacingOccurrences(of: " ", with: ""))
    #expect(errorCode { try strict.decode(bytes) } == "webauthn.cbor_not_canonical", "\(reason)")
    let value = try lenient.decode(bytes)
    #expect(CBOREncoder.encode(value) != bytes, "\(reason)")
}

@Test func decode_inCTAP2Form_refusesTags() throws {
    #expect(errorCode { try strict.decode(hex("c000")) } == "webauthn.cbor_not_canonical")
    #expect(errorCode { try strict.decode(hex("8201d82000")) } == "webauthn.cbor_not_canonical")
    #expect(try lenient.decode(hex("c000")) == .tagged(0, .unsigned(0)))
}

@Test func decode_refusesDuplicateMapKeys_evenWhenTheirEncodingsDiffer() {
    #expect(errorCode { try strict.decode(hex("a201020103")) } == "webauthn.cbor_duplicate_key")
    #expect(errorCode { try lenient.decode(hex("a20102180103")) } == "webauthn.cbor_duplicate_key")
    #expect(errorCode { try strict.decode(hex("a2616101616102")) } == "webauthn.cbor_duplicate_key")
    #expect(errorCode { try lenient.decode(hex("a2f97e0001fb7ff800000000000002")) } == "webauthn.cbor_duplicate_key")
    #expect(errorCode { try lenient.decode(hex("a2f9000001f9800002")) } == nil, "0.0 and -0.0 are distinct keys")
}

@Test func decode_boundsNestingItemsAndSize() {
    let nested = { (depth: Int) in [UInt8](repeating: 0x81, count: depth) + [0x00] }
    #expect(errorCode { try strict.decode(nested(16)) } == nil)
    #expect(errorCode { try strict.decode(nested(17)) } == "webauthn.limit_exceeded")
    #expect(errorCode { try lenient.decode(nested(100_000)) } == "webauthn.limit_exceeded")
    #expect(errorCode { try strict.decode([0xD8, 0x18] + nested(1)) } == "webauthn.cbor_not_canonical")

    let items = { (count: Int) in [0x99, UInt8(count >> 8), UInt8(count & 0xFF)] + [UInt8](repeating: 0, count: count) }
    #expect(errorCode { try strict.decode(items(4095)) } == nil)
    #expect(errorCode { try strict.decode(items(4096)) } == "webauthn.limit_exceeded")

    let big = [0x5A, 0x00, 0x01, 0x00, 0x00] + [UInt8](repeating: 7, count: 65536)
    #expect(errorCode { try strict.decode(big) } == "webauthn.limit_exceeded")
    #expect(errorCode { try lenient.decode(big) } == nil)
}

@Test func decodePrefix_returnsTheFirstItemAndWhereItEnds() throws {
    let (value, end) = try strict.decodePrefix(hex("ff8201026161ff"), from: 1)
    #expect(value == .array([.unsigned(1), .unsigned(2)]))
    #expect(end == 4)
    #expect(errorCode { try strict.decodePrefix([0x01], from: 2) } == "webauthn.malformed")
    #expect(errorCode { try strict.decodePrefix([0x01], from: 1) } == "webauthn.malformed")
}

@Test func encode_writesShortestHeads_keysInCTAP2Order_andFloatsInTheirShortestExactWidth() {
    let map = CBORValue.map([
        CBORMapEntry(.text("aa"), .unsigned(4)), CBORMapEntry(.text("b"), .unsigned(1)),
        CBORMapEntry(.negative(0), .unsigned(3)), CBORMapEntry(.unsigned(10), .unsigned(2)),
    ])
    #expect(hex(CBOREncoder.encode(map)) == "a40a0220036162016261610" + "4")
    let cases: [(CBORValue, String)] = [
        (.unsigned(23), "17"), (.unsigned(24), "1818"), (.unsigned(255), "18ff"), (.unsigned(256), "190100"),
        (.unsigned(65535), "19ffff"), (.unsigned(65536), "1a00010000"), (.unsigned(.max), "1bffffffffffffffff"),
        (.negative(.max), "3bffffffffffffffff"), (.integer(-500), "3901f3"), (.integer(.min), "3b7fffffffffffffff"),
        (.float(1.0), "f93c00"), (.float(-0.0), "f98000"), (.float(100000.0), "fa47c35000"),
        (.float(1.1), "fb3ff199999999999a"), (.float(.nan), "f97e00"), (.float(-.infinity), "f9fc00"),
        (.float(0x1p-24), "f90001"), (.float(0x1p-25), "fa33000000"), (.float(65505), "fa477fe100"),
        (.simple(16), "f0"), (.simple(255), "f8ff"), (.bytes([]), "40"), (.text("ü"), "62c3bc"),
        (.tagged(1, .unsigned(2)), "c102"),
    ]
    for (value, expected) in cases {
        #expect(hex(CBOREncoder.encode(value)) == expected, "\(value)")
    }
}

@Test func integerValue_coversInt64Exactly() {
    #expect(CBORValue.unsigned(UInt64(Int64.max)).integerValue == .max)
    #expect(CBORValue.unsigned(UInt64(Int64.max) + 1).integerValue == nil)
    #expect(CBORValue.negative(UInt64(Int64.max)).integerValue == .min)
    #expect(CBORValue.negative(UInt64(Int64.max) + 1).integerValue == nil)
    #expect(CBORValue.integer(-7) == .negative(6))
    #expect(CBORValue.text("x").integerValue == nil)
}
