import Glibc
import Synchronization
import Testing

@testable import TwofoldSystem

/// A service that logs its lifecycle and misbehaves on request.
private struct ProbeService: Service {
    enum ShutdownBehaviour: Sendable {
        case complete, fail, hangUntilCancelled
    }

    let name: String
    let log: Recorder<String>
    var failToStart = false
    var shutdownBehaviour = ShutdownBehaviour.complete
    var started: Latch? = nil
    var stopping: Latch? = nil
    var cancelled: Latch? = nil

    func start(context: ServiceContext) async throws {
        log.append("start \(name)")
        if failToStart { throw ProbeError(name: name) }
        started?.signal()
    }

    func shutdown(deadline: Deadline) async throws {
        log.append("stop \(name)")
        stopping?.signal()
        switch shutdownBehaviour {
        case .complete: return
        case .fail: throw ProbeError(name: name)
        case .hangUntilCancelled:
            do {
                try await Task.sleep(for: .seconds(3600))
            } catch {
                log.append("cancelled \(name)")
                cancelled?.signal()
                throw error
            }
        }
    }
}

private struct ProbeError: Error, Equatable {
    let name: String
}

/// Holds a service's context so a test can report a failure through it.
private final class ContextHolder: Sendable {
    let context = Mutex<ServiceContext?>(nil)
}

