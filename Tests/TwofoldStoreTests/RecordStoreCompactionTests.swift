import Foundation
import Synchronization
import Testing
import TwofoldStore

@Suite struct RecordStoreCompactionTests {
    let oldState = [bytes("v1 alice"), bytes("v1 bob"), bytes("v2 alice")]
    let snapshot = [bytes("alice=v2"), bytes("bob=v1")]

    @Test func compact_replacesTheLogAndKeepsNumberingAndAppending() throws {
        try withTemporaryDirectory { directory in
            let store = try RecordStore.open(directory: directory).store
            for payload in oldState { _ = try store.appendAndWait(payload) }
            let sizeBefore = try readLog(directory).count
            #expect(try store.compact(snapshot: snapshot) == 4..<6)
            #expect(try store.appendAndWait(bytes("carol=v1")) == 6)
            #expect(store.stats.compactions == 1)
            #expect(store.stats.fsyncs == 3 + 2 + 1)
            store.close()
            #expect(try readLog(directory).count < sizeBefore + 16)
            #expect(!FileManager.default.fileExists(atPath: pendingLogPath(directory)))

            let reopened = try RecordStore.open(directory: directory)
            defer { reopened.store.close() }
            #expect(
                reopened.records == [
                    StoredRecord(sequence: 4, payload: snapshot[0]),
                    StoredRecord(sequence: 5, payload: snapshot[1]),
                    StoredRecord(sequence: 6, payload: bytes("carol=v1")),
                ])
            #expect(reopened.recovery.isClean)
        }
    }

    @Test func compact_async_toAnEmptySnapshot_leavesAnEmptyLogThatKeepsNumbering() async throws {
        try await withTemporaryDirectory { directory in
            let store = try RecordStore.open(directory: directory).store
            _ = try await store.append(bytes("gone"))
            #expect(try await store.compact(snapshot: []) == 2..<2)
            #expect(try await store.append(bytes("next")) == 2)
            store.close()
            let reopened = try RecordStore.open(directory: directory)
            defer { reopened.store.close() }
            #expect(reopened.records == [StoredRecord(sequence: 2, payload: bytes("next"))])
        }
    }

    /// A crash at each step leaves the old log (before the rename) or the new one (after it),
    /// complete either way, and the reopened store keeps working.
    @Test(arguments: RecordStore.FaultPoint.allCases.filter { $0.rawValue.hasPrefix("compaction") })
    func compact_whenInterruptedAtAStep_reopensWithTheOldOrTheNewLogComplete(_ point: RecordStore.FaultPoint) throws {
        try withTemporaryDirectory { directory in
            let armed = Mutex(false)
            let hook: @Sendable (RecordStore.FaultPoint) throws -> Void = { current in
                if current == point && armed.withLock({ $0 }) { throw CancellationError() }
            }
            let store = try RecordStore.open(directory: directory, options: .init(faultHook: hook)).store
            for payload in oldState { _ = try store.appendAndWait(payload) }
            armed.withLock { $0 = true }
            expectStoreError(.faultInjected) { _ = try store.compact(snapshot: snapshot) }
            // The "crashed" store does nothing more; closing it only releases the lock.
            expectStoreError(.failed) { _ = try store.appendAndWait(bytes("after crash")) }
            store.close()

            let renamed = point == .compactionRenamed || point == .compactionDirectorySynced
            #expect(FileManager.default.fileExists(atPath: pendingLogPath(directory)) == !renamed)
            let reopened = try RecordStore.open(directory: directory)
            if renamed {
                #expect(
                    reopened.records == [
                        StoredRecord(sequence: 4, payload: snapshot[0]),
                        StoredRecord(sequence: 5, payload: snapshot[1]),
                    ])
                #expect(reopened.recovery.isClean)
            } else {
                #expect(reopened.records.map(\.payload) == oldState)
                #expect(reopened.recovery.removedPendingLog)
                #expect(reopened.recovery.tornTail == nil)
                #expect(!FileManager.default.fileExists(atPath: pendingLogPath(directory)))
            }
            let next = try reopened.store.appendAndWait(bytes("after recovery"))
            #expect(next == (renamed ? 6 : 4))
            reopened.store.close()
            let again = try RecordStore.open(directory: directory)
            defer { again.store.close() }
            #expect(again.records.last == StoredRecord(sequence: next, payload: bytes("after recovery")))
        }
    }

    @Test func compact_whenThePendingFileCannotBeCreated_failsWithIOAndKeepsTheOldLogActive() throws {
        try withTemporaryDirectory { directory in
            let store = try RecordStore.open(directory: directory).store
            for payload in oldState { _ = try store.appendAndWait(payload) }
            // A directory where the pending file should go makes open(2) fail with EISDIR.
            try FileManager.default.createDirectory(
                atPath: pendingLogPath(directory), withIntermediateDirectories: false)
            do throws(StoreError) {
                _ = try store.compact(snapshot: snapshot)
                Issue.record("expected an I/O error")
            } catch {
                #expect(error.code == .io)
                #expect(error.systemError?.call == "open")
            }
            #expect(try store.appendAndWait(bytes("still appending")) == 4)
            store.close()
            try FileManager.default.removeItem(atPath: pendingLogPath(directory))
            let reopened = try RecordStore.open(directory: directory)
            defer { reopened.store.close() }
            #expect(reopened.records.map(\.payload) == oldState + [bytes("still appending")])
        }
    }

    @Test func compact_whenASnapshotRecordIsTooLarge_failsAndLeavesTheStoreUsable() throws {
        try withTemporaryDirectory { directory in
            let store = try RecordStore.open(directory: directory, options: .init(maximumRecordSize: 8)).store
            defer { store.close() }
            _ = try store.appendAndWait(bytes("small"))
            expectStoreError(.recordTooLarge) { _ = try store.compact(snapshot: [bytes("far too large")]) }
            #expect(try store.appendAndWait(bytes("fine")) == 2)
            #expect(store.stats.compactions == 0)
        }
    }
}
