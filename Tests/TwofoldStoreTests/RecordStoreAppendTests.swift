import Dispatch
import Foundation
import Synchronization
import Testing
import TwofoldStore

/// Holds the writer thread inside the fault hook at its first group commit until released, so a
/// test can queue many appends behind one in-flight sync deterministically.
final class WriterGate: Sendable {
    private let entered = DispatchSemaphore(value: 0)
    private let release = DispatchSemaphore(value: 0)
    private let first = Mutex(true)

    var hook: @Sendable (RecordStore.FaultPoint) throws -> Void {
        { [self] point in
            guard point == .batchEncoded,
                first.withLock({ value in
                    defer { value = false }; return value
                })
            else {
                return
            }
            entered.signal()
            release.wait()
        }
    }

    func waitUntilWriterIsHeld() { entered.wait() }
    func open() { release.signal() }
}

@Suite struct RecordStoreAppendTests {
    @Test func appendAndWait_returnsConsecutiveSequenceNumbersAndCountsStats() throws {
        try withTemporaryDirectory { directory in
            let store = try RecordStore.open(directory: directory).store
            defer { store.close() }
            #expect(try store.appendAndWait(bytes("a")) == 1)
            #expect(try store.appendAndWait(bytes("bc")) == 2)
            #expect(store.stats.appends == 2)
            #expect(store.stats.fsyncs == 2)
            #expect(store.stats.bytesWritten == 2 * RecordCodec.frameHeaderSize + 3)
        }
    }

    @Test func asyncAppend_returnsOnceDurable() async throws {
        try await withTemporaryDirectory { directory in
            let store = try RecordStore.open(directory: directory).store
            let first = try await store.append(bytes("one"))
            let second = try await store.append(bytes("two"))
            #expect((first, second) == (1, 2))
            store.close()
            let reopened = try RecordStore.open(directory: directory)
            defer { reopened.store.close() }
            #expect(reopened.records.map(\.payload) == [bytes("one"), bytes("two")])
        }
    }

    @Test func append_whenManyAreQueuedDuringOneSync_sharesOneWriteAndOneSync() throws {
        try withTemporaryDirectory { directory in
            let gate = WriterGate()
            let store = try RecordStore.open(directory: directory, options: .init(faultHook: gate.hook)).store
            let results = Mutex<[UInt64]>([])
            let done = DispatchGroup()
            let threads = 16
            let perThread = 25
            done.enter()
            store.append(bytes("held")) { result in
                if case .success(let sequence) = result { results.withLock { $0.append(sequence) } }
                done.leave()
            }
            gate.waitUntilWriterIsHeld()
            // Many threads queue appends while the writer is busy with the first batch.
            DispatchQueue.concurrentPerform(iterations: threads) { thread in
                for index in 0..<perThread {
                    done.enter()
                    store.append(bytes("\(thread)-\(index)")) { result in
                        if case .success(let sequence) = result { results.withLock { $0.append(sequence) } }
                        done.leave()
                    }
                }
            }
            gate.open()
            done.wait()
            let total = 1 + threads * perThread
            #expect(results.withLock { $0.sorted() } == Array(1...UInt64(total)))
            #expect(store.stats.appends == total)
            #expect(store.stats.fsyncs == 2, "one sync for the held record, one for everything queued behind it")
            store.close()

            let reopened = try RecordStore.open(directory: directory)
            defer { reopened.store.close() }
            #expect(reopened.records.count == total)
            let expected = Set((0..<threads).flatMap { thread in (0..<perThread).map { bytes("\(thread)-\($0)") } })
            #expect(Set(reopened.records.dropFirst().map(\.payload)) == expected)
        }
    }

    @Test func appendAndWait_fromManyThreads_allCompleteAndAllSurviveReopen() throws {
        try withTemporaryDirectory { directory in
            let store = try RecordStore.open(directory: directory).store
            let acknowledged = Mutex<[UInt64: [UInt8]]>([:])
            DispatchQueue.concurrentPerform(iterations: 8) { thread in
                for index in 0..<50 {
                    let payload = bytes("thread \(thread) record \(index)")
                    if let sequence = try? store.appendAndWait(payload) {
                        acknowledged.withLock { $0[sequence] = payload }
                    }
                }
            }
            let stats = store.stats
            store.close()
            #expect(acknowledged.withLock { $0.count } == 400)
            #expect(stats.appends == 400)
            #expect(stats.fsyncs <= stats.appends)
            let reopened = try RecordStore.open(directory: directory)
            defer { reopened.store.close() }
            let replayed = Dictionary(uniqueKeysWithValues: reopened.records.map { ($0.sequence, $0.payload) })
            #expect(replayed == acknowledged.withLock { $0 })
        }
    }

