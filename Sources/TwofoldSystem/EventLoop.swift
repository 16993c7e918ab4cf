internal import CLinuxSystem
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// One thread multiplexing many non-blocking descriptors with epoll, plus timers and tasks
/// submitted from other threads.
///
/// **Level-triggered.** A handler is called again on the next iteration for as long as its
/// descriptor stays ready, so a handler may read a bounded amount per call (fairness across
/// connections) without losing a wake-up; in exchange it must remove write interest once its
/// output is flushed and must close or deregister on `hangup`/`error`, or it will spin.
///
/// **Threading.** `execute`, `submit`, `scheduleTask`, `stop` and `ScheduledTask.cancel` work
/// from any thread. Registering descriptors and everything a handler does happen on the loop
/// thread only (a `precondition` checks it): that single owner is why handlers need no locks.
///
/// Each iteration: wait for events (timeout = next timer, or 0 if tasks are queued), call the
/// handlers, run due timers in deadline order, then run the queued tasks in submission order.
public final class EventLoop: @unchecked Sendable, CustomStringConvertible {
    // @unchecked: `registrations` and `nextToken` are touched only on the loop thread (checked
    // by `assertInEventLoop`); everything shared sits in `shared` behind a Mutex.

    /// The clock the loop's timers are measured against.
    public let clock: any MonotonicClock
    public let name: String

    private let epoll: Epoll
    private let wakeup: EventFD
    private let maxEventsPerWait: Int
    private let shared: Mutex<SharedState>
    private let loopThreadID = Atomic<UInt>(0)

    struct Entry {
        let descriptor: FileDescriptor
        var interest: IOEvents
        let handler: (IOEvents) -> Void
    }

    /// Loop-thread-only: live registrations by token. Token 0 is the wake-up eventfd.
    var registrations: [UInt64: Entry] = [:]
    var nextToken: UInt64 = 1

    private enum Lifecycle {
        case idle, running, finished
    }

    private struct SharedState {
        var tasks: [@Sendable () -> Void] = []
        var timers = TimerQueue<@Sendable () -> Void>()
        /// True while an eventfd write is outstanding; avoids one write per `execute`.
        var wakeupPending = false
        var stopRequested = false
        var lifecycle = Lifecycle.idle
        var thread: SystemThread?
    }

    /// Creates a loop; nothing runs until `run()` or `start()`.
    public init(
        name: String = "event-loop", clock: any MonotonicClock = SystemMonotonicClock(), maxEventsPerWait: Int = 256
    ) throws(SystemError) {
        precondition(maxEventsPerWait > 0, "maxEventsPerWait must be positive")
        self.name = name
        self.clock = clock
        self.maxEventsPerWait = maxEventsPerWait
        epoll = try Epoll()
        wakeup = try EventFD()
        shared = Mutex(SharedState())
        try epoll.add(wakeup.descriptor.rawValue, mask: IOEvents.readable.epollMask, token: 0)
    }

    /// True on the thread currently running this loop.
    public var inEventLoop: Bool {
        let id = loopThreadID.load(ordering: .acquiring)
        return id != 0 && id == pthread_self()
    }

    func assertInEventLoop(_ function: StaticString = #function) {
        precondition(inEventLoop, "\(function) must be called on the event loop's thread")
    }

    /// Runs `task` on the loop thread soon, after the current iteration's I/O. Tasks run in
    /// submission order. Tasks submitted once the loop has finished are dropped.
    public func execute(_ task: @escaping @Sendable () -> Void) {
        _ = enqueue(task)
    }

