import Testing

@testable import TwofoldWire

private struct Record: Codable, Equatable {
    enum Stage: String, Codable { case password, full }
    struct Inner: Codable, Equatable {
        var digits: [UInt8]
        var note: String?
    }

    var id: String
    var count: Int64
    var small: UInt16
    var ratio: Double
    var flag: Bool
    var stage: Stage
    var inner: Inner
    var list: [Inner]
    var nested: [[Int]]
    var missing: String?
}

/// Writes its members through nested containers by hand, as custom `encode(to:)`s do.
private struct Hand: Encodable {
    enum Keys: String, CodingKey { case a, b, c }

    func encode(to encoder: any Encoder) throws {
        var outer = encoder.container(keyedBy: Keys.self)
        var inner = outer.nestedContainer(keyedBy: Keys.self, forKey: .a)
        try inner.encode(1, forKey: .b)
        try inner.encodeNil(forKey: .c)
        var list = outer.nestedUnkeyedContainer(forKey: .b)
        try list.encode("x")
        var deeper = list.nestedUnkeyedContainer()
        try deeper.encode(true)
        try outer.encode(2.5, forKey: .c)
    }
}

private struct Empty: Encodable {}

@Suite struct JSONValueEncoderTests {
    @Test func aRecord_roundTripsThroughTheDecoder_andTheWriter() throws {
        let record = Record(
            id: "u-1 \"quoted\" / é 🙂", count: .min, small: .max, ratio: -0.125, flag: true, stage: .full,
            inner: .init(digits: [0, 255], note: nil), list: [.init(digits: [], note: "n")], nested: [[], [1, -2]],
            missing: nil)
        let value = try JSONValueEncoder.encode(record)
        #expect(try value.decode(as: Record.self) == record)
        #expect(try JSONValue.parse(value.jsonBytes).decode(as: Record.self) == record)
        guard case .object(let members) = value else { Issue.record("not an object"); return }
        #expect(members["missing"] == nil, "an absent optional is left out, as Foundation's encoder does")
        #expect(members["count"] == .integer(.min))
        #expect(members["stage"] == .string("full"))
    }

    @Test func nestedContainers_buildTheTreeTheyDescribe() throws {
        let value = try JSONValueEncoder.encode(Hand())
        let expected: JSONValue = .object([
            "a": .object(["b": .integer(1), "c": .null]),
            "b": .array([.string("x"), .array([.bool(true)])]),
            "c": .double(2.5),
        ])
        #expect(value == expected)
    }

    @Test func aValueThatEncodesNothing_isAnEmptyObject() throws {
        #expect(try JSONValueEncoder.encode(Empty()) == .object([:]))
    }

    @Test func numbersJSONCannotHold_areRefused() {
        #expect(throws: EncodingError.self) { try JSONValueEncoder.encode(["x": UInt64.max]) }
        #expect(throws: EncodingError.self) { try JSONValueEncoder.encode([Double.nan]) }
        #expect(throws: EncodingError.self) { try JSONValueEncoder.encode(Double.infinity) }
        #expect((try? JSONValueEncoder.encode(UInt64(Int64.max))) == .integer(.max))
    }

    @Test func decodingARecord_namesTheFieldButNeverTheValue() throws {
        let value = JSONValue.object(["id": .integer(5)])
        let error = #expect(throws: WireError.self) { try value.decode(as: Record.self) }
        let message = error?.message ?? ""
        #expect(message.contains("value.id"))
        #expect(!message.contains("5"))
    }
}
