/// One complete frame's payload: the bytes after the 4-byte length header (UTF-8 JSON, not yet
/// validated). Never empty and never longer than the decoder's maximum.
public struct Frame: Sendable, Hashable {
    public let payload: [UInt8]

    public init(payload: [UInt8]) {
        self.payload = payload
    }
}