    /// Runs `body` on the loop thread and returns its result to the awaiting caller. Throws
    /// `ECANCELED` if the loop has already finished.
    public func submit<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let accepted = enqueue { continuation.resume(with: Result { try body() }) }
            if !accepted {
                continuation.resume(throwing: SystemError(call: "EventLoop.submit", errno: ECANCELED))
            }
        }
    }

    /// Asks the loop to return from `run()` after the current iteration. Any thread; idempotent.
    public func stop() {
        let needsWakeup = shared.withLock { state -> Bool in
            state.stopRequested = true
            return markWakeupPending(&state)
        }
        if needsWakeup { wake() }
    }

    /// Runs the loop on a new dedicated thread.
    public func start() throws(SystemError) {
        let thread = try SystemThread.spawn(name: name) { [self] in run() }
        shared.withLock { $0.thread = thread }
    }

    /// Stops the loop and, if it was started with `start()`, waits for its thread to exit.
    /// Must not be called on the loop thread (it would wait for itself).
    public func shutdownGracefully() {
        precondition(!inEventLoop, "shutdownGracefully() would deadlock on the loop thread")
        stop()
        let thread = shared.withLock { state -> SystemThread? in
            defer { state.thread = nil }
            return state.thread
        }
        thread?.join()
    }

    /// Runs the loop on the calling thread until `stop()`. Callable once per loop.
    ///
    /// Blocks SIGTERM/SIGINT/SIGHUP on this thread (see `SignalHandler`): a loop thread must
    /// never be interrupted by an asynchronous signal handler, and signals reach it via signalfd.
    /// On exit, tasks already queued are run once (so `submit` callers resume), pending timers
    /// are dropped and all registrations are forgotten (their descriptors are not closed).
    public func run() {
        shared.withLock { state in
            precondition(state.lifecycle == .idle, "EventLoop.run() called twice")
            state.lifecycle = .running
        }
        loopThreadID.store(pthread_self(), ordering: .releasing)
        try? SignalHandler.block(Signal.handledSignals)

        let events = UnsafeMutableBufferPointer<epoll_event>.allocate(capacity: maxEventsPerWait)
        defer { events.deallocate() }
        while true {
            let now = clock.now()
            let (timeout, stopRequested) = shared.withLock { state in
                (state.tasks.isEmpty ? state.timers.pollTimeout(now: now) : 0, state.stopRequested)
            }
            if stopRequested { break }
            let count: Int
            do {
                count = try epoll.wait(into: events, timeoutMilliseconds: timeout)
            } catch {
                preconditionFailure("epoll_wait failed on a valid epoll descriptor: \(error)")
            }
            for index in 0..<count {
                dispatch(token: events[index].data.u64, mask: events[index].events)
            }
            runDueTimers()
            runQueuedTasks()
        }

        let leftovers = shared.withLock { state -> [@Sendable () -> Void] in
            state.lifecycle = .finished
            state.timers = TimerQueue()
            defer { state.tasks = [] }
            return state.tasks
        }
        for task in leftovers { task() }
        registrations.removeAll()
        loopThreadID.store(0, ordering: .releasing)
    }

    public var description: String { "EventLoop(\(name))" }

    // MARK: Internals shared with the extensions.

    /// Queues `task`; false if the loop has finished and will never run it.
    func enqueue(_ task: @escaping @Sendable () -> Void) -> Bool {
        let onLoop = inEventLoop
        let (accepted, needsWakeup) = shared.withLock { state -> (Bool, Bool) in
            guard state.lifecycle != .finished else { return (false, false) }
            state.tasks.append(task)
            return (true, onLoop ? false : markWakeupPending(&state))
        }
        if needsWakeup { wake() }
        return accepted
    }

    func addTimer(_ task: @escaping @Sendable () -> Void, at deadline: Deadline) -> TimerID {
        let onLoop = inEventLoop
        let (id, needsWakeup) = shared.withLock { state -> (TimerID, Bool) in
            let id = state.timers.schedule(task, at: deadline)
            // Off the loop thread the loop may be asleep with a longer timeout: wake it to recompute.
            return (id, onLoop ? false : markWakeupPending(&state))
        }
        if needsWakeup { wake() }
        return id
    }

    func cancelTimer(_ id: TimerID) -> Bool {
        shared.withLock { $0.timers.cancel(id) != nil }
    }

    var epollInstance: Epoll { epoll }

    // MARK: Private.

    private func markWakeupPending(_ state: inout SharedState) -> Bool {
        guard !state.wakeupPending else { return false }
        state.wakeupPending = true
        return true
    }

    private func wake() {
        do { try wakeup.signal() } catch { preconditionFailure("eventfd write failed: \(error)") }
    }

    private func dispatch(token: UInt64, mask: UInt32) {
        if token == 0 {
            try? wakeup.drain()
            return
        }
        // A handler earlier in this batch may have deregistered this token: skip the stale event.
        guard let entry = registrations[token] else { return }
        entry.handler(IOEvents(epollMask: mask))
    }

    private func runDueTimers() {
        let now = clock.now()
        let due = shared.withLock { $0.timers.popExpired(now: now) }
        for task in due { task() }
    }

    private func runQueuedTasks() {
        let tasks = shared.withLock { state -> [@Sendable () -> Void] in
            state.wakeupPending = false
            defer { state.tasks = [] }
            return state.tasks
        }
        for task in tasks { task() }
    }
}
