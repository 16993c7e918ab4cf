/// One record as replayed from the log: its payload and the sequence number it was acknowledged
/// with. Sequence numbers increase by one per record and survive compaction.
public struct StoredRecord: Sendable, Equatable {
    public let sequence: UInt64
    public let payload: [UInt8]

    public init(sequence: UInt64, payload: [UInt8]) {
        self.sequence = sequence
        self.payload = payload
    }
}
