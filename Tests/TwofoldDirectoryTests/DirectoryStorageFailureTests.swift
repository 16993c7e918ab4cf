import Dispatch
import Foundation
import Synchronization
import Testing
import TwofoldStore
import TwofoldSystem

@testable import TwofoldDirectory

#if canImport(Glibc)
    import Glibc
#endif

/// Fails chosen store fault points with ENOSPC while armed: an I/O failure the store recovers from
/// (not a simulated crash). `recovering` keeps the store failed, as a disk that is still full would.
final class DirectoryDiskFault: Sendable {
    private let armed = Mutex<Set<RecordStore.FaultPoint>>([])
    /// Run at `batchEncoded` once, on the store's writer thread, before the armed check.
    let onNextBatch = Mutex<(@Sendable () -> Void)?>(nil)

    var hook: @Sendable (RecordStore.FaultPoint) throws -> Void {
        { [self] point in
            if point == .batchEncoded,
                let action = onNextBatch.withLock({ slot in
                    defer { slot = nil }; return slot
                })
            {
                action()
            }
            if armed.withLock({ $0.contains(point) }) { throw SystemError(call: "pwrite", errno: ENOSPC) }
        }
    }

    func arm(_ points: RecordStore.FaultPoint...) { armed.withLock { $0.formUnion(points) } }
    func disarm(_ points: RecordStore.FaultPoint...) { armed.withLock { $0.subtract(points) } }
}

/// The directory's events, awaited as events (never by sleeping).
final class DirectoryEventLog: Sendable {
    typealias Event = Directory.DirectoryEvent
    private struct State {
        var events: [Event] = []
        var waiters: [(matches: @Sendable (Event) -> Bool, continuation: CheckedContinuation<Event, Never>)] = []
    }
    private let state = Mutex(State())

    func record(_ event: Event) {
        let ready = state.withLock { state -> [CheckedContinuation<Event, Never>] in
            state.events.append(event)
            let ready = state.waiters.filter { $0.matches(event) }.map(\.continuation)
            state.waiters.removeAll { $0.matches(event) }
            return ready
        }
        for continuation in ready { continuation.resume(returning: event) }
    }

    var events: [Event] { state.withLock { $0.events } }

    /// The first event (already recorded or still to come) that `matches`.
    @discardableResult
    func next(after count: Int = 0, _ matches: @escaping @Sendable (Event) -> Bool) async -> Event {
        await withCheckedContinuation { continuation in
            let found = state.withLock { state -> Event? in
                if let event = state.events.dropFirst(count).first(where: matches) { return event }
                state.waiters.append((matches, continuation))
                return nil
            }
            if let found { continuation.resume(returning: found) }
        }
    }

    func count(_ matches: (Event) -> Bool) -> Int { events.filter(matches).count }

    static func isRecovered(_ event: Event) -> Bool { if case .storageRecovered = event { true } else { false } }
    static func isFailed(_ event: Event) -> Bool { if case .storageFailed = event { true } else { false } }
}

/// Storage failure as a state (issue 16): the directory refuses at once while its store fails,
/// rebuilds from the snapshot and the log when the store recovers, and never lets a change whose
/// write failed come back, through memory or through a snapshot.
@Suite struct DirectoryStorageFailureTests {
    static let quickRetry = RetryBackoff(initial: .milliseconds(1), maximum: .milliseconds(5))

    static func fixture(
        _ fault: DirectoryDiskFault, _ log: DirectoryEventLog, _ configure: (inout Directory.Options) -> Void = { _ in }
    ) -> DirectoryFixture {
        DirectoryFixture { options in
            options.store = RecordStore.Options(faultHook: fault.hook, retry: quickRetry)
            options.events = { log.record($0) }
            configure(&options)
        }
    }

    static func users(_ directory: Directory) -> Set<String> { Set(directory.users().map(\.id)) }