    @Test func append_whenPayloadIsTooLarge_failsThatAppendOnly() throws {
        try withTemporaryDirectory { directory in
            let store = try RecordStore.open(directory: directory, options: .init(maximumRecordSize: 8)).store
            defer { store.close() }
            expectStoreError(.recordTooLarge) { _ = try store.appendAndWait([UInt8](repeating: 1, count: 9)) }
            #expect(try store.appendAndWait([UInt8](repeating: 1, count: 8)) == 1)
            #expect(store.stats.appends == 1)
        }
    }

    @Test func append_afterClose_failsWithClosedOnAnotherThreadAfterReturning() throws {
        try withTemporaryDirectory { directory in
            let store = try RecordStore.open(directory: directory).store
            store.close()
            store.close()
            let caller = ObjectIdentifier(Thread.current)
            let returned = Mutex(false)
            let seen = Mutex<(error: StoreError?, sameThread: Bool, afterReturn: Bool)?>(nil)
            let done = DispatchSemaphore(value: 0)
            store.append(bytes("late")) { value in
                var error: StoreError?
                if case .failure(let failure) = value { error = failure }
                let afterReturn = returned.withLock { $0 }
                seen.withLock { $0 = (error, ObjectIdentifier(Thread.current) == caller, afterReturn) }
                done.signal()
            }
            returned.withLock { $0 = true }
            done.wait()
            let observed = try #require(seen.withLock { $0 })
            #expect(observed.error?.code == .closed)
            #expect(!observed.sameThread)
            expectStoreError(.closed) { _ = try store.appendAndWait(bytes("late")) }
            expectStoreError(.closed) { _ = try store.compact(snapshot: []) }
        }
    }

    @Test func close_fromACompletion_doesNotDeadlockAndRefusesLaterAppends() throws {
        try withTemporaryDirectory { directory in
            let store = try RecordStore.open(directory: directory).store
            let closed = DispatchSemaphore(value: 0)
            store.append(bytes("last")) { _ in
                store.close()
                closed.signal()
            }
            closed.wait()
            expectStoreError(.closed) { _ = try store.appendAndWait(bytes("after")) }
            store.close()
            let reopened = try RecordStore.open(directory: directory)
            defer { reopened.store.close() }
            #expect(reopened.records.map(\.payload) == [bytes("last")])
        }
    }

    @Test func append_whenTheWriteOrSyncFails_failsTheBatchAndEveryLaterRequest() throws {
        for point in [RecordStore.FaultPoint.batchEncoded, .batchWritten] {
            try withTemporaryDirectory { directory in
                let armed = Mutex(false)
                let hook: @Sendable (RecordStore.FaultPoint) throws -> Void = { current in
                    if current == point && armed.withLock({ $0 }) { throw CancellationError() }
                }
                let store = try RecordStore.open(directory: directory, options: .init(faultHook: hook)).store
                #expect(try store.appendAndWait(bytes("durable")) == 1)
                armed.withLock { $0 = true }
                expectStoreError(.faultInjected) { _ = try store.appendAndWait(bytes("in flight")) }
                expectStoreError(.failed) { _ = try store.appendAndWait(bytes("refused")) }
                expectStoreError(.failed) { _ = try store.compact(snapshot: []) }
                #expect(store.stats.appends == 1)
                store.close()

                let reopened = try RecordStore.open(directory: directory)
                defer { reopened.store.close() }
                // The acknowledged record is there; the unacknowledged one may or may not be.
                #expect(reopened.records.first?.payload == bytes("durable"))
                #expect(!reopened.records.contains { $0.payload == bytes("refused") })
                if point == .batchEncoded { #expect(reopened.records.count == 1) }
            }
        }
    }

    @Test func storeError_descriptionCarriesCodeButNoPayloadNorSourcePath() throws {
        try withTemporaryDirectory { directory in
            let store = try RecordStore.open(directory: directory, options: .init(maximumRecordSize: 4)).store
            defer { store.close() }
            do throws(StoreError) {
                _ = try store.appendAndWait(bytes("secret-seed"))
                Issue.record("expected recordTooLarge")
            } catch {
                #expect(error.description.hasPrefix("store.record_too_large: "))
                #expect(error.description.contains("11 bytes"))
                #expect(!error.description.contains("secret"))
                #expect(!error.description.contains(".swift"))
                #expect(error.file.hasSuffix(".swift"))
                #expect(error.systemError == nil)
            }
        }
    }
}
