import Dispatch
import Foundation
import Synchronization
import TwofoldSystem

/// The active log's mutable state. Only the writer thread touches it once started; `open`
/// fills it before the thread starts and the thread closes it before signalling its exit.
final class ActiveLog: @unchecked Sendable {
    var descriptor: FileDescriptor
    /// Bytes of intact data: where the next batch is written.
    var length: Int64
    var nextSequence: UInt64
    /// Set when a write or sync failed: durability is no longer known, so nothing more is done.
    var failure: StoreError?

    init(descriptor: FileDescriptor, length: Int64, nextSequence: UInt64) {
        self.descriptor = descriptor
        self.length = length
        self.nextSequence = nextSequence
    }
}

/// The dedicated writer thread behind `RecordStore`: it drains everything queued, writes all
/// queued appends with one `pwrite` and one `fdatasync` (group commit), then completes them.
/// Appends queued while a sync is in flight form the next batch, so throughput grows with
/// concurrency instead of being one sync per record.
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

    private struct Queue {
        var pending: [Work] = []
        var writerIdle = false
        var closing = false
        var failure: StoreError?
    }

    private let queue = Mutex(Queue())
    private let wakeup = DispatchSemaphore(value: 0)
    private let exited = DispatchSemaphore(value: 0)
    private let started = DispatchSemaphore(value: 0)
    /// The writer thread's identity while it runs (cleared before it exits, so a later thread
    /// reusing the address is never mistaken for it).
    private let writerIdentity = Mutex<ObjectIdentifier?>(nil)
    private let counters = Mutex(RecordStore.Stats())
    let log: ActiveLog
    let lock: FileDescriptor
    let layout: StoreLayout
    let codec: RecordCodec
    let options: RecordStore.Options

    init(log: ActiveLog, lock: FileDescriptor, layout: StoreLayout, codec: RecordCodec, options: RecordStore.Options) {
        self.log = log
        self.lock = lock
        self.layout = layout
        self.codec = codec
        self.options = options
    }

    func start() {
        let writer = Thread { [self] in
            writerIdentity.withLock { $0 = ObjectIdentifier(Thread.current) }
            started.signal()
            run()
        }
        writer.name = "twofold-store-writer"
        writer.start()
        started.wait()
    }

    var stats: RecordStore.Stats { counters.withLock { $0 } }

    var isOnWriterThread: Bool {
        let current = ObjectIdentifier(Thread.current)
        return writerIdentity.withLock { $0 == current }
    }

    /// Queues `work`, or fails it on the calling thread when the store is closed or failed.
    func submit(_ work: Work) {
        enum Outcome { case queued(wake: Bool), rejected(StoreError) }
        let outcome = queue.withLock { queue -> Outcome in
            if queue.closing { return .rejected(StoreError(.closed, "the store is closed")) }
            if let failure = queue.failure { return .rejected(Self.failed(after: failure)) }
            queue.pending.append(work)
            let wake = queue.writerIdle
            queue.writerIdle = false
            return .queued(wake: wake)
        }
        switch outcome {
        case .queued(let wake): if wake { wakeup.signal() }
        case .rejected(let error): work.fail(error)
        }
    }

    /// Stops accepting work, lets the writer finish what is queued, and (unless called from the
    /// writer thread itself, which cannot wait for itself) waits until it has closed the files.
    func shutdown() {
        let wake = queue.withLock { queue -> Bool in
            queue.closing = true
            let wake = queue.writerIdle
            queue.writerIdle = false
            return wake
        }
        if wake { wakeup.signal() }
        if isOnWriterThread { return }
        exited.wait()
        exited.signal()  // let any other thread waiting in shutdown through as well
    }

    private func run() {
        while true {
            let batch = queue.withLock { queue -> [Work]? in
                if queue.pending.isEmpty {
                    if queue.closing { return nil }
                    queue.writerIdle = true
                    return []
                }
                let taken = queue.pending
                queue.pending = []
                return taken
            }
            guard let batch else { break }
            if batch.isEmpty {
                wakeup.wait()
                continue
            }
            process(batch)
        }
        log.descriptor.close()
        lock.close()
        writerIdentity.withLock { $0 = nil }
        exited.signal()
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
        if let failure = log.failure {
            for (_, completion) in group { completion(.failure(Self.failed(after: failure))) }
            return
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(group.reduce(0) { $0 + $1.0.count + RecordCodec.frameHeaderSize })
        for (payload, _) in group {
            do {
                try codec.encode(payload, into: &bytes)
            } catch {
                preconditionFailure("payload size was checked before batching")
            }
        }
        do throws(StoreError) {
            try fault(.batchEncoded)
            try performIO("appending to the log") { () throws(SystemError) in
                try log.descriptor.write(bytes, at: log.length)
            }
            try fault(.batchWritten)
            try performIO("syncing the log") { () throws(SystemError) in try log.descriptor.synchronizeData() }
        } catch {
            // After a failed write or fsync the page cache and the disk may disagree (and a
            // retried fsync can falsely succeed), so the store stops rather than guess.
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

    /// Runs the fault hook; its error becomes `.faultInjected`.
    func fault(_ point: RecordStore.FaultPoint) throws(StoreError) {
        guard let hook = options.faultHook else { return }
        do {
            try hook(point)
        } catch {
            throw StoreError(.faultInjected, "fault hook stopped the store at \(point.rawValue)")
        }
    }

    /// Marks the store failed: every later request is refused with `.failed`.
    func poison(_ error: StoreError) {
        log.failure = error
        queue.withLock { $0.failure = error }
    }

    func recordCompaction(bytes: Int) {
        counters.withLock { stats in
            stats.fsyncs += 2
            stats.bytesWritten += bytes
            stats.compactions += 1
        }
    }

    static func failed(after cause: StoreError) -> StoreError {
        StoreError(.failed, "an earlier write failed (\(cause.code)); reopen the store", systemError: cause.systemError)
    }

    static func tooLarge(_ size: Int, limit: Int) -> StoreError {
        StoreError(.recordTooLarge, "record of \(size) bytes exceeds the \(limit)-byte limit")
    }
}
