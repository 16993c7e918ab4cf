import Foundation
import Testing
import TwofoldStore

@Suite struct RecordStoreRecoveryTests {
    let earlier = [bytes("first record"), bytes("second record")]
    let last = bytes("the last record, which a crash tears")

    /// Offset where the last record's frame starts in a log holding `earlier` then `last`.
    var lastFrameOffset: Int {
        LogHeader.size + earlier.reduce(0) { $0 + RecordCodec.frameHeaderSize + $1.count }
    }

    @Test func open_ofANewDirectory_createsAnEmptyLogAndReportsIt() throws {
        try withTemporaryDirectory { root in
            let directory = root + "/data/"
            let opened = try RecordStore.open(directory: directory)
            defer { opened.store.close() }
            #expect(opened.records.isEmpty)
            #expect(opened.recovery.createdLog)
            #expect(opened.recovery.isClean)
            #expect(try readLog(directory) == LogHeader(firstSequence: 1).encoded())
        }
    }

    @Test func open_afterCleanClose_replaysEveryRecordInOrder() throws {
        try withTemporaryDirectory { directory in
            try makeStore(in: directory, payloads: earlier + [last])
            let opened = try RecordStore.open(directory: directory)
            defer { opened.store.close() }
            #expect(
                opened.records == [
                    StoredRecord(sequence: 1, payload: earlier[0]),
                    StoredRecord(sequence: 2, payload: earlier[1]),
                    StoredRecord(sequence: 3, payload: last),
                ])
            #expect(
                opened.recovery
                    == RecoveryReport(createdLog: false, removedPendingLog: false, tornTail: nil, recordCount: 3))
        }
    }

    @Test func open_whenTheLastRecordIsCutAtAnyByte_keepsEarlierRecordsAndDropsTheTail() throws {
        try withTemporaryDirectory { root in
            let full = try makeStore(in: root + "/original", payloads: earlier + [last])
            let start = lastFrameOffset
            #expect(full.count == start + RecordCodec.frameHeaderSize + last.count)
            for cut in start..<full.count {
                let directory = root + "/cut-\(cut)"
                try writeLog(Array(full[..<cut]), to: directory)
                let opened = try RecordStore.open(directory: directory)
                #expect(opened.records.map(\.payload) == earlier, "cut at \(cut)")
                let reason: TornTail.Reason =
                    cut - start < RecordCodec.frameHeaderSize
                    ? .incompleteFrameHeader : .incompletePayload
                let expected =
                    cut == start
                    ? nil : TornTail(offset: Int64(start), droppedBytes: Int64(cut - start), reason: reason)
                #expect(opened.recovery.tornTail == expected, "cut at \(cut)")
                // The tail is gone from disk, and the next append takes the dropped record's place.
                #expect(try readLog(directory).count == start, "cut at \(cut)")
                #expect(try opened.store.appendAndWait(bytes("after recovery")) == 3)
                opened.store.close()
                let reopened = try RecordStore.open(directory: directory)
                #expect(reopened.records.map(\.payload) == earlier + [bytes("after recovery")], "cut at \(cut)")
                #expect(reopened.recovery.isClean)
                reopened.store.close()
            }
        }
    }

    @Test func open_whenAnyByteOfTheLastRecordIsFlipped_dropsOnlyThatRecord() throws {
        try withTemporaryDirectory { root in
            let full = try makeStore(in: root + "/original", payloads: earlier + [last])
            let start = lastFrameOffset
            for offset in start..<full.count {
                for mask: UInt8 in [0x01, 0x80] {
                    let directory = root + "/flip-\(offset)-\(mask)"
                    var damaged = full
                    damaged[offset] ^= mask
                    try writeLog(damaged, to: directory)
                    let opened = try RecordStore.open(directory: directory)
                    defer { opened.store.close() }
                    #expect(opened.records.map(\.payload) == earlier, "flip at \(offset)")
                    let tail = try #require(opened.recovery.tornTail, "flip at \(offset)")
                    #expect(tail.offset == Int64(start) && tail.droppedBytes == Int64(full.count - start))
                    if offset >= start + 4 {
                        #expect(tail.reason == .checksumMismatch, "flip at \(offset)")
                    }
                    #expect(try readLog(directory).count == start)
                }
            }
        }
    }

    @Test func open_whenAnyByteOfAMiddleRecordIsFlipped_failsAsCorruptAndKeepsTheFile() throws {
        try withTemporaryDirectory { root in
            let full = try makeStore(in: root + "/original", payloads: earlier + [last])
            let middleStart = LogHeader.size + RecordCodec.frameHeaderSize + earlier[0].count
            for offset in middleStart..<lastFrameOffset {
                let directory = root + "/flip-\(offset)"
                var damaged = full
                damaged[offset] ^= 0x04
                try writeLog(damaged, to: directory)
                expectStoreError(.corrupt) { _ = try RecordStore.open(directory: directory) }
                #expect(try readLog(directory) == damaged, "a refused open must not modify the log")
            }
        }
    }

    @Test func open_whenTheHeaderIsDamaged_failsAsCorrupt() throws {
        try withTemporaryDirectory { directory in
            var log = try makeStore(in: directory, payloads: earlier)
            log[3] ^= 0x10
            try writeLog(log, to: directory)
            expectStoreError(.corrupt) { _ = try RecordStore.open(directory: directory) }
            // The failed open released its lock: trying again reports the damage, not "locked".
            expectStoreError(.corrupt) { _ = try RecordStore.open(directory: directory) }
        }
    }

    @Test func open_whenARecordExceedsTheConfiguredMaximum_treatsItAsDamage() throws {
        try withTemporaryDirectory { directory in
            try makeStore(in: directory, payloads: [bytes("ok"), [UInt8](repeating: 7, count: 100)])
            let opened = try RecordStore.open(directory: directory, options: .init(maximumRecordSize: 50))
            defer { opened.store.close() }
            #expect(opened.records.map(\.payload) == [bytes("ok")])
            #expect(opened.recovery.tornTail?.reason == .oversizedLength)
        }
    }

    @Test func open_whenTheDirectoryCannotBeCreated_failsWithIO() throws {
        try withTemporaryDirectory { root in
            let file = root + "/not-a-directory"
            try Data().write(to: URL(fileURLWithPath: file))
            expectStoreError(.io) { _ = try RecordStore.open(directory: file + "/store") }
        }
    }

    @Test func recoveryReport_describesWhatWasDroppedWithoutRecordContents() throws {
        let report = RecoveryReport(
            createdLog: false, removedPendingLog: true,
            tornTail: TornTail(offset: 100, droppedBytes: 12, reason: .checksumMismatch), recordCount: 3)
        #expect(!report.isClean)
        #expect(
            report.description
                == "3 records; removed an interrupted compaction's pending log; "
                + "torn tail: dropped 12 bytes at offset 100 (checksum mismatch)")
    }
}
