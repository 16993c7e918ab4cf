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
