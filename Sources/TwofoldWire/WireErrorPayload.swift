/// The `error` object of a failure response: a stable machine `code` (envelope codes from
/// `WireError`, or operation-specific codes defined with each operation), a human `message`,
/// optionally a machine sub-code `detail` (e.g. which phone-number rule failed), and for
/// retryable conditions a hint in milliseconds. It is an `Error` so a client can
/// surface the server's refusal as-is.
public struct WireErrorPayload: Error, Sendable, Hashable {
    public let code: String
    public let message: String
    public let detail: String?
    public let retryAfterMs: Int?

    /// - Parameter message: shown to operators and developers; never put secrets or raw input in it.
    public init(code: String, message: String, detail: String? = nil, retryAfterMs: Int? = nil) {
        self.code = code
        self.message = message
        self.detail = detail
        self.retryAfterMs = retryAfterMs
    }
}
