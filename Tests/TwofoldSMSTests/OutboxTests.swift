import Foundation
import Testing
import TwofoldProcess
import TwofoldSMS
import TwofoldSystem

@Suite struct OutboxTests {
    @Test func append_thenReopen_findsTheLineWithItsFieldsAndTime() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let clock = TestWallClock()
        let outbox = try Outbox(directory: folder.path, logger: quietLogger(), nowMillis: clock.now)
        let outcome = try outbox.append(message("m-1", text: "Line one\nline \"two\" ünïcode"))
        #expect(outcome == .appended(time: "2026-11-29T03:39:39.123Z"))
        outbox.close()

        let records = try folder.records()
        #expect(records.count == 1)
        let record = try #require(records[0])
        #expect(record.id == "m-1")
        #expect(record.to == "+14155552671")
        #expect(record.text == "Line one\nline \"two\" ünïcode")
        #expect(record.time == "2026-11-29T03:39:39.123Z")
        #expect(String(decoding: try folder.contents(), as: UTF8.self).hasPrefix("{\"id\":\"m-1\",\"to\":"))

        let reopened = try Outbox(directory: folder.path, logger: quietLogger())
        defer { reopened.close() }
        #expect(reopened.contains(id: "m-1"))
        #expect(reopened.messageCount == 1)
        #expect(reopened.recovery == Outbox.Recovery(messageCount: 1, droppedBytes: 0))
    }

    @Test func append_whenIDIsAlreadyInTheOutboxAfterRestart_isDuplicateAndWritesNothing() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let first = try Outbox(directory: folder.path, logger: quietLogger())
        _ = try first.append(message("same"))
        first.close()
        let before = try folder.contents()

        let second = try Outbox(directory: folder.path, logger: quietLogger())
        defer { second.close() }
        #expect(try second.append(message("same", text: "another text")) == .duplicate)
        #expect(try folder.contents() == before)
    }

    @Test func append_batchWithRepeatedID_writesItOnce() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let outbox = try Outbox(directory: folder.path, logger: quietLogger())
        defer { outbox.close() }
        let outcomes = try outbox.append([message("a"), message("b"), message("a")])
        #expect(outcomes.count == 3)
        #expect(outcomes[1] != .duplicate)
        #expect(outcomes[2] == .duplicate)
        #expect(try folder.records().compactMap { $0?.id } == ["a", "b"])
    }

    @Test(arguments: [1, 5, 20, 40, 60])
    func open_whenLastLineIsCutShort_dropsItAndKeepsEarlierLines(keptBytesOfLastLine: Int) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let outbox = try Outbox(directory: folder.path, logger: quietLogger())
        _ = try outbox.append(message("one"))
        _ = try outbox.append(message("two"))
        outbox.close()
        let good = try folder.contents()
        let third = OutboxRecord(message: try message("three"), time: "2026-11-29T03:39:39.123Z").line
        #expect(keptBytesOfLastLine < third.count)
        try folder.write(good + third.prefix(keptBytesOfLastLine))

        let sink = LogSink.memory()
        let reopened = try Outbox(directory: folder.path, logger: quietLogger(sink))
        defer { reopened.close() }
        #expect(reopened.recovery == Outbox.Recovery(messageCount: 2, droppedBytes: Int64(keptBytesOfLastLine)))
        #expect(try folder.contents() == good)
        #expect(!reopened.contains(id: "three"))
        #expect(sink.lines.contains { $0.contains("\"bytes_dropped\":\(keptBytesOfLastLine)") })
        // Writing continues cleanly after the recovered tail.
        _ = try reopened.append(message("three"))
        #expect(try folder.records().compactMap { $0?.id } == ["one", "two", "three"])
    }

    @Test func open_whenLastLineLacksOnlyItsNewline_dropsIt() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let line = OutboxRecord(message: try message("x"), time: "2026-11-29T03:39:39.123Z").line
        try folder.write(line + line.dropLast())  // the second copy is complete JSON without "\n"
        let outbox = try Outbox(directory: folder.path, logger: quietLogger())
        defer { outbox.close() }
        #expect(outbox.recovery.droppedBytes == Int64(line.count - 1))
        #expect(try folder.contents() == line)
    }

    @Test(arguments: ["not json\n", "{\"id\":\"x\"}\n", "\0\0\0\0\0\0", "\n"])
    func open_whenLastLineIsNotARecord_dropsIt(tail: String) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let line = OutboxRecord(message: try message("ok"), time: "2026-11-29T03:39:39.123Z").line
        try folder.write(line + Array(tail.utf8))
        let outbox = try Outbox(directory: folder.path, logger: quietLogger())
        defer { outbox.close() }
        #expect(outbox.recovery == Outbox.Recovery(messageCount: 1, droppedBytes: Int64(tail.utf8.count)))
        #expect(try folder.contents() == line)
    }

    @Test func open_whenAnEarlierLineIsNotARecord_refusesWithCorruptAndChangesNothing() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let line = OutboxRecord(message: try message("ok"), time: "2026-11-29T03:39:39.123Z").line
        let bytes = line + Array("garbage\n".utf8) + line
        try folder.write(bytes)
        let error = #expect(throws: SMSError.self) { try Outbox(directory: folder.path, logger: quietLogger()) }
        #expect(error?.code == "sms.outbox_corrupt")
        #expect(error?.message.contains("line 2") == true)
        #expect(try folder.contents() == bytes)
    }

    @Test func open_whenBadLineIsFollowedByATornOne_refusesWithCorrupt() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write(Array("garbage\n{\"id\"".utf8))
        let error = #expect(throws: SMSError.self) { try Outbox(directory: folder.path, logger: quietLogger()) }
        #expect(error?.code == "sms.outbox_corrupt")
    }

    @Test func open_readsAFileLargerThanOneChunk() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let outbox = try Outbox(directory: folder.path, logger: quietLogger())
        let long = String(repeating: "é", count: 480)
        _ = try outbox.append((0..<300).map { try message("id-\($0)", text: long) })
        outbox.close()
        #expect(try folder.contents().count > 128 * 1024)
        let reopened = try Outbox(directory: folder.path, logger: quietLogger())
        defer { reopened.close() }
        #expect(reopened.recovery == Outbox.Recovery(messageCount: 300, droppedBytes: 0))
    }

    @Test func open_createsTheFileOwnerOnly() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let outbox = try Outbox(directory: folder.path, logger: quietLogger())
        defer { outbox.close() }
        #expect(try FileSystem.status(of: folder.outboxPath).mode == 0o600)
    }

    @Test func open_whenAnotherOutboxHasTheFile_isRefusedAsLocked() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let first = try Outbox(directory: folder.path, logger: quietLogger())
        defer { first.close() }
        let error = #expect(throws: SMSError.self) { try Outbox(directory: folder.path, logger: quietLogger()) }
        #expect(error?.code == "sms.outbox_locked")
        #expect(error?.wirePayload.code == "internal")
    }

    @Test func open_whenTheFirstOutboxsFileWasDeleted_isStillRefusedByTheFolderLock() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let first = try Outbox(directory: folder.path, logger: quietLogger())
        defer { first.close() }
        try FileManager.default.removeItem(atPath: folder.outboxPath)
        let error = #expect(throws: SMSError.self) { try Outbox(directory: folder.path, logger: quietLogger()) }
        #expect(error?.code == "sms.outbox_locked")
        first.close()
        let second = try Outbox(directory: folder.path, logger: quietLogger())
        second.close()
    }

    @Test func open_whenFolderIsMissing_failsWithIO() throws {
        let error = #expect(throws: SMSError.self) {
            try Outbox(directory: "/tmp/sms-missing-\(UUID().uuidString)", logger: quietLogger())
        }
        #expect(error?.code == "sms.outbox_io")
        #expect(error?.systemError?.errno == ENOENT)
    }

    @Test func append_afterClose_failsWithOutboxFailed() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let outbox = try Outbox(directory: folder.path, logger: quietLogger())
        outbox.close()
        #expect(!outbox.isHealthy)
        let error = #expect(throws: SMSError.self) { try outbox.append(message("late")) }
        #expect(error?.code == "sms.outbox_failed")
    }
}
