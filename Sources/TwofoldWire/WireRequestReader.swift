/// Turns one frame payload into a request, or into the exact error response to send back.
///
/// The server's per-frame entry point. Checks run in a fixed order, and the first failure wins:
/// UTF-8, JSON syntax, top-level object, `id`, `v`, `op`, `args`, operation known. The id is
/// read before anything else about the envelope so every later rejection can echo it.
public struct WireRequestReader: Sendable {
    /// The operation names this server offers; any other gets `op.unknown`.
    public let operations: Set<String>

    public init(operations: Set<String>) {
        self.operations = operations
    }

    /// Parses and checks `payload` (one frame's bytes).
    public func read(_ payload: some Collection<UInt8>) -> Result<WireRequest, WireRejection> {
        let document: JSONValue
        do {
            document = try JSONValue.parse(payload)
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
        guard operations.contains(operation) else { return reject(.unknownOperation()) }
        return .success(WireRequest(id: id, operation: operation, args: args))
    }
}
