import Dispatch
import Foundation
import Synchronization
import TwofoldSystem

/// The active log's mutable state. Only the writer thread touches it once started; `open`
/// fills it before the thread starts and the thread closes it before signalling its exit.
final class ActiveLog: @unchecked Sendable {
    // @unchecked: touched by `open` before the writer thread starts, then by that thread alone.
    /// Nil while the log has never been read: an open that failed on I/O leaves that to recovery.
    var descriptor: FileDescriptor?
    /// Bytes of acknowledged data: where the next batch is written, and what recovery keeps.
    var length: Int64
    var nextSequence: UInt64
    /// Set while the store is failed: durability is not known, so nothing is written.
    var failure: StoreError?

    init(descriptor: FileDescriptor?, length: Int64, nextSequence: UInt64) {
        self.descriptor = descriptor
        self.length = length
        self.nextSequence = nextSequence
    }
}

/// The dedicated writer thread behind `RecordStore`: it drains everything queued, writes all
/// queued appends with one `pwrite` and one `fdatasync` (group commit), then completes them.
/// Appends queued while a sync is in flight form the next batch, so throughput grows with
/// concurrency instead of being one sync per record.
///
/// A failed write or sync puts the store in its failed state: everything queued and everything
/// submitted later is refused, and the thread retries recovery with back-off (`LogWriter+Recovery`).
/// Completions never run inside `submit`: they run on this thread, or on `callbacks` for requests
/// refused at submission, so a caller may submit while holding a lock its completion takes.
final class LogWriter: Sendable {
    typealias AppendCompletion = @Sendable (Result<UInt64, StoreError>) -> Void
    typealias CompactCompletion = @Sendable (Result<Range<UInt64>, StoreError>) -> Void

    enum Work: Sendable {
        case append([UInt8], AppendCompletion)
        case compact([[UInt8]], CompactCompletion)

        func fail(_ error: StoreError) {
            switch self {
            case .append(_, let completion): completion(.failure(error))
            case .compact(_, let completion): completion(.failure(error))
            }
        }
    }

    struct Queue {
        var pending: [Work] = []
        var writerIdle = false
        var closing = false
        /// Set while failed: submissions are refused.
        var failure: StoreError?
        /// A simulated crash (`faultInjected`): the store never recovers from it.
        var crashed = false
        /// Requests refused during the current failure.
        var refused = 0
        var owner: RecordStore.Owner?
    }

    let queue = Mutex(Queue())
    let wakeup = DispatchSemaphore(value: 0)
    private let exited = DispatchSemaphore(value: 0)
    private let started = DispatchSemaphore(value: 0)
    /// The writer thread, until `shutdown` joins it (or, called on that thread, lets it go).
    private let thread = Mutex<SystemThread?>(nil)
    /// The writer thread's identity while it runs (cleared before it exits, so a later thread
    /// reusing the address is never mistaken for it).
    private let writerIdentity = Mutex<UInt?>(nil)
    let counters = Mutex(RecordStore.Stats())
    /// Runs the completions of requests refused at submission, and events not sent from the
    /// writer thread: never on the caller's thread.
    let callbacks = DispatchQueue(label: "twofold-store-callbacks")
    let log: ActiveLog
    let lock: DirectoryLock
    let layout: StoreLayout
    let codec: RecordCodec
    let options: RecordStore.Options

    init(
        log: ActiveLog, lock: DirectoryLock, layout: StoreLayout, codec: RecordCodec, options: RecordStore.Options,
        failure: StoreError? = nil
    ) {
        self.log = log
        self.lock = lock
        self.layout = layout
        self.codec = codec
        self.options = options
        if let failure {
            log.failure = failure
            queue.withLock { $0.failure = failure }
            counters.withLock { $0.failures = 1 }
        }
    }

    /// Starts the writer thread, named so an operator or a test finds it (`top -H`,
    /// /proc/<pid>/task/*/comm). Without a thread the store cannot write: `open` fails.
    func start() throws(SystemError) {
        let spawned = try SystemThread.spawn(name: Self.threadName) { [self] in
            writerIdentity.withLock { $0 = SystemThread.currentID }
            started.signal()
            run()
        }
        thread.withLock { $0 = spawned }
        started.wait()
    }

    /// The writer thread's name (at most 15 bytes, the kernel's limit).
    static let threadName = "store-writer"

    var stats: RecordStore.Stats { counters.withLock { $0 } }

