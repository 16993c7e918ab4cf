/// Turns one frame payload into a request, or into the exact error response to send back.
///
/// The server's per-frame entry point. Checks run in a fixed order, and the first failure wins:
/// UTF-8, JSON syntax, top-level object, `id`, `v`, `op`, `args`, the optional envelope fields
/// (`deadline_at`, `idempotency_key`, `any_order`), operation known. The id is read before
/// anything else about the envelope so every later rejection can echo it. Whether the deadline
/// has passed is the server's check (it needs the clock): `WireRequest.deadlinePassed`.
public struct WireRequestReader: Sendable {
    /// The operation names this server offers; any other gets `op.unknown`.
    public let operations: Set<String>

    public init(operations: Set<String>) {
        self.operations = operations
    }

    /// Parses and checks `payload` (one frame's bytes).
    public func read(_ payload: some Collection<UInt8>) -> Result<WireRequest, WireRejection> {
        let document: JSONValue
        let oversizedIntegers: Set<String>
        do {
            (document, oversizedIntegers) = try JSONValue.parseNotingOversizedIntegers(payload)
        } catch {
            return .failure(WireRejection(id: nil, error: error))
        }
        guard case .object(let envelope) = document else {
            return .failure(WireRejection(id: nil, error: .notObject()))
        }
        guard let rawID = envelope["id"] else {
            return .failure(WireRejection(id: nil, error: .invalidRequest(field: "id", problem: "is missing")))
        }
        guard let id = RequestID(json: rawID) else {
            return .failure(
                WireRejection(
                    id: nil,
                    error: .invalidRequest(
                        field: "id",
                        problem: "must be an integer in 0...\(RequestID.maxNumber) or a string of 1 to "
                            + "\(RequestID.maxStringLength) characters")))
        }
        func reject(_ error: WireError) -> Result<WireRequest, WireRejection> {
            .failure(WireRejection(id: id, error: error))
        }
        switch envelope["v"] {
        case nil: return reject(.invalidRequest(field: "v", problem: "is missing"))
        case .integer(Int64(WireRequest.version)): break
        case .integer: return reject(.unsupportedVersion())
        // An integer literal beyond Int64 is still an integer: a version this server does not speak.
        case .double where oversizedIntegers.contains("v"): return reject(.unsupportedVersion())
        default: return reject(.invalidRequest(field: "v", problem: "must be an integer"))
        }
        let operation: String
        switch envelope["op"] {
        case nil: return reject(.invalidRequest(field: "op", problem: "is missing"))
        case .string(let name): operation = name
        default: return reject(.invalidRequest(field: "op", problem: "must be a string"))
        }
        let args: [String: JSONValue]
        switch envelope["args"] {
        case nil: args = [:]
        case .object(let members): args = members
        default: return reject(.invalidRequest(field: "args", problem: "must be an object"))
        }
        let deadlineAt: Int64?
        switch envelope["deadline_at"] {
        case nil: deadlineAt = nil
        case .integer(let millis) where millis >= 0 && millis <= WireRequest.maxDeadline: deadlineAt = millis
        default:
            return reject(
                .invalidRequest(
                    field: "deadline_at",
                    problem: "must be an integer in 0...\(WireRequest.maxDeadline) (Unix time in milliseconds)"))
        }
        let idempotencyKey: IdempotencyKey?
        switch envelope["idempotency_key"] {
        case nil: idempotencyKey = nil
        case .string(let text):
            guard let key = IdempotencyKey(text) else { return reject(Self.invalidKey) }
            idempotencyKey = key
        default: return reject(Self.invalidKey)
        }
        let anyOrder: Bool
        switch envelope["any_order"] {
        case nil: anyOrder = false
        case .bool(let flag): anyOrder = flag
        default: return reject(.invalidRequest(field: "any_order", problem: "must be a boolean"))
        }
        guard operations.contains(operation) else { return reject(.unknownOperation()) }
        return .success(
            WireRequest(
                id: id, operation: operation, args: args, deadlineAt: deadlineAt, idempotencyKey: idempotencyKey,
                anyOrder: anyOrder))
    }

    private static var invalidKey: WireError {
        .invalidRequest(
            field: "idempotency_key",
            problem: "must be a string of \(IdempotencyKey.minLength) to \(IdempotencyKey.maxLength) characters "
                + "A-Z a-z 0-9 - _")
    }
}
