import Foundation

/// A request envelope: `{"v":1,"id":…,"op":"…","args":{…}}`, with the optional envelope fields
/// `deadline_at`, `idempotency_key` and `any_order` (protocol/README.md, Request).
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
    /// `deadline_at`: Unix time in milliseconds (the wall clock both peers share) after which the
    /// server must not start the operation; nil for none.
    public let deadlineAt: Int64?
    /// `idempotency_key`: the same on every retry of one intended change; nil for none.
    public let idempotencyKey: IdempotencyKey?
    /// `any_order`: the client matches answers by id, so the server may send this one as soon as
    /// it is ready, before answers to earlier requests. False: answered in arrival order.
    public let anyOrder: Bool

    /// The largest `deadline_at` (2^53 − 1, like ids, so double-based peers keep it exact).
    public static let maxDeadline: Int64 = 9_007_199_254_740_991

    public init(
        id: RequestID, operation: String, args: [String: JSONValue] = [:], deadlineAt: Int64? = nil,
        idempotencyKey: IdempotencyKey? = nil, anyOrder: Bool = false
    ) {
        self.id = id
        self.operation = operation
        self.args = args
        self.deadlineAt = deadlineAt
        self.idempotencyKey = idempotencyKey
        self.anyOrder = anyOrder
    }

    /// Builds a request whose args are `args` encoded with `JSONValueEncoder`.
    /// - Throws: `internal` when `args` does not encode to a JSON object.
    public init(id: RequestID, operation: String, encodingArgs args: some Encodable) throws(WireError) {
        self.init(id: id, operation: operation, args: try Self.encodeObject(args))
    }

    /// Whether the deadline has passed at `nowMillis` (Unix time in milliseconds): the server must
    /// then answer `deadline.exceeded` instead of starting the operation.
    public func deadlinePassed(nowMillis: Int64) -> Bool {
        guard let deadlineAt else { return false }
        return nowMillis >= deadlineAt
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

    /// The canonical payload: fields in the order v, id, op, then `deadline_at`,
    /// `idempotency_key` and `any_order` when present, then args; no whitespace.
    public func encoded() -> [UInt8] {
        var writer = JSONWriter()
        writer.writeRaw("{\"v\":1")
        writer.writeKey("id")
        writer.write(id)
        writer.writeKey("op")
        writer.write(operation)
        if let deadlineAt {
            writer.writeKey("deadline_at")
            writer.write(deadlineAt)
        }
        if let idempotencyKey {
            writer.writeKey("idempotency_key")
            writer.write(idempotencyKey.rawValue)
        }
        if anyOrder { writer.writeRaw(",\"any_order\":true") }
        writer.writeKey("args")
        writer.write(.object(args))
        writer.bytes.append(UInt8(ascii: "}"))
        return writer.bytes
    }

    /// `value` as a JSON object's members.
    static func encodeObject(_ value: some Encodable) throws(WireError) -> [String: JSONValue] {
        guard case .object(let members) = try? JSONValueEncoder.encode(value) else { throw .internal() }
        return members
    }
}