    var isOnWriterThread: Bool {
        let current = SystemThread.currentID
        return writerIdentity.withLock { $0 == current }
    }

    var currentFailure: StoreError? { queue.withLock { $0.failure } }

    /// Queues `work`; when the store is closed or failed, fails it on `callbacks` instead.
    func submit(_ work: Work) {
        enum Outcome { case queued(wake: Bool), closed, failed(StoreError) }
        let outcome = queue.withLock { queue -> Outcome in
            if queue.closing { return .closed }
            if let failure = queue.failure {
                queue.refused += 1
                return .failed(failure)
            }
            queue.pending.append(work)
            let wake = queue.writerIdle
            queue.writerIdle = false
            return .queued(wake: wake)
        }
        switch outcome {
        case .queued(let wake):
            if wake { wakeup.signal() }
        case .closed:
            let error = StoreError(.closed, "the store is closed")
            callbacks.async { work.fail(error) }
        case .failed(let cause):
            counters.withLock { $0.refused += 1 }
            let error = Self.failed(after: cause)
            callbacks.async { work.fail(error) }
        }
    }

    /// The error a request gets while the store is failed (counting the refusal), or nil.
    func refusal() -> StoreError? {
        let cause = queue.withLock { queue -> StoreError? in
            guard let failure = queue.failure else { return nil }
            queue.refused += 1
            return failure
        }
        guard let cause else { return nil }
        counters.withLock { $0.refused += 1 }
        return Self.failed(after: cause)
    }

    func setOwner(_ owner: RecordStore.Owner) {
        let failure = queue.withLock { queue -> StoreError? in
            queue.owner = owner
            return queue.failure
        }
        if let failure { callbacks.async { owner.report(.failed(failure)) } }
    }

    /// Stops accepting work, lets the writer finish what is queued, and (unless called from the
    /// writer thread itself, which cannot wait for itself) waits until it has closed the files
    /// and its thread has finished.
    func shutdown() {
        let wake = queue.withLock { queue -> Bool in
            queue.closing = true
            let wake = queue.writerIdle
            queue.writerIdle = false
            return wake
        }
        if wake { wakeup.signal() }
        if isOnWriterThread {
            // It cannot wait for itself: it finishes on its own once this call returns.
            thread.withLock { $0.take() }?.detach()
            return
        }
        exited.wait()
        exited.signal()  // let any other thread waiting in shutdown through as well
        // Joined, so that when `close` returns the thread has also let go of this writer and of
        // what it holds: nothing is freed later, behind the caller's back. (A detached thread
        // freed them a moment after, so every open and close looked to libFuzzer like memory
        // kept in global state, and it stopped checking the store harness for leaks.)
        thread.withLock { $0.take() }?.join()
    }

    private enum Step {
        case process([Work])
        case sleep
        case recover
        case exit
    }

    private func run() {
        var recovery = RecoveryProgress(retry: options.retry)
        while true {
            let step = queue.withLock { queue -> Step in
                if !queue.pending.isEmpty {
                    let taken = queue.pending
                    queue.pending = []
                    return .process(taken)
                }
                if queue.closing { return .exit }
                queue.writerIdle = true
                return queue.failure != nil && !queue.crashed ? .recover : .sleep
            }
            switch step {
            case .exit:
                log.descriptor?.close()
                lock.release()
                writerIdentity.withLock { $0 = nil }
                exited.signal()
                return
            case .process(let batch):
                process(batch)
            case .sleep:
                wakeup.wait()
            case .recover:
                // Woken early only by `shutdown` (nothing is queued while failed).
                _ = wakeup.wait(timeout: .now() + .nanoseconds(Self.nanoseconds(recovery.retry.next())))
                let closing = queue.withLock { queue -> Bool in
                    queue.writerIdle = false
                    return queue.closing
                }
                if !closing { attemptRecovery(&recovery) }
            }
        }
    }

    private func process(_ work: [Work]) {
        var group: [([UInt8], AppendCompletion)] = []
        var groupBytes = 0
        for item in work {
            switch item {
            case .append(let payload, let completion):
                guard payload.count <= codec.maximumPayloadSize else {
                    completion(.failure(Self.tooLarge(payload.count, limit: codec.maximumPayloadSize)))
                    continue
                }
                let framed = payload.count + RecordCodec.frameHeaderSize
                if !group.isEmpty && groupBytes + framed > options.maximumBatchBytes {
                    commit(group)
                    group = []
                    groupBytes = 0
                }
                group.append((payload, completion))
                groupBytes += framed
            case .compact(let payloads, let completion):
                commit(group)
                group = []
                groupBytes = 0
                compact(payloads, completion: completion)
            }
        }
        commit(group)
    }

