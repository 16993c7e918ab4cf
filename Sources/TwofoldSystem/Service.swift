/// A long-running part of a daemon (a listener, a store, a worker pool) managed by a
/// `ServiceGroup`: started in order, shut down in reverse order.
public protocol Service: Sendable {
    /// For logs and errors (not secret).
    var name: String { get }

    /// Brings the service up and returns once it is serving (sockets bound, files open).
    /// Throwing aborts the group's start-up: services already started are shut down.
    /// Keep `context` to report a failure later (e.g. a listener that dies).
    func start(context: ServiceContext) async throws

    /// Stops the service: stop accepting, drain, flush, close. Should finish by `deadline`
    /// (the group's shared shutdown deadline, by the loop's clock), closing abruptly if it must;
    /// the group stops waiting at the deadline either way.
    func shutdown(deadline: Deadline) async throws
}

/// Handed to each service at start: how a running service tells its group to shut down.
public struct ServiceContext: Sendable {
    let group: ServiceGroup

    /// Reports that the service failed: the group shuts everything down and `run()` throws
    /// `error` (the first failure wins). Any thread.
    public func reportFailure(_ error: any Error) {
        group.trigger(failure: error)
    }

    /// Asks the group for a normal graceful shutdown. Any thread.
    public func requestShutdown() {
        group.triggerGracefulShutdown()
    }
}
