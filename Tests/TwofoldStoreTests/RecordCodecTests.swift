import Testing
import TwofoldStore

@Suite struct RecordCodecTests {
    let codec = RecordCodec()

    @Test func scan_ofAnEncodedLog_returnsEveryPayloadInOrderWithSequenceNumbers() throws {
        let payloads: [[UInt8]] = [[], bytes("a"), bytes("hello, store"), [UInt8](repeating: 0, count: 1000), [0xFF]]
        let log = try codec.encodeLog(header: LogHeader(firstSequence: 42), payloads: payloads)
        let scan = try codec.scan(log)
        #expect(scan.header == LogHeader(firstSequence: 42))
        #expect(scan.records.map(\.payload) == payloads)
        #expect(scan.records.map(\.sequence) == Array(42..<47))
        #expect(scan.intactLength == log.count)
        #expect(scan.tornTail == nil)
    }

    @Test func encode_framesLengthChecksumThenPayload() throws {
        var frame: [UInt8] = []
        try codec.encode(bytes("abc"), into: &frame)
        #expect(frame.count == RecordCodec.frameHeaderSize + 3)
        #expect(Array(frame[0..<4]) == [0, 0, 0, 3])
        let checksum = CRC32C.checksum([0, 0, 0, 3] + bytes("abc"))
        #expect(Array(frame[4..<8]) == [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: checksum >> $0) })
        #expect(Array(frame[8...]) == bytes("abc"))
    }

    @Test func header_encodesMagicVersionAndFirstSequenceUnderItsChecksum() throws {
        let header = LogHeader(firstSequence: 0x0102_0304_0506_0708).encoded()
        #expect(header.count == LogHeader.size)
        #expect(Array(header[0..<8]) == LogHeader.magic)
        #expect(Array(header[8..<12]) == [0, 0, 0, 1])
        #expect(Array(header[12..<16]) == [0, 0, 0, 0])
        #expect(Array(header[16..<24]) == [1, 2, 3, 4, 5, 6, 7, 8])
        let decoded = try header.withUnsafeBytes { try LogHeader.decode($0) }
        #expect(decoded.firstSequence == 0x0102_0304_0506_0708)
    }

    @Test func encode_whenPayloadExceedsTheLimit_isRejected() throws {
        let small = RecordCodec(maximumPayloadSize: 16)
        var buffer: [UInt8] = []
        try small.encode([UInt8](repeating: 1, count: 16), into: &buffer)
        expectStoreError(.recordTooLarge) { try small.encode([UInt8](repeating: 1, count: 17), into: &buffer) }
        #expect(buffer.count == RecordCodec.frameHeaderSize + 16)
    }

    @Test func decodeFrame_reportsEachKindOfDamage() throws {
        var frame: [UInt8] = []
        try codec.encode(bytes("payload"), into: &frame)
        func decode(_ bytes: [UInt8], codec: RecordCodec = RecordCodec()) -> RecordCodec.Frame {
            bytes.withUnsafeBytes { codec.decodeFrame(in: $0, at: 0) }
        }
        #expect(decode(frame) == .record(payload: 8..<15, next: 15))
        #expect(decode([]) == .end)
        #expect(decode(Array(frame[0..<7])) == .damaged(.incompleteFrameHeader))
        #expect(decode(Array(frame[0..<14])) == .damaged(.incompletePayload))
        #expect(decode(frame, codec: RecordCodec(maximumPayloadSize: 6)) == .damaged(.oversizedLength))
        var flipped = frame
        flipped[10] ^= 0x20
        #expect(decode(flipped) == .damaged(.checksumMismatch))
    }

    @Test func scan_whenZeroBytesFollowTheLastRecord_dropsThemAsATornTail() throws {
        let log = try codec.encodeLog(header: LogHeader(firstSequence: 1), payloads: [bytes("kept")])
        let scan = try codec.scan(log + [UInt8](repeating: 0, count: 4096))
        #expect(scan.records.map(\.payload) == [bytes("kept")])
        #expect(scan.intactLength == log.count)
        #expect(scan.tornTail == TornTail(offset: Int64(log.count), droppedBytes: 4096, reason: .checksumMismatch))
    }