    @Test func aFailedWrite_refusesEveryRequestAtOnce_thenRebuildsFromDisk_andServesAgain() async throws {
        let fault = DirectoryDiskFault()
        let log = DirectoryEventLog()
        let fixture = Self.fixture(fault, log)
        var directory = try fixture.open()
        try await directory.update { transaction in transaction.put(DirectoryFixture.user(1)) }
        let compacted = try await directory.compact()  // the rebuild must read a snapshot too
        #expect(compacted.users == 1)
        try await directory.update { transaction in transaction.put(DirectoryFixture.user(2)) }

        fault.arm(.batchWritten, .recovering)
        do {
            try await directory.update { transaction in transaction.put(DirectoryFixture.user(3)) }
            Issue.record("a change whose sync failed was acknowledged")
        } catch {
            #expect(error.code == .storage)
            #expect(error.message.contains("No space left on device"), "\(error.message)")
            #expect(error.message.contains("was not made"), "\(error.message)")
            #expect(!error.message.contains("see its log") && !error.message.contains(".swift"), "\(error.message)")
        }
        // Memory still holds the change whose write failed: why every read is refused until the rebuild.
        #expect(directory.user(id: "u-3") != nil)
        #expect(directory.unavailableReason == "No space left on device (errno 28)")
        for number in 4..<10 {
            await #expect(throws: DirectoryError.self) {
                try await directory.update { transaction in transaction.put(DirectoryFixture.user(number)) }
            }
            #expect(throws: DirectoryError.self) { try directory.checkAvailable() }
        }
        #expect(directory.user(id: "u-4") == nil, "a refused change is never applied")
        #expect(log.count(DirectoryEventLog.isFailed) == 1, "the failure is told once, not per refusal")

