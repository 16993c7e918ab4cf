import Foundation
import Synchronization
import TwofoldSystem

/// A whole run: connect, prepare the pools, drive the load for the duration (closed or open
/// loop), then summarise. `load-driver`'s `main` only parses the command line and calls `run`.
public enum LoadDriver {
    /// Exit statuses.
    public static let passed: Int32 = 0
    public static let tooManyErrors: Int32 = 1
    public static let usage: Int32 = 64
    public static let setupFailed: Int32 = 69

    /// Runs and reports; returns the exit status.
    public static func run(_ options: LoadOptions) async -> Int32 {
        let clients: LoadClients
        do {
            clients = try LoadClients(
                loops: options.loops, gateway: options.gateway, vaultSocket: options.vaultSocket,
                adminSocket: options.adminSocket, timeout: options.timeout)
        } catch {
            say("cannot start the event loops: \(error)")
            return setupFailed
        }
        defer { clients.shutdown() }
        let clock = SystemLoadClock()
        let recorder = LoadRecorder()
        let measured = ScenarioRunner(options: options, clients: clients, recorder: recorder, clock: clock)
        do {
            try await measured.prepare(say: { say($0) })
        } catch {
            say("setup failed: \(error)")
            return setupFailed
        }
        var warnings: [String] = []
        if let warning = options.poolWarning {
            say("warning: \(warning)")
            warnings.append(warning)
        }
        recorder.reset()
        let progress = options.progress && isatty(STDERR_FILENO) == 1 ? ProgressLine(recorder: recorder) : nil
        let start = clock.monotonicNanoseconds
        let deadline =
            start + UInt64(options.duration.components.seconds) * 1_000_000_000
            + UInt64(options.duration.components.attoseconds / 1_000_000_000)
        let progressTask = progress.map { line in Task { await line.run(until: deadline, clock: clock) } }
        switch options.mode {
        case .closed(let concurrency):
            await closedLoop(measured, concurrency: concurrency, deadline: deadline, clock: clock)
        case .open(let rate):
            await openLoop(
                measured, schedule: PacingSchedule(start: start, rate: rate), deadline: deadline, clock: clock)
        }
        recorder.stop()
        progressTask?.cancel()
        _ = await progressTask?.value
        progress?.clear()
        let seconds = Double(clock.monotonicNanoseconds - start) / 1e9
        for (pool, count) in measured.dryCheckouts.sorted(by: { $0.key < $1.key }) where count > 0 {
            switch options.mode {
            case .closed:
                warnings.append(
                    "the \(pool) pool ran dry \(count) times: virtual users waited for the next 30-s step, "
                        + "so the pool, not the server, limited throughput: pass a larger --users")
            case .open:
                warnings.append("the \(pool) pool ran dry \(count) times: pass a larger --users")
            }
        }
        let summary = LoadSummary(
            options: options, snapshot: recorder.snapshot(), seconds: seconds, pools: measured.poolSizes,
            warnings: warnings)
        FileHandle.standardOutput.write(Data(summary.text.utf8))
        if let path = options.jsonPath {
            let bytes = summary.json.jsonBytes + [UInt8(ascii: "\n")]
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
                say("cannot write \(path)")
                return setupFailed
            }
        }
        return summary.passed ? passed : tooManyErrors
    }

    /// N virtual users, each running iterations back to back until the deadline. A virtual user
    /// that finds its pool dry has sent nothing: it waits for the next 30-s step (or the
    /// deadline) and tries again, and the wait is not an iteration. Throughput then shows the
    /// pool's limit, and the summary warns (`dryCheckouts`); the server is not blamed for it.
    static func closedLoop(_ runner: ScenarioRunner, concurrency: Int, deadline: UInt64, clock: any LoadClock) async {
        let mix = runner.options.mix
        await withDiscardingTaskGroup { group in
            for _ in 0..<concurrency {
                group.addTask {
                    while clock.monotonicNanoseconds < deadline {
                        let scenario = mix.pick(Int.random(in: 0..<mix.totalWeight))
                        let started = clock.monotonicNanoseconds
                        let error = await runner.run(scenario)
                        if let error, error.isPoolExhausted {
                            await waitForNextStep(clock: clock, deadline: deadline)
                            continue
                        }
                        runner.recorder.recordIteration(
                            scenario, latency: clock.monotonicNanoseconds - started, error: error)
                    }
                }
            }
        }
    }

    /// Arrivals on the schedule, whatever the answers do; each iteration's latency runs from its
    /// intended start. Beyond `maxInFlight` outstanding iterations, arrivals fail as overloaded
    /// (still counted: the server could not keep up, or the driver could not).
    static func openLoop(_ runner: ScenarioRunner, schedule: PacingSchedule, deadline: UInt64, clock: any LoadClock)
        async
    {
        let mix = runner.options.mix
        let maxInFlight = runner.options.maxInFlight
        let inFlight = InFlightCounter()
        await withDiscardingTaskGroup { group in
            var sent = 0
            while true {
                let now = clock.monotonicNanoseconds
                guard now < deadline else { break }
                for index in schedule.due(at: now, alreadySent: sent) {
                    let intended = schedule.intendedTime(of: index)
                    let scenario = mix.pick(Int.random(in: 0..<mix.totalWeight))
                    let runner = runner
                    if inFlight.count.load(ordering: .relaxed) >= maxInFlight {
                        runner.recorder.recordIteration(
                            scenario, latency: 0,
                            error: .overloaded("more than \(maxInFlight) iterations outstanding (--max-in-flight)"))
                        continue
                    }
                    inFlight.count.add(1, ordering: .relaxed)
                    group.addTask {
                        let error = await runner.run(scenario)
                        let latency = PacingSchedule.correctedLatency(
                            intended: intended, completed: clock.monotonicNanoseconds)
                        runner.recorder.recordIteration(scenario, latency: latency, error: error)
                        inFlight.count.subtract(1, ordering: .relaxed)
                    }
                }
                sent = schedule.dueCount(at: now)
                let wait = min(schedule.delay(until: sent, from: clock.monotonicNanoseconds), deadline - now)
                if wait > 0 { try? await Task.sleep(for: .nanoseconds(Int64(wait))) }
            }
        }
    }

    static func waitForNextStep(clock: any LoadClock, deadline: UInt64) async {
        let intoStep = clock.unixMilliseconds % (TimeStepRule.period * 1000)
        let untilStep = UInt64(TimeStepRule.period * 1000 - intoStep) * 1_000_000
        let now = clock.monotonicNanoseconds
        let wait = min(untilStep, deadline > now ? deadline - now : 0)
        if wait > 0 { try? await Task.sleep(for: .nanoseconds(Int64(wait))) }
    }

    static func say(_ message: String) {
        FileHandle.standardError.write(Data("load-driver: \(message)\n".utf8))
    }
}

/// Open-loop iterations outstanding (a class: an `Atomic` cannot be captured by the tasks).
final class InFlightCounter: Sendable {
    let count = Atomic<Int>(0)
}