    /// One group commit: a single write and a single `fdatasync` for every record in `group`.
    private func commit(_ group: [([UInt8], AppendCompletion)]) {
        guard !group.isEmpty else { return }
        guard log.failure == nil, let descriptor = log.descriptor else {
            let error = Self.failed(after: log.failure ?? StoreError(.failed, "the log is not open"))
            for (_, completion) in group { completion(.failure(error)) }
            return
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(group.reduce(0) { $0 + $1.0.count + RecordCodec.frameHeaderSize })
        do throws(StoreError) {
            for (payload, _) in group { try codec.encode(payload, into: &bytes) }
        } catch {
            // Sizes were checked before batching, so this cannot happen; if it did, nothing was
            // written and the batch is refused as a whole.
            for (_, completion) in group { completion(.failure(error)) }
            return
        }
        do throws(StoreError) {
            try fault(.batchEncoded)
            try performIO("appending to the log") { () throws(SystemError) in
                try descriptor.write(bytes, at: log.length)
            }
            try fault(.batchWritten)
            try performIO("syncing the log") { () throws(SystemError) in try descriptor.synchronizeData() }
        } catch {
            // After a failed write or fsync the page cache and the disk may disagree (and a
            // retried fsync can falsely succeed), so the store refuses everything until recovery
            // has cut the log back to its acknowledged length and read it back.
            poison(error)
            for (_, completion) in group { completion(.failure(error)) }
            return
        }
        let first = log.nextSequence
        log.length += Int64(bytes.count)
        log.nextSequence += UInt64(group.count)
        counters.withLock { stats in
            stats.appends += group.count
            stats.fsyncs += 1
            stats.bytesWritten += bytes.count
        }
        for (index, (_, completion)) in group.enumerated() { completion(.success(first + UInt64(index))) }
    }

    /// Runs the fault hook: a `SystemError` it throws becomes that I/O failure (`.io`), anything
    /// else a simulated crash (`.faultInjected`).
    func fault(_ point: RecordStore.FaultPoint) throws(StoreError) {
        guard let hook = options.faultHook else { return }
        do {
            try hook(point)
        } catch let error as SystemError {
            throw StoreError.io(error, "injected failure at \(point.rawValue)")
        } catch {
            throw StoreError(.faultInjected, "fault hook stopped the store at \(point.rawValue)")
        }
    }

    /// Enters the failed state (or records a newer cause): fails everything queued, refuses
    /// everything submitted from now on, and tells the owner once. Writer thread only.
    func poison(_ error: StoreError) {
        log.failure = error
        let (drained, owner, first) = queue.withLock { queue -> ([Work], RecordStore.Owner?, Bool) in
            let first = queue.failure == nil
            queue.failure = error
            if error.code == .faultInjected { queue.crashed = true }
            let drained = queue.pending
            queue.pending = []
            queue.refused += drained.count
            return (drained, queue.owner, first)
        }
        counters.withLock { stats in
            if first { stats.failures += 1 }
            stats.refused += drained.count
        }
        let refusal = Self.failed(after: error)
        for work in drained { work.fail(refusal) }
        if first { owner?.report(.failed(error)) }
    }

    func recordCompaction(bytes: Int) {
        counters.withLock { stats in
            stats.fsyncs += 2
            stats.bytesWritten += bytes
            stats.compactions += 1
        }
    }

    static func failed(after cause: StoreError) -> StoreError {
        let retry = cause.code == .faultInjected ? "reopen the store" : "retrying in the background"
        return StoreError(
            .failed, "the store is refusing writes after \(cause.code) (\(cause.detail)); \(retry)",
            systemError: cause.systemError)
    }

    static func tooLarge(_ size: Int, limit: Int) -> StoreError {
        StoreError(.recordTooLarge, "record of \(size) bytes exceeds the \(limit)-byte limit")
    }

    static func nanoseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let nanos = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !nanos.overflow, seconds >= 0 else { return seconds < 0 ? 0 : Int.max }
        let (total, overflow) = nanos.partialValue.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflow ? Int.max : Int(total)
    }
}