        fault.disarm(.batchWritten)
        await #expect(throws: DirectoryError.self) {
            try await directory.update { transaction in transaction.put(DirectoryFixture.user(10)) }
        }
        fault.disarm(.recovering)
        let recovered = await log.next(DirectoryEventLog.isRecovered)
        guard case .storageRecovered(let refused) = recovered else { return }
        #expect(refused >= 12)
        #expect(directory.unavailableReason == nil)
        #expect(Self.users(directory) == ["u-1", "u-2"], "rebuilt from the snapshot and the log, without u-3")
        try await directory.update { transaction in transaction.put(DirectoryFixture.user(11)) }

        directory.close()
        directory = try fixture.open()
        defer { directory.close() }
        #expect(Self.users(directory) == ["u-1", "u-2", "u-11"])
    }

    /// The snapshot is fuzzy: it may show changes made after its marker. A change whose write was
    /// still in flight when the walk copied it, and then failed, must not be installed with the
    /// snapshot: the barrier after the walk finds the store failed and the compaction stops.
    @Test func aWriteThatFailsWhileACompactionWalks_neverReachesTheSnapshot() async throws {
        let fault = DirectoryDiskFault()
        let log = DirectoryEventLog()
        let box = Mutex<Directory?>(nil)
        let armed = Atomic<Bool>(false)
        let inFlight = DispatchSemaphore(value: 0)
        let walked = DispatchSemaphore(value: 0)
        let fixture = Self.fixture(fault, log) { options in
            options.compactionChunk = 1
            options.compactionFaultHook = { step in
                guard armed.load(ordering: .relaxed) else { return }
                switch step {
                case .markerDurable:
                    // On the compaction thread: start a change whose write is held until the walk ends.
                    fault.onNextBatch.withLock { action in
                        action = {
                            inFlight.signal()
                            walked.wait()
                            fault.arm(.batchEncoded)
                        }
                    }
                    guard let directory = box.withLock({ $0 }) else { return }
                    Task {
                        _ = try? await directory.update { transaction in transaction.put(DirectoryFixture.user(999)) }
                    }
                    inFlight.wait()
                case .snapshotWalked:
                    walked.signal()
                default:
                    break
                }
            }
        }
        var directory = try fixture.open()
        box.withLock { $0 = directory }
        try await directory.update { transaction in
            for number in 0..<50 { transaction.put(DirectoryFixture.user(number)) }
        }
        // A first compaction, so the log continues a snapshot and a new one would be loaded.
        _ = try await directory.compact()
        let snapshot = try Data(contentsOf: URL(fileURLWithPath: fixture.folder + "/directory.snapshot"))
        armed.store(true, ordering: .relaxed)
        await #expect(throws: DirectoryError.self) { _ = try await directory.compact() }
        armed.store(false, ordering: .relaxed)
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: fixture.folder + "/directory.snapshot")) == snapshot,
            "no new snapshot was installed")
        await log.next(DirectoryEventLog.isRecovered)
        box.withLock { $0 = nil }
        #expect(directory.user(id: "u-999") == nil)
        #expect(Self.users(directory).count == 50)

        directory.close()
        directory = try fixture.open()
        defer { directory.close() }
        #expect(directory.user(id: "u-999") == nil, "the failed change did not come back through a snapshot")
        #expect(Self.users(directory).count == 50)
    }

    /// The log rewrite failing before its rename leaves the old log (the directory serves on);
    /// failing after it fails the store, which recovers. Either way nothing acknowledged is lost.
    @Test(arguments: [RecordStore.FaultPoint.compactionFileWritten, .compactionRenamed])
    func aCompactionFailingOnAFullDisk_losesNothingAcknowledged(_ point: RecordStore.FaultPoint) async throws {
        let fault = DirectoryDiskFault()
        let log = DirectoryEventLog()
        let fixture = Self.fixture(fault, log)
        var directory = try fixture.open()
        try await directory.update { transaction in
            for number in 0..<20 { transaction.put(DirectoryFixture.user(number)) }
            transaction.put(DirectoryFixture.session("s1", user: "u-1", at: fixture.now))
        }
        fault.arm(point)
        await #expect(throws: DirectoryError.self) { _ = try await directory.compact() }
        fault.disarm(point)
        if point == .compactionRenamed {
            await log.next(DirectoryEventLog.isRecovered)
        } else {
            #expect(directory.unavailableReason == nil, "a failed compaction does not take the directory down")
            #expect(log.count(DirectoryEventLog.isFailed) == 0)
        }
        try await directory.update { transaction in transaction.put(DirectoryFixture.user(20)) }
        let before = DirectoryView(directory)
        #expect(before.users.count == 21)
        _ = try await directory.compact()
        directory.close()
        directory = try fixture.open()
        defer { directory.close() }
        #expect(DirectoryView(directory) == before)
        #expect(directory.session(id: "s1") != nil)
    }

    @Test func afterAFailedCompaction_noneIsAskedForAutomatically_untilTheBackOffHasPassed() {
        var journal = Directory.Journal(threshold: 0)
        let payload: [UInt8] = [2, 0]
        /// Whether appending at `now` asks for a compaction; one that does is taken as started.
        func asks(at now: Int64) -> Bool {
            let asked = journal.appended(payload, now: now)
            journal.requested = false
            return asked
        }
        #expect(asks(at: 0), "over the threshold: a compaction is asked for")
        journal.compactionFinished(succeeded: false, now: 1_000)
        #expect(!asks(at: 5_000))
        #expect(!asks(at: 10_999))
        #expect(asks(at: 11_000))
        journal.compactionFinished(succeeded: false, now: 11_000)
        #expect(!asks(at: 30_999), "the wait doubles")
        #expect(asks(at: 31_000))
        for _ in 0..<20 { journal.compactionFinished(succeeded: false, now: 0) }
        #expect(journal.compactionRetryAt == 600_000, "at most ten minutes")
        journal.compactionFinished(succeeded: true, now: 0)
        #expect(asks(at: 0))
    }

    @Test func errorsForOperators_carryNoSourceLocation() {
        let error = DirectoryError.storageIO("writing x", SystemError(call: "pwrite", errno: EIO))
        #expect(error.message == "The directory failed writing x: pwrite failed: Input/output error")
    }
}
