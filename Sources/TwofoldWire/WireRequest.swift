import Foundation

/// A request envelope: `{"v":1,"id":…,"op":"…","args":{…}}`.
///
/// Servers get one from `WireRequestReader`; clients build one and send `encoded()`.
public struct WireRequest: Sendable, Equatable {
    /// The only protocol version this implementation speaks.
    public static let version = 1

    public let id: RequestID
    /// The operation name, e.g. `"totp.verify"`.
    public let operation: String
    /// The operation's arguments (`{}` when the request had none).
    public let args: [String: JSONValue]

    public init(id: RequestID, operation: String, args: [String: JSONValue] = [:]) {
        self.id = id
        self.operation = operation
        self.args = args
    }

    /// Builds a request whose args are `args` encoded with `JSONEncoder`.
    /// - Throws: `internal` when `args` does not encode to a JSON object.
    public init(id: RequestID, operation: String, encodingArgs args: some Encodable) throws(WireError) {
        self.init(id: id, operation: operation, args: try Self.encodeObject(args))
    }

    /// Decodes the args as `T`.
    ///
    /// - Throws: `request.invalid` naming the offending field (`args.code is missing`,
    ///   `args.digits must be an integer`), never its value, which may be a secret.
    public func decodeArgs<T: Decodable>(_ type: T.Type = T.self) throws(WireError) -> T {
        try JSONValueDecoder.decode(type, from: .object(args), root: "args") { field, problem in
            .invalidRequest(field: field, problem: problem)
        }
    }

    /// The canonical payload: fields in the order v, id, op, args; no whitespace.
    public func encoded() -> [UInt8] {
        var writer = JSONWriter()
        writer.writeRaw("{\"v\":1")
        writer.writeKey("id")
        writer.write(id)
        writer.writeKey("op")
        writer.write(operation)
        writer.writeKey("args")
        writer.write(.object(args))
        writer.bytes.append(UInt8(ascii: "}"))
        return writer.bytes
    }

    /// `value` encoded by `JSONEncoder` and re-read, so it can be written canonically.
    static func encodeObject(_ value: some Encodable) throws(WireError) -> [String: JSONValue] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value),
            case .object(let members) = try? JSONValue.parse(data)
        else { throw .internal() }
        return members
    }
}
