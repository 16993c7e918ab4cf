import Foundation
import Synchronization
import TwofoldSystem

/// A fixed set of dedicated threads for deliberately slow, CPU-bound work (password hashing),
/// with an admission limit: when `queueCapacity` jobs are already waiting, `submit` refuses at
/// once instead of queueing, so a login flood is answered 503 promptly and never starves the
/// event loops (which never run this work) or grows memory without bound.
public final class WorkerPool: Sendable {
    public let threadCount: Int
    public let queueCapacity: Int
    public let name: String

    private struct State {
        var queue: [@Sendable () -> Void] = []
        var head = 0
        var busy = 0
        var stopping = false
    }

    private let state = Mutex(State())
    /// One signal per queued job (and one per thread at shutdown).
    private let available = DispatchSemaphore(value: 0)
    private let exited = DispatchSemaphore(value: 0)

    /// The default thread count: one per online core.
    public static var defaultThreadCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Starts `threadCount` threads at once, named `name-0`, `name-1`… A thread that cannot be
    /// made (the process's limit) stops the ones already started and throws.
    public init(
        threadCount: Int = WorkerPool.defaultThreadCount, queueCapacity: Int = 64, name: String = "worker"
    ) throws(SystemError) {
        precondition(threadCount > 0 && queueCapacity >= 0, "a WorkerPool needs threads and a non-negative queue")
        self.threadCount = threadCount
        self.queueCapacity = queueCapacity
        self.name = name
        for index in 0..<threadCount {
            do {
                try SystemThread.detach(name: "\(name)-\(index)") { [self] in runWorker() }
            } catch {
                state.withLock { $0.stopping = true }
                for _ in 0..<index { available.signal() }
                for _ in 0..<index { exited.wait() }
                throw error
            }
        }
    }

    /// Jobs waiting for a thread (not counting the running ones).
    public var queueDepth: Int { state.withLock { $0.queue.count - $0.head } }

    /// Threads running a job right now.
    public var busyWorkers: Int { state.withLock { $0.busy } }

    /// Queues `work` for a worker thread. Throws `workerPoolOverloaded` when `queueCapacity` jobs
    /// are already waiting and every thread is busy, `workerPoolStopped` after `shutdown()`.
    public func submit(_ work: @escaping @Sendable () -> Void) throws(HTTPServerError) {
        let refusal = state.withLock { state -> HTTPServerError? in
            if state.stopping { return .workerPoolStopped() }
            let waiting = state.queue.count - state.head
            let idle = threadCount - state.busy - waiting
            if idle <= 0, waiting >= queueCapacity { return .workerPoolOverloaded() }
            state.queue.append(work)
            return nil
        }
        if let refusal { throw refusal }
        available.signal()
    }

    /// Refuses new work, lets the threads finish everything already queued, and waits for them.
    /// Not from a worker thread.
    public func shutdown() {
        let alreadyStopping = state.withLock { state -> Bool in
            defer { state.stopping = true }
            return state.stopping
        }
        guard !alreadyStopping else { return }
        for _ in 0..<threadCount { available.signal() }
        for _ in 0..<threadCount { exited.wait() }
    }

    private func runWorker() {
        while true {
            available.wait()
            let job = state.withLock { state -> (@Sendable () -> Void)? in
                guard state.head < state.queue.count else { return nil }
                let job = state.queue[state.head]
                state.head += 1
                if state.head == state.queue.count {
                    state.queue.removeAll(keepingCapacity: true)
                    state.head = 0
                } else if state.head >= 64, state.head * 2 >= state.queue.count {
                    state.queue.removeFirst(state.head)
                    state.head = 0
                }
                state.busy += 1
                return job
            }
            guard let job else {
                // Only shutdown signals without a job: stop once the queue is empty.
                if state.withLock({ $0.stopping }) { break }
                continue
            }
            job()
            state.withLock { $0.busy -= 1 }
        }
        exited.signal()
    }
}
