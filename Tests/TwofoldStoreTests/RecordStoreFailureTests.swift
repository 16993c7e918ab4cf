import Dispatch
import Foundation
import Synchronization
import Testing
import TwofoldStore
import TwofoldSystem

#if canImport(Glibc)
    import Glibc
#endif

/// An `Owner` that keeps what the store tells it: events, the records of each rebuild, and
/// whether to resume. Waits are for events (semaphores in synchronous tests), never for time.
final class RecordingOwner: Sendable {
    private let events = Mutex<[String]>([])
    private let rebuilds = Mutex<[[StoredRecord]]>([])
    private let resumes: Mutex<Bool>
    private let recoveredSignal = DispatchSemaphore(value: 0)
    private let rebuildSignal = DispatchSemaphore(value: 0)
    private let failedSignal = DispatchSemaphore(value: 0)

    init(resumes: Bool = true) { self.resumes = Mutex(resumes) }

    var owner: RecordStore.Owner {
        RecordStore.Owner(
            report: { [self] event in
                switch event {
                case .failed(let error):
                    events.withLock { $0.append("failed \(error.code)") }
                    failedSignal.signal()
                case .stillFailing(let error, let refused):
                    events.withLock { $0.append("still failing \(error.code) refused \(refused)") }
                case .recovered(let refused):
                    events.withLock { $0.append("recovered refused \(refused)") }
                    recoveredSignal.signal()
                }
            },
            rebuild: { [self] records, resume in
                rebuilds.withLock { $0.append(records) }
                if resumes.withLock({ $0 }) { resume() }
                rebuildSignal.signal()
            })
    }

    var reported: [String] { events.withLock { $0 } }
    var rebuiltFrom: [[StoredRecord]] { rebuilds.withLock { $0 } }
    func setResumes(_ value: Bool) { resumes.withLock { $0 = value } }
    func waitUntilRecovered() { recoveredSignal.wait() }
    func waitForRebuild() { rebuildSignal.wait() }
    func waitUntilFailed() { failedSignal.wait() }
}

/// A fault hook that fails chosen points with an errno (an I/O failure, not a simulated crash)
/// while armed.
final class DiskFault: Sendable {
    private let armed = Mutex<Set<RecordStore.FaultPoint>>([])
    let errno: Int32

    init(errno: Int32 = ENOSPC) { self.errno = errno }

    var hook: @Sendable (RecordStore.FaultPoint) throws -> Void {
        { [self] point in
            if armed.withLock({ $0.contains(point) }) { throw SystemError(call: "pwrite", errno: errno) }
        }
    }

    func arm(_ points: RecordStore.FaultPoint...) { armed.withLock { $0.formUnion(points) } }
    func disarm() { armed.withLock { $0.removeAll() } }
}

/// Back-off short enough that recovery follows at once in tests; the waits are for events.
let quickRetry = RetryBackoff(initial: .milliseconds(1), maximum: .milliseconds(5))

@Suite struct RecordStoreFailureTests {
    @Test func append_whenTheDiskFails_refusesUntilRecoveryAndTheOwnerRebuildsFromAcknowledgedRecords() throws {
        try withTemporaryDirectory { directory in
            let fault = DiskFault()
            let owner = RecordingOwner()
            let store = try RecordStore.open(
                directory: directory, options: .init(faultHook: fault.hook, retry: quickRetry)
            ).store
            store.setOwner(owner.owner)
            #expect(try store.appendAndWait(bytes("acknowledged")) == 1)

            // Written but not synced: the record reaches the file, yet is never acknowledged.
            owner.setResumes(false)
            fault.arm(.batchWritten)
            expectStoreError(.io) { _ = try store.appendAndWait(bytes("unacknowledged")) }
            #expect(store.failure?.systemError?.errno == ENOSPC)
            expectStoreError(.failed) { _ = try store.appendAndWait(bytes("refused")) }
            expectStoreError(.failed) { try store.checkWritable() }
            expectStoreError(.failed) { _ = try store.compact(snapshot: []) }
            owner.waitUntilFailed()

            // The disk works again; the owner resumes at its next rebuild.
            fault.disarm()
            owner.setResumes(true)
            owner.waitUntilRecovered()
            #expect(store.failure == nil)
            #expect(owner.rebuiltFrom.last?.map(\.payload) == [bytes("acknowledged")])
            #expect(try store.appendAndWait(bytes("after recovery")) == 2)
            #expect(store.stats.failures == 1)
            #expect(store.stats.recoveries == 1)
            #expect(store.stats.refused == 3)
            #expect(owner.reported.first == "failed store.io")
            #expect(owner.reported.last == "recovered refused 3")
            #expect(owner.reported.filter { $0.hasPrefix("failed") }.count == 1)
            store.close()

            let reopened = try RecordStore.open(directory: directory)
            defer { reopened.store.close() }
            #expect(reopened.records.map(\.payload) == [bytes("acknowledged"), bytes("after recovery")])
            #expect(reopened.recovery.isClean)
        }
    }

