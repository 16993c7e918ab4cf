extension WireResponse {
    /// Client side: reads one response frame's payload.
    ///
    /// Unknown fields are ignored (forward compatibility); everything the envelope requires is
    /// checked, so a caller can trust `id` and `outcome`.
    /// - Throws: `json.invalid_utf8`, `json.malformed`, or `response.invalid` naming the field.
    public static func decode(_ payload: some Collection<UInt8>) throws(WireError) -> WireResponse {
        guard case .object(let envelope) = try JSONValue.parse(payload) else {
            throw .invalidResponse(field: "(root)", problem: "must be a JSON object")
        }
        guard case .integer(Int64(WireRequest.version)) = envelope["v"] else {
            throw .invalidResponse(field: "v", problem: "must be 1")
        }
        let id: RequestID?
        switch envelope["id"] {
        case .null: id = nil
        case let value?:
            guard let valid = RequestID(json: value) else {
                throw .invalidResponse(field: "id", problem: "must be a valid request id or null")
            }
            id = valid
        case nil: throw .invalidResponse(field: "id", problem: "is missing")
        }
        switch envelope["ok"] {
        case .bool(true):
            guard let id else { throw .invalidResponse(field: "id", problem: "must not be null on success") }
            guard case .object(let result) = envelope["result"] else {
                throw .invalidResponse(field: "result", problem: "must be an object")
            }
            return .success(id: id, result: result)
        case .bool(false):
            guard case .object(let error) = envelope["error"] else {
                throw .invalidResponse(field: "error", problem: "must be an object")
            }
            return .failure(id: id, try decodeErrorPayload(error))
        default:
            throw .invalidResponse(field: "ok", problem: "must be a boolean")
        }
    }

    /// The result decoded as `T`, or the server's error object for a failure response.
    /// - Throws: `response.invalid` naming the result field that does not fit `T`.
    public func decodeResult<T: Decodable>(_ type: T.Type = T.self) throws(WireError) -> Result<T, WireErrorPayload> {
        switch outcome {
        case .failure(let payload):
            return .failure(payload)
        case .success(let result):
            let value = try JSONValueDecoder.decode(type, from: .object(result), root: "result") { field, problem in
                .invalidResponse(field: field, problem: problem)
            }
            return .success(value)
        }
    }

    private static func decodeErrorPayload(_ error: [String: JSONValue]) throws(WireError) -> WireErrorPayload {
        guard case .string(let code) = error["code"], !code.isEmpty else {
            throw .invalidResponse(field: "error.code", problem: "must be a non-empty string")
        }
        guard case .string(let message) = error["message"] else {
            throw .invalidResponse(field: "error.message", problem: "must be a string")
        }
        var detail: String?
        switch error["detail"] {
        case nil: break
        case .string(let text): detail = text
        default: throw .invalidResponse(field: "error.detail", problem: "must be a string")
        }
        var retryAfterMs: Int?
        switch error["retry_after_ms"] {
        case nil: break
        case .integer(let value) where value >= 0 && value <= Int64(Int32.max):
            retryAfterMs = Int(value)
        default:
            throw .invalidResponse(field: "error.retry_after_ms", problem: "must be an integer in 0...2147483647")
        }
        return WireErrorPayload(code: code, message: message, detail: detail, retryAfterMs: retryAfterMs)
    }
}
