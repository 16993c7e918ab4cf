import Synchronization
import TwofoldSystem

/// Collects what a run measures, from every task and loop thread: per scenario the iterations
/// that succeeded or failed and their latency (from the intended start in open loop), per
/// request name the round-trip time, and failures grouped by kind. Also a window since the last
/// progress line. One lock; recording is a few array increments.
public final class LoadRecorder: Sendable {
    public struct Snapshot: Sendable {
        public var iterations: [Scenario: LatencyHistogram] = [:]
        public var operations: [String: LatencyHistogram] = [:]
        public var succeeded: [Scenario: Int] = [:]
        public var failed: [Scenario: Int] = [:]
        public var errors: [String: Int] = [:]
        /// Driver-side failures (pool dry, too many in flight) among `failed`.
        public var driverFailures = 0
        /// One example message per error kind, for the report (never carries secrets).
        public var examples: [String: String] = [:]

        public var totalSucceeded: Int { succeeded.values.reduce(0, +) }
        public var totalFailed: Int { failed.values.reduce(0, +) }
    }

    private struct State {
        var total = Snapshot()
        var windowCount = 0
        var windowFailures = 0
        var window = LatencyHistogram()
        var recording = true
    }

    private let state = Mutex(State())

    public init() {}

    /// A finished iteration; `latency` in ns from its (intended) start.
    public func recordIteration(_ scenario: Scenario, latency: UInt64, error: LoadError?) {
        state.withLock { state in
            guard state.recording else { return }
            state.windowCount += 1
            if let error {
                state.total.failed[scenario, default: 0] += 1
                state.total.errors[error.kind, default: 0] += 1
                if state.total.examples[error.kind] == nil { state.total.examples[error.kind] = error.message }
                if error.isDriverSide { state.total.driverFailures += 1 }
                state.windowFailures += 1
            } else {
                state.total.succeeded[scenario, default: 0] += 1
                state.total.iterations[scenario, default: LatencyHistogram()].record(latency)
                state.window.record(latency)
            }
        }
    }

    /// One request's round trip (ns), filed under its name.
    public func recordOperation(_ name: String, latency: UInt64) {
        state.withLock { state in
            guard state.recording else { return }
            state.total.operations[name, default: LatencyHistogram()].record(latency)
        }
    }

    /// Forgets everything recorded so far (the setup's requests) and records again.
    public func reset() { state.withLock { $0 = State() } }

    /// Ignores everything recorded from now on (iterations still finishing after the deadline).
    public func stop() { state.withLock { $0.recording = false } }

    /// Everything recorded so far.
    public func snapshot() -> Snapshot { state.withLock { $0.total } }

    /// Iterations, failures and the latency histogram since the last call.
    public func takeWindow() -> (count: Int, failures: Int, latency: LatencyHistogram) {
        state.withLock { state in
            defer {
                state.windowCount = 0
                state.windowFailures = 0
                state.window = LatencyHistogram()
            }
            return (state.windowCount, state.windowFailures, state.window)
        }
    }
}