    @Test func recovery_whenTheOwnerDoesNotResume_keepsRefusingAndTriesAgain() throws {
        try withTemporaryDirectory { directory in
            let fault = DiskFault(errno: EIO)
            let owner = RecordingOwner(resumes: false)
            let store = try RecordStore.open(
                directory: directory, options: .init(faultHook: fault.hook, retry: quickRetry)
            ).store
            defer { store.close() }
            store.setOwner(owner.owner)
            fault.arm(.batchEncoded)
            expectStoreError(.io) { _ = try store.appendAndWait(bytes("lost")) }
            fault.disarm()
            for _ in 0..<3 { owner.waitForRebuild() }
            expectStoreError(.failed) { _ = try store.appendAndWait(bytes("still refused")) }
            #expect(owner.rebuiltFrom.count >= 3)
            #expect(owner.rebuiltFrom.allSatisfy { $0.isEmpty })
            #expect(!owner.reported.contains { $0.hasPrefix("recovered") })
        }
    }

    @Test func completions_ofRefusedRequests_runOnAnotherThreadAfterTheCallReturns() throws {
        try withTemporaryDirectory { directory in
            let fault = DiskFault()
            let store = try RecordStore.open(directory: directory, options: .init(faultHook: fault.hook)).store
            defer { store.close() }
            fault.arm(.batchEncoded)
            expectStoreError(.io) { _ = try store.appendAndWait(bytes("fails")) }
            // The caller holds a lock that the completion takes: a synchronous completion would
            // trap on the recursive lock (what a failed store used to do to the vault).
            let callerLock = Mutex(0)
            let done = DispatchSemaphore(value: 0)
            callerLock.withLock { _ in
                store.append(bytes("refused")) { result in
                    if case .failure(let error) = result, error.code == .failed {
                        callerLock.withLock { $0 += 1 }
                    }
                    done.signal()
                }
                store.compact(snapshot: []) { _ in
                    callerLock.withLock { $0 += 1 }
                    done.signal()
                }
            }
            done.wait()
            done.wait()
            #expect(callerLock.withLock { $0 } == 2)
        }
    }

    @Test func compact_withACompletion_returnsBeforeTheCompactionRuns() throws {
        try withTemporaryDirectory { directory in
            let store = try RecordStore.open(directory: directory).store
            defer { store.close() }
            _ = try store.appendAndWait(bytes("old"))
            let stateLock = Mutex([bytes("new")])
            let done = DispatchSemaphore(value: 0)
            let range = Mutex<Range<UInt64>?>(nil)
            stateLock.withLock { state in
                store.compact(snapshot: state) { result in
                    // What the vault's counters did under its lock before: now harmless.
                    _ = stateLock.withLock { $0.count }
                    range.withLock { $0 = try? result.get() }
                    done.signal()
                }
            }
            done.wait()
            #expect(range.withLock { $0 } == 2..<3)
        }
    }

    @Test func compact_whenTheDirectorySyncFailsAfterTheRename_recoversOnTheNewLog() throws {
        try withTemporaryDirectory { directory in
            let fault = DiskFault(errno: EIO)
            let owner = RecordingOwner()
            let store = try RecordStore.open(
                directory: directory, options: .init(faultHook: fault.hook, retry: quickRetry)
            ).store
            store.setOwner(owner.owner)
            _ = try store.appendAndWait(bytes("superseded"))
            fault.arm(.compactionRenamed)
            expectStoreError(.io) { _ = try store.compact(snapshot: [bytes("live")]) }
            fault.disarm()
            owner.waitUntilRecovered()
            #expect(owner.rebuiltFrom.last == [StoredRecord(sequence: 2, payload: bytes("live"))])
            #expect(try store.appendAndWait(bytes("next")) == 3)
            store.close()
            let reopened = try RecordStore.open(directory: directory)
            defer { reopened.store.close() }
            #expect(reopened.records.map(\.payload) == [bytes("live"), bytes("next")])
        }
    }

    @Test func open_whenTheLogCannotBeCreated_opensFailedAndHandsTheRecordsOverOnceItCan() throws {
        try withTemporaryDirectory { directory in
            // A directory where the pending log goes makes creating the log fail (EISDIR).
            try FileManager.default.createDirectory(
                atPath: pendingLogPath(directory), withIntermediateDirectories: false)
            let opened = try RecordStore.open(directory: directory, options: .init(retry: quickRetry))
            let store = opened.store
            #expect(opened.failure?.code == .io)
            #expect(opened.records.isEmpty)
            expectStoreError(.failed) { _ = try store.appendAndWait(bytes("too early")) }

            let owner = RecordingOwner()
            store.setOwner(owner.owner)
            owner.waitUntilFailed()
            try FileManager.default.removeItem(atPath: pendingLogPath(directory))
            owner.waitUntilRecovered()
            #expect(owner.rebuiltFrom.last == [])
            #expect(try store.appendAndWait(bytes("first")) == 1)
            store.close()
            let reopened = try RecordStore.open(directory: directory)
            defer { reopened.store.close() }
            #expect(reopened.records.map(\.payload) == [bytes("first")])
        }
    }

