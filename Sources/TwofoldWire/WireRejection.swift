/// Why a payload was not accepted as a request, with the id to echo when it could be read.
public struct WireRejection: Error, Sendable, Equatable {
    public let id: RequestID?
    public let error: WireError

    /// The failure response to send (the connection stays open: framing errors never get here).
    public var response: WireResponse { .failure(id: id, error) }
}
