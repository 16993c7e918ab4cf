/// A task scheduled on an event loop for a deadline; cancel it before it fires to drop it.
public struct ScheduledTask: Sendable {
    let loop: EventLoop
    let id: TimerID
    public let deadline: Deadline

    /// Removes the task if it has not run yet. Returns true if this call cancelled it, false if
    /// it already ran (or is running) or was cancelled before. Any thread.
    @discardableResult
    public func cancel() -> Bool { loop.cancelTimer(id) }
}

extension EventLoop {
    /// Runs `task` on the loop thread once the loop's clock reaches `deadline`. Tasks with
    /// equal deadlines run in scheduling order. Any thread.
    @discardableResult
    public func scheduleTask(deadline: Deadline, _ task: @escaping @Sendable () -> Void) -> ScheduledTask {
        ScheduledTask(loop: self, id: addTimer(task, at: deadline), deadline: deadline)
    }

    /// Runs `task` on the loop thread after `delay` by the loop's clock. Any thread.
    @discardableResult
    public func scheduleTask(in delay: Duration, _ task: @escaping @Sendable () -> Void) -> ScheduledTask {
        scheduleTask(deadline: clock.now() + delay, task)
    }
}

/// One timer for a loop-confined connection whose deadline keeps moving (idle, frame, request,
/// write stall), re-armed lazily: moving the deadline later, the common case (each read or
/// keep-alive request pushes the idle deadline), leaves the armed timer alone; when it fires early,
/// its owner arms it again for the deadline it wants by then. So a busy connection costs no timer
/// operations per request. The HTTP and the wire connections share it.
public struct DeadlineTimer {
    private var task: ScheduledTask?

    public init() {}

    /// Whether the timer already fires by `deadline`, so arming it again is not needed.
    public func isArmed(by deadline: Deadline) -> Bool {
        guard let task else { return false }
        return task.deadline <= deadline
    }

    /// Runs `fire` at `deadline` instead of whatever was armed. Callers first ask `isArmed(by:)`,
    /// so a deadline that only moved later costs nothing, not even building `fire`.
    public mutating func arm(at deadline: Deadline, on loop: EventLoop, _ fire: @escaping @Sendable () -> Void) {
        task?.cancel()
        task = loop.scheduleTask(deadline: deadline, fire)
    }

    /// Called first when the timer fires: nothing is armed any more.
    public mutating func fired() { task = nil }

    /// Cancels what is armed (on close).
    public mutating func cancel() {
        task?.cancel()
        task = nil
    }
}
