/// Decodes a `Decodable` type from a `JSONValue` (request args, response results).
///
/// Its own errors are `JSONDecodingFailure`s naming the coding path and the rule that failed;
/// they never include a value from the input, since args carry codes and phone numbers.
struct JSONValueDecoder: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(value: JSONValue, codingPath: [any CodingKey] = []) {
        self.value = value
        self.codingPath = codingPath
    }

    /// Decodes `type` from `value`, turning every failure into a `WireError` built by `makeError`
    /// from a field path (rooted at `root`, e.g. `args.code` or `args.items[2]`) and a problem.
    static func decode<T: Decodable>(
        _ type: T.Type, from value: JSONValue, root: String,
        makeError: (_ field: String, _ problem: String) -> WireError
    ) throws(WireError) -> T {
        do {
            return try T(from: JSONValueDecoder(value: value))
        } catch let failure as JSONDecodingFailure {
            throw makeError(path(root, failure.codingPath), failure.problem)
        } catch let error as DecodingError {
            // Thrown by the type's own init(from:); its debugDescription may quote the value.
            switch error {
            case .keyNotFound(let key, let context):
                throw makeError(path(root, context.codingPath + [key]), "is missing")
            case .valueNotFound(_, let context):
                throw makeError(path(root, context.codingPath), "must not be null")
            case .typeMismatch(_, let context):
                throw makeError(path(root, context.codingPath), "has the wrong type")
            case .dataCorrupted(let context):
                throw makeError(path(root, context.codingPath), "is invalid")
            @unknown default:
                throw makeError(root, "is invalid")
            }
        } catch let error as WireError {
            throw error
        } catch {
            throw makeError(root, "is invalid")
        }
    }

    static func path(_ root: String, _ codingPath: [any CodingKey]) -> String {
        var text = root
        for key in codingPath {
            if key is IndexKey, let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += "." + key.stringValue
            }
        }
        return text
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else {
            throw JSONDecodingFailure(codingPath, value.isNull ? "must not be null" : "must be an object")
        }
        return KeyedDecodingContainer(JSONKeyedContainer<Key>(members: members, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else {
            throw JSONDecodingFailure(codingPath, value.isNull ? "must not be null" : "must be an array")
        }
        return JSONUnkeyedContainer(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        JSONSingleValueContainer(value: value, codingPath: codingPath)
    }
}

/// A decoding failure raised by `JSONValueDecoder`: where, and which rule (no values).
struct JSONDecodingFailure: Error {
    let codingPath: [any CodingKey]
    let problem: String

    init(_ codingPath: [any CodingKey], _ problem: String) {
        self.codingPath = codingPath
        self.problem = problem
    }
}

/// The coding key of an array element.
struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }

    init(_ index: Int) { self.intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

extension JSONValue {
    var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    func unboxBool(at codingPath: [any CodingKey]) throws -> Bool {
        guard case .bool(let flag) = self else { throw mismatch(codingPath, "must be a boolean") }
        return flag
    }

    func unboxString(at codingPath: [any CodingKey]) throws -> String {
        guard case .string(let text) = self else { throw mismatch(codingPath, "must be a string") }
        return text
    }

    func unboxDouble(at codingPath: [any CodingKey]) throws -> Double {
        switch self {
        case .integer(let number): return Double(number)
        case .double(let number): return number
        default: throw mismatch(codingPath, "must be a number")
        }
    }

    func unboxFloat(at codingPath: [any CodingKey]) throws -> Float {
        let number = try unboxDouble(at: codingPath)
        guard number.magnitude <= Double(Float.greatestFiniteMagnitude) else {
            throw JSONDecodingFailure(codingPath, "is out of range")
        }
        return Float(number)
    }

    /// Only integer literals qualify (`1.0` and `1e2` are doubles), and they must fit `T`.
    func unboxInteger<T: FixedWidthInteger>(_ type: T.Type, at codingPath: [any CodingKey]) throws -> T {
        guard case .integer(let number) = self else { throw mismatch(codingPath, "must be an integer") }
        guard let exact = T(exactly: number) else { throw JSONDecodingFailure(codingPath, "is out of range") }
        return exact
    }

    private func mismatch(_ codingPath: [any CodingKey], _ problem: String) -> JSONDecodingFailure {
        JSONDecodingFailure(codingPath, isNull ? "must not be null" : problem)
    }
}

extension JSONValue {
    /// Decodes `type` from this value, e.g. a stored record or a log line read with `parse`: the
    /// same decoding as request args and response results.
    ///
    /// - Throws: a `WireError` (`request.invalid`, as for args) naming the field and the rule it
    ///   broke, never its value.
    public func decode<T: Decodable>(as type: T.Type = T.self) throws(WireError) -> T {
        try JSONValueDecoder.decode(type, from: self, root: "value") { field, problem in
            .invalidRequest(field: field, problem: problem)
        }
    }
}
