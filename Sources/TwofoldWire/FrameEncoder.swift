/// Writes frames: a 4-byte unsigned big-endian payload length, then the payload.
public enum FrameEncoder {
    /// The framed bytes of `payload`.
    ///
    /// - Throws: `frame.empty` for an empty payload, `frame.too_large` above `maxFrameLength`
    ///   (the receiver would reject it and drop the connection; send an `internal` error instead).
    public static func encode(
        _ payload: some Collection<UInt8>, maxFrameLength: Int = FrameDecoder.defaultMaxFrameLength
    ) throws(WireError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(payload.count + 4)
        try append(payload, to: &out, maxFrameLength: maxFrameLength)
        return out
    }

    /// Appends the framed bytes of `payload` to `buffer` (e.g. a connection's output queue).
    /// `buffer` is unchanged when it throws.
    public static func append(
        _ payload: some Collection<UInt8>, to buffer: inout [UInt8],
        maxFrameLength: Int = FrameDecoder.defaultMaxFrameLength
    ) throws(WireError) {
        let length = payload.count
        if length == 0 { throw .frameEmpty() }
        let limit = min(maxFrameLength, Int(UInt32.max))
        if length > limit { throw .frameTooLarge(limit: limit) }
        buffer.append(UInt8(truncatingIfNeeded: length >> 24))
        buffer.append(UInt8(truncatingIfNeeded: length >> 16))
        buffer.append(UInt8(truncatingIfNeeded: length >> 8))
        buffer.append(UInt8(truncatingIfNeeded: length))
        buffer.append(contentsOf: payload)
    }
}
