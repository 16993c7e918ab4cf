/// Damage at the end of a log that recovery drops: what a crash in the middle of an
/// unacknowledged write leaves behind. Offsets are from the start of the file.
public struct TornTail: Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable, Equatable {
        /// Fewer than the 8 bytes of a frame header remain.
        case incompleteFrameHeader = "incomplete frame header"
        /// The frame's length runs past the end of the file.
        case incompletePayload = "payload shorter than its length"
        /// The length exceeds the maximum record size: garbage, not a request to allocate.
        case oversizedLength = "length above the maximum record size"
        /// The frame is complete but its checksum does not match.
        case checksumMismatch = "checksum mismatch"
    }

    /// Where the first damaged frame starts: the log is truncated to this length.
    public let offset: Int64
    /// How many bytes from `offset` to the end of the file were dropped.
    public let droppedBytes: Int64
    public let reason: Reason

    public init(offset: Int64, droppedBytes: Int64, reason: Reason) {
        self.offset = offset
        self.droppedBytes = droppedBytes
        self.reason = reason
    }

    public var description: String { "dropped \(droppedBytes) bytes at offset \(offset) (\(reason.rawValue))" }
}