    @Test func scan_whenTheLastLengthIsHuge_treatsItAsDamageWithoutAllocating() throws {
        let log = try codec.encodeLog(header: LogHeader(firstSequence: 1), payloads: [bytes("kept")])
        let garbage: [UInt8] = [0xFF, 0xFF, 0xFF, 0xF0, 1, 2, 3, 4, 5, 6]
        let scan = try codec.scan(log + garbage)
        #expect(scan.records.count == 1)
        #expect(scan.tornTail == TornTail(offset: Int64(log.count), droppedBytes: 10, reason: .oversizedLength))
    }

    @Test func scan_whenADamagedRecordIsFollowedByAnIntactOne_throwsCorrupt() throws {
        let log = try codec.encodeLog(
            header: LogHeader(firstSequence: 1), payloads: [bytes("first"), bytes("second"), bytes("third")])
        var damaged = log
        damaged[LogHeader.size + 8 + 5 + 8 + 2] ^= 0x01  // inside "second"
        expectStoreError(.corrupt) { _ = try codec.scan(damaged) }
    }

    @Test func scan_whenAnIntactRecordAfterTheDamageIsFollowedByGarbage_stillThrowsCorrupt() throws {
        // Found by the store fuzz harness: the search for intact records after a damaged one
        // skipped a record followed by an implausible frame header, so the records after the
        // damage were dropped as a torn tail instead of refusing the open.
        var log = LogHeader(firstSequence: 1).encoded()
        log += [0x67, 0x4B, 0xC7, 0x02]  // a frame whose length is above the limit
        try codec.encode([], into: &log)  // an intact empty record
        log += [0x02, 0, 0, 0, 0, 0, 0, 0, 0x61]  // a frame header whose length is above the limit
        expectStoreError(.corrupt) { _ = try codec.scan(log) }
    }

    @Test func scan_whenTheHeaderIsDamaged_throwsCorruptOrUnsupported() throws {
        let log = try codec.encodeLog(header: LogHeader(firstSequence: 1), payloads: [bytes("x")])
        expectStoreError(.corrupt) { _ = try codec.scan([]) }
        expectStoreError(.corrupt) { _ = try codec.scan(Array(log[0..<(LogHeader.size - 1)])) }
        var badMagic = log
        badMagic[0] = 0x88
        expectStoreError(.corrupt) { _ = try codec.scan(badMagic) }
        var badChecksum = log
        badChecksum[20] ^= 0x01
        expectStoreError(.corrupt) { _ = try codec.scan(badChecksum) }
        let future = try codec.encodeLog(header: LogHeader(firstSequence: 1, version: 2), payloads: [])
        expectStoreError(.unsupportedVersion) { _ = try codec.scan(future) }
        var flagged = LogHeader(firstSequence: 1).encoded()
        flagged[15] = 1
        let checksum = CRC32C.checksum(flagged[0..<24])
        flagged.replaceSubrange(24..<28, with: [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: checksum >> $0) })
        expectStoreError(.unsupportedVersion) { _ = try codec.scan(flagged) }
    }

    @Test func scan_whenTheFirstSequenceNumberCannotCountTheRecords_throwsCorruptInsteadOfOverflowing() throws {
        // Found by the store fuzz harness: a checksummed header starting at 2^64 - 1 trapped on
        // the second record's sequence number.
        let payloads = [bytes("a"), bytes("b")]
        let atTheEdge = try codec.encodeLog(header: LogHeader(firstSequence: UInt64.max), payloads: payloads)
        expectStoreError(.corrupt) { _ = try codec.scan(atTheEdge) }
        let pastTheLimit = LogHeader(firstSequence: LogHeader.maximumFirstSequence + 1)
        expectStoreError(.corrupt) { _ = try codec.scan(try codec.encodeLog(header: pastTheLimit, payloads: [])) }
        let highest = try codec.encodeLog(
            header: LogHeader(firstSequence: LogHeader.maximumFirstSequence), payloads: payloads)
        #expect(try codec.scan(highest).records.map(\.sequence).first == LogHeader.maximumFirstSequence)
    }
}
