/// Splits a byte stream into frames: a 4-byte unsigned big-endian length `N`, then `N` bytes.
///
/// Feed it chunks exactly as they arrive from the socket and drain it with `next()` until it
/// returns nil. The length is checked as soon as its 4 header bytes are present, so a hostile
/// header never causes an allocation; at most one frame plus the last chunk is ever buffered.
/// After a framing error the decoder is failed for good (the stream can no longer be split):
/// `next()` keeps throwing that error and `feed` drops its input.
public struct FrameDecoder: Sendable {
    /// 1 MiB: the protocol's default maximum payload length.
    public static let defaultMaxFrameLength = 1_048_576

    /// Buffers up to this capacity are kept between frames; a larger one (left by a big frame)
    /// is released once drained so idle connections stay small.
    private static let retainedCapacity = 64 * 1024

    /// The largest payload accepted, in bytes.
    public let maxFrameLength: Int

    private var buffer: [UInt8] = []
    /// Start of the unread bytes in `buffer`; consumed bytes before it are dropped lazily.
    private var readIndex = 0
    private var failure: WireError?
    private var ended = false

    /// - Precondition: `maxFrameLength` is in 1...UInt32.max (a configuration bug otherwise).
    public init(maxFrameLength: Int = FrameDecoder.defaultMaxFrameLength) {
        precondition(maxFrameLength >= 1 && maxFrameLength <= Int(UInt32.max), "maxFrameLength out of range")
        self.maxFrameLength = maxFrameLength
    }

    /// Bytes received but not yet returned as frames.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// Appends received bytes. Ignored once the decoder has failed or `finish()` was called.
    public mutating func feed(_ bytes: some Collection<UInt8>) {
        guard failure == nil, !ended, !bytes.isEmpty else { return }
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// The next complete frame, or nil when more bytes are needed.
    ///
    /// - Throws: `frame.empty` or `frame.too_large` (and the same again on every later call),
    ///   `frame.truncated` after `finish()` left a partial frame.
    public mutating func next() throws(WireError) -> Frame? {
        if let failure { throw failure }
        let available = buffer.count - readIndex
        guard available >= 4 else { return nil }
        let length =
            Int(buffer[readIndex]) << 24 | Int(buffer[readIndex + 1]) << 16
            | Int(buffer[readIndex + 2]) << 8 | Int(buffer[readIndex + 3])
        if length == 0 { throw fail(.frameEmpty()) }
        if length > maxFrameLength { throw fail(.frameTooLarge(limit: maxFrameLength)) }
        guard available - 4 >= length else { return nil }
        let start = readIndex + 4
        let payload = Array(buffer[start..<start + length])
        readIndex = start + length
        return Frame(payload: payload)
    }

    /// Marks the end of input (the peer closed its side).
    ///
    /// - Throws: `frame.truncated` when a partial frame is buffered; the decoder is then failed.
    public mutating func finish() throws(WireError) {
        if let failure { throw failure }
        ended = true
        if bufferedByteCount > 0 { throw fail(.frameTruncated()) }
    }

    private mutating func fail(_ error: WireError) -> WireError {
        failure = error
        buffer = []
        readIndex = 0
        return error
    }

    /// Drops consumed bytes. Runs before an append, only when the consumed prefix is at least half
    /// of the buffer, so each byte is moved at most a constant number of times (amortised O(1)).
    private mutating func compact() {
        guard readIndex > 0 else { return }
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= Self.retainedCapacity)
            readIndex = 0
        } else if readIndex >= buffer.count / 2 {
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
    }
}