    @Test func recovery_whileStillFailing_remindsTheOwnerWithCountsButReportsTheFailureOnce() throws {
        try withTemporaryDirectory { directory in
            let fault = DiskFault()
            let owner = RecordingOwner(resumes: false)
            let store = try RecordStore.open(
                directory: directory,
                options: .init(faultHook: fault.hook, retry: quickRetry, failureReportInterval: .zero)
            ).store
            defer { store.close() }
            store.setOwner(owner.owner)
            fault.arm(.batchEncoded)
            expectStoreError(.io) { _ = try store.appendAndWait(bytes("lost")) }
            for _ in 0..<4 { owner.waitForRebuild() }
            // Reminders carry counts; the failure itself is reported once.
            #expect(owner.reported.filter { $0.hasPrefix("failed") }.count == 1)
            #expect(owner.reported.contains { $0.hasPrefix("still failing store.io refused") })
        }
    }

    @Test func directoryLock_isHeldOnTheDirectorySoNoFileDeletionFreesIt() throws {
        try withTemporaryDirectory { directory in
            let first = try RecordStore.open(directory: directory)
            // Earlier builds locked a LOCK file; removing every file but the log frees nothing.
            for name in try FileManager.default.contentsOfDirectory(atPath: directory) where name != "records.log" {
                try FileManager.default.removeItem(atPath: directory + "/" + name)
            }
            expectStoreError(.locked) { _ = try RecordStore.open(directory: directory) }
            expectStoreError(.locked) { _ = try DirectoryLock.acquire(directory) }
            #expect(!FileManager.default.fileExists(atPath: directory + "/LOCK"))
            first.store.close()
            let lock = try DirectoryLock.acquire(directory)
            lock.release()
            let second = try RecordStore.open(directory: directory)
            second.store.close()
        }
    }

    @Test func spaceProbe_onAFullTmpfs_failsWithENOSPC() throws {
        try withSmallTmpfs { mount in
            try SpaceProbe.check(directory: mount, bytes: 4096)
            expectStoreError(.io) { try SpaceProbe.check(directory: mount, bytes: 8 << 20) }
            #expect(!FileManager.default.fileExists(atPath: mount + "/" + SpaceProbe.fileName))
        }
    }

    @Test func append_onARealFullDisk_recoversOnceSpaceReturns() throws {
        try withSmallTmpfs { mount in
            let owner = RecordingOwner()
            let directory = mount + "/store"
            let store = try RecordStore.open(directory: directory, options: .init(retry: quickRetry)).store
            defer { store.close() }
            store.setOwner(owner.owner)
            _ = try store.appendAndWait(bytes("kept"))
            let filler = mount + "/filler"
            fillDisk(filler)
            var failure: StoreError?
            let big = [UInt8](repeating: 0x5A, count: 64 << 10)
            for _ in 0..<64 where failure == nil {
                do throws(StoreError) {
                    _ = try store.appendAndWait(big)
                } catch {
                    failure = error
                }
            }
            #expect(failure?.code == .io)
            #expect(failure?.systemError?.errno == ENOSPC)
            try FileManager.default.removeItem(atPath: filler)
            owner.waitUntilRecovered()
            let survivors = try #require(owner.rebuiltFrom.last)
            #expect(survivors.first?.payload == bytes("kept"))
            #expect(try store.appendAndWait(bytes("again")) == UInt64(survivors.count + 1))
        }
    }
}

/// Runs `body` with a fresh 1 MiB tmpfs, or skips (records nothing) when not root.
func withSmallTmpfs(_ body: (String) throws -> Void) throws {
    guard getuid() == 0 else {
        print("skipped: mounting a small tmpfs to fill needs root")
        return
    }
    try withTemporaryDirectory { directory in
        let mount = directory + "/tmpfs"
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: false)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/mount")
        process.arguments = ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mount]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "mount -t tmpfs failed")
        defer {
            let unmount = Process()
            unmount.executableURL = URL(fileURLWithPath: "/bin/umount")
            unmount.arguments = ["-l", mount]
            try? unmount.run()
            unmount.waitUntilExit()
        }
        try body(mount)
    }
}

/// Writes `path` until the filesystem is full.
func fillDisk(_ path: String) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { return }
    defer { close(fd) }
    let chunk = [UInt8](repeating: 0xFF, count: 4096)
    while chunk.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
    // Fill the last partial page as well, byte by byte.
    var one: UInt8 = 0xFF
    while write(fd, &one, 1) > 0 {}
}
