/// Size limits the parser enforces before buffering more, each answered with its own status.
public struct HTTPParserLimits: Hashable, Sendable {
    /// Longest request line (without CRLF) → 414.
    public var maxRequestLineLength: Int
    /// Most header fields → 431.
    public var maxHeaderCount: Int
    /// Most bytes in the header section (field lines with their CRLFs, excluding the request
    /// line) → 431.
    public var maxHeaderBytes: Int
    /// Largest body, judged from Content-Length before any of it is read → 413.
    public var maxBodySize: Int

    public init(
        maxRequestLineLength: Int = 8192, maxHeaderCount: Int = 64, maxHeaderBytes: Int = 16384,
        maxBodySize: Int = 65536
    ) {
        precondition(maxRequestLineLength > 0 && maxHeaderCount > 0 && maxHeaderBytes > 0 && maxBodySize >= 0)
        self.maxRequestLineLength = maxRequestLineLength
        self.maxHeaderCount = maxHeaderCount
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodySize = maxBodySize
    }
}