@Suite(.timeLimit(.minutes(1))) struct ServiceGroupTests {
    /// A grace period no test outlasts on the real clock: shutdown tasks are scheduled on the
    /// cooperative pool, which other tests may keep busy for seconds; only the manual-clock test
    /// below lets the grace period run out.
    static let unboundedGrace: Duration = .seconds(3600)

    @Test func triggeredShutdown_stopsServicesInReverseStartOrder() async throws {
        try await withLoop(name: "group-loop") { loop in
            let log = Recorder<String>()
            let started = Latch(count: 3)
            let services = ["a", "b", "c"].map { ProbeService(name: $0, log: log, started: started) }
            let group = ServiceGroup(services: services, loop: loop, gracePeriod: Self.unboundedGrace, signals: [])
            let running = Task { try await group.run() }
            await started.wait()
            group.triggerGracefulShutdown()
            try await running.value
            #expect(log.values == ["start a", "start b", "start c", "stop c", "stop b", "stop a"])
        }
    }

    @Test func sigterm_triggersGracefulShutdown() async throws {
        try await withLoop(name: "group-loop") { loop in
            let log = Recorder<String>()
            let started = Latch(count: 2)
            let services = ["a", "b"].map { ProbeService(name: $0, log: log, started: started) }
            let group = ServiceGroup(services: services, loop: loop, gracePeriod: Self.unboundedGrace)
            let running = Task { try await group.run() }
            await started.wait()
            // Raised on the loop thread, where SIGTERM is blocked: it reaches the group's signalfd.
            loop.execute { raise(SIGTERM) }
            try await running.value
            #expect(log.values == ["start a", "start b", "stop b", "stop a"])
            #expect(try await loop.submit { loop.registrationCount } == 0)  // signal handler removed
        }
    }

    @Test func reportedFailure_stopsEverythingAndIsRethrown() async throws {
        try await withLoop(name: "group-loop") { loop in
            let log = Recorder<String>()
            let holder = ContextHolder()
            let started = Latch(count: 2)
            let services: [any Service] = [
                ProbeService(name: "a", log: log, started: started),
                FailingLaterService(name: "b", holder: holder, started: started),
            ]
            let group = ServiceGroup(services: services, loop: loop, gracePeriod: Self.unboundedGrace, signals: [])
            let running = Task { try await group.run() }
            await started.wait()
            holder.context.withLock { $0 }?.reportFailure(ProbeError(name: "b"))
            holder.context.withLock { $0 }?.reportFailure(ProbeError(name: "second failure is ignored"))
            let error = await #expect(throws: ProbeError.self) { try await running.value }
            #expect(error == ProbeError(name: "b"))
            #expect(log.values == ["start a", "stop a"])
        }
    }

    @Test func failedStart_stopsTheServicesAlreadyStartedAndSkipsTheRest() async throws {
        try await withLoop(name: "group-loop") { loop in
            let log = Recorder<String>()
            let services = [
                ProbeService(name: "a", log: log),
                ProbeService(name: "b", log: log, failToStart: true),
                ProbeService(name: "c", log: log),
            ]
            let group = ServiceGroup(services: services, loop: loop, gracePeriod: Self.unboundedGrace, signals: [])
            let error = await #expect(throws: ProbeError.self) { try await group.run() }
            #expect(error == ProbeError(name: "b"))
            #expect(log.values == ["start a", "start b", "stop a"])
        }
    }

    @Test func failedShutdown_isReportedButTheOtherServicesStillStop() async throws {
        try await withLoop(name: "group-loop") { loop in
            let log = Recorder<String>()
            let started = Latch(count: 2)
            let services = [
                ProbeService(name: "a", log: log, started: started),
                ProbeService(name: "b", log: log, shutdownBehaviour: .fail, started: started),
            ]
            let group = ServiceGroup(services: services, loop: loop, gracePeriod: Self.unboundedGrace, signals: [])
            let running = Task { try await group.run() }
            await started.wait()
            group.triggerGracefulShutdown()
            let error = await #expect(throws: ProbeError.self) { try await running.value }
            #expect(error == ProbeError(name: "b"))
            #expect(log.values == ["start a", "start b", "stop b", "stop a"])
        }
    }

    @Test func shutdownTriggeredBeforeRun_startsNothingAndReturns() async throws {
        try await withLoop(name: "group-loop") { loop in
            let log = Recorder<String>()
            let group = ServiceGroup(
                services: [ProbeService(name: "a", log: log)], loop: loop, gracePeriod: Self.unboundedGrace, signals: []
            )
            group.triggerGracefulShutdown()
            try await group.run()
            #expect(log.values.isEmpty)
        }
    }

    @Test func stuckShutdown_isAbandonedAtTheDeadline() async throws {
        let clock = ManualClock()
        try await withLoop(name: "group-loop", clock: clock) { loop in
            let log = Recorder<String>()
            let started = Latch(count: 2)
            let stuckStopping = Latch()
            let firstStopped = Latch()
            let stuckCancelled = Latch()
            let services = [
                ProbeService(name: "a", log: log, started: started, stopping: firstStopped),
                ProbeService(
                    name: "b", log: log, shutdownBehaviour: .hangUntilCancelled, started: started,
                    stopping: stuckStopping,
                    cancelled: stuckCancelled),
            ]
            let group = ServiceGroup(services: services, loop: loop, gracePeriod: .seconds(10), signals: [])
            let running = Task { try await group.run() }
            await started.wait()
            group.triggerGracefulShutdown()
            await stuckStopping.wait()
            clock.advance(by: .seconds(9))
            loop.execute {}  // the loop re-reads the manual clock: not yet due
            _ = try await loop.submit { 0 }
            #expect(!log.values.contains("stop a"))
            clock.advance(by: .seconds(1))
            loop.execute {}
            let error = await #expect(throws: SystemError.self) { try await running.value }
            #expect(error?.errno == ETIMEDOUT)
            #expect(error?.call == "shutdown of service b")
            await firstStopped.wait()  // the remaining service is still told to stop
            await stuckCancelled.wait()  // and the stuck one is cancelled (asynchronously)
            #expect(log.values.contains("cancelled b"))
        }
    }

}

/// Starts normally and lets the test report a failure through its context later.
private struct FailingLaterService: Service {
    let name: String
    let holder: ContextHolder
    let started: Latch

    func start(context: ServiceContext) async throws {
        holder.context.withLock { $0 = context }
        started.signal()
    }

    func shutdown(deadline: Deadline) async throws {}
}
