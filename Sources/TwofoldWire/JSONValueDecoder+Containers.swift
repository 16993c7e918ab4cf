// The three container types of `JSONValueDecoder`. The many primitive overloads that the
// protocols require all funnel into the `unbox…` helpers on `JSONValue`.

struct JSONKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [String: JSONValue]
    let codingPath: [any CodingKey]

    var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

    private func member(_ key: Key) throws -> JSONValue {
        guard let value = members[key.stringValue] else {
            throw JSONDecodingFailure(codingPath + [key], "is missing")
        }
        return value
    }

    private func path(_ key: Key) -> [any CodingKey] { codingPath + [key] }

    func decodeNil(forKey key: Key) throws -> Bool { try member(key).isNull }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try member(key).unboxBool(at: path(key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        try member(key).unboxString(at: path(key))
    }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        try member(key).unboxDouble(at: path(key))
    }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try member(key).unboxFloat(at: path(key)) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try integer(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try integer(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try integer(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try integer(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try integer(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try integer(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try integer(type, key) }

    private func integer<T: FixedWidthInteger>(_ type: T.Type, _ key: Key) throws -> T {
        try member(key).unboxInteger(type, at: path(key))
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try T(from: JSONValueDecoder(value: try member(key), codingPath: path(key)))
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try JSONValueDecoder(value: try member(key), codingPath: path(key)).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try JSONValueDecoder(value: try member(key), codingPath: path(key)).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        JSONValueDecoder(value: members["super"] ?? .null, codingPath: codingPath)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        JSONValueDecoder(value: members[key.stringValue] ?? .null, codingPath: path(key))
    }
}

struct JSONUnkeyedContainer: UnkeyedDecodingContainer {
    let elements: [JSONValue]
    let codingPath: [any CodingKey]
    private(set) var currentIndex = 0

    init(elements: [JSONValue], codingPath: [any CodingKey]) {
        self.elements = elements
        self.codingPath = codingPath
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    /// The next element and its path; advances only when the caller's decoding succeeds.
    private func peek() throws -> (JSONValue, [any CodingKey]) {
        let elementPath = codingPath + [IndexKey(currentIndex)]
        guard !isAtEnd else { throw JSONDecodingFailure(elementPath, "is missing") }
        return (elements[currentIndex], elementPath)
    }

    private mutating func next<T>(_ unbox: (JSONValue, [any CodingKey]) throws -> T) throws -> T {
        let (value, elementPath) = try peek()
        let result = try unbox(value, elementPath)
        currentIndex += 1
        return result
    }

    mutating func decodeNil() throws -> Bool {
        let (value, _) = try peek()
        if value.isNull { currentIndex += 1 }
        return value.isNull
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next { try $0.unboxBool(at: $1) } }
    mutating func decode(_ type: String.Type) throws -> String { try next { try $0.unboxString(at: $1) } }
    mutating func decode(_ type: Double.Type) throws -> Double { try next { try $0.unboxDouble(at: $1) } }
    mutating func decode(_ type: Float.Type) throws -> Float { try next { try $0.unboxFloat(at: $1) } }
    mutating func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

    private mutating func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        try next { try $0.unboxInteger(type, at: $1) }
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try next { try T(from: JSONValueDecoder(value: $0, codingPath: $1)) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try next { try JSONValueDecoder(value: $0, codingPath: $1).container(keyedBy: type) }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next { try JSONValueDecoder(value: $0, codingPath: $1).unkeyedContainer() }
    }

    mutating func superDecoder() throws -> any Decoder {
        try next { JSONValueDecoder(value: $0, codingPath: $1) }
    }
}

struct JSONSingleValueContainer: SingleValueDecodingContainer {
    let value: JSONValue
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool { value.isNull }
    func decode(_ type: Bool.Type) throws -> Bool { try value.unboxBool(at: codingPath) }
    func decode(_ type: String.Type) throws -> String { try value.unboxString(at: codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try value.unboxDouble(at: codingPath) }
    func decode(_ type: Float.Type) throws -> Float { try value.unboxFloat(at: codingPath) }
    func decode(_ type: Int.Type) throws -> Int { try value.unboxInteger(type, at: codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try value.unboxInteger(type, at: codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try value.unboxInteger(type, at: codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try value.unboxInteger(type, at: codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try value.unboxInteger(type, at: codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try value.unboxInteger(type, at: codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try value.unboxInteger(type, at: codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try value.unboxInteger(type, at: codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try value.unboxInteger(type, at: codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try value.unboxInteger(type, at: codingPath) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try T(from: JSONValueDecoder(value: value, codingPath: codingPath))
    }
}
