import TwofoldSystem
import TwofoldWire

/// The result of a run: what was asked, what happened, and whether it passes the error-rate
/// threshold. Rendered as text for people and as JSON (`--json`) for scripts; the JSON keys are
/// stable (documented in `docs/BENCHMARKS.md`).
public struct LoadSummary: Sendable {
    public struct Percentiles: Sendable, Equatable {
        public let count: UInt64
        /// Milliseconds.
        public let p50, p90, p99, p999, max, mean: Double

        public init(_ histogram: LatencyHistogram) {
            count = histogram.count
            func ms(_ nanoseconds: UInt64) -> Double { Double(nanoseconds) / 1e6 }
            p50 = ms(histogram.value(atQuantile: 0.5))
            p90 = ms(histogram.value(atQuantile: 0.9))
            p99 = ms(histogram.value(atQuantile: 0.99))
            p999 = ms(histogram.value(atQuantile: 0.999))
            max = ms(histogram.maximum)
            mean = histogram.mean / 1e6
        }

        var json: JSONValue {
            .object([
                "count": .integer(Int64(count)), "p50_ms": Self.rounded(p50), "p90_ms": Self.rounded(p90),
                "p99_ms": Self.rounded(p99), "p99_9_ms": Self.rounded(p999), "max_ms": Self.rounded(max),
                "mean_ms": Self.rounded(mean),
            ])
        }

        /// Microsecond precision is all a ≤1 % histogram carries.
        static func rounded(_ value: Double) -> JSONValue { .double((value * 1000).rounded() / 1000) }
    }

    public let scenario: String
    public let mix: String
    /// `closed` or `open`.
    public let mode: String
    public let concurrency: Int?
    public let rate: Double?
    public let seconds: Double
    public let succeeded: Int
    public let failed: Int
    public let driverFailures: Int
    public let latency: Percentiles
    public let scenarios: [Scenario: Percentiles]
    public let operations: [String: Percentiles]
    public let errors: [String: Int]
    public let examples: [String: String]
    public let pools: [String: Int]
    public let warnings: [String]
    public let maxErrorRate: Double

    public init(
        options: LoadOptions, snapshot: LoadRecorder.Snapshot, seconds: Double, pools: [String: Int],
        warnings: [String]
    ) {
        scenario = options.scenarioName
        mix = options.mix.description
        switch options.mode {
        case .closed(let concurrency):
            mode = "closed"
            self.concurrency = concurrency
            rate = nil
        case .open(let rate):
            mode = "open"
            concurrency = nil
            self.rate = rate
        }
        self.seconds = seconds
        succeeded = snapshot.totalSucceeded
        failed = snapshot.totalFailed
        driverFailures = snapshot.driverFailures
        var all = LatencyHistogram()
        for histogram in snapshot.iterations.values { all.merge(histogram) }
        latency = Percentiles(all)
        scenarios = snapshot.iterations.mapValues(Percentiles.init)
        operations = snapshot.operations.mapValues(Percentiles.init)
        errors = snapshot.errors
        examples = snapshot.examples
        self.pools = pools
        self.warnings = warnings
        maxErrorRate = options.maxErrorRate
    }

    public var errorRate: Double { succeeded + failed == 0 ? 0 : Double(failed) / Double(succeeded + failed) }
    /// Successful iterations per second.
    public var throughput: Double { seconds > 0 ? Double(succeeded) / seconds : 0 }
    /// False when the error rate is above the threshold, or nothing succeeded.
    public var passed: Bool { errorRate <= maxErrorRate && succeeded > 0 }

    public var json: JSONValue {
        var fields: [String: JSONValue] = [
            "scenario": .string(scenario), "mix": .string(mix), "mode": .string(mode),
            "duration_s": Percentiles.rounded(seconds), "succeeded": .integer(Int64(succeeded)),
            "failed": .integer(Int64(failed)), "driver_failures": .integer(Int64(driverFailures)),
            "throughput_per_s": .double((throughput * 10).rounded() / 10),
            "error_rate": .double((errorRate * 1e6).rounded() / 1e6), "max_error_rate": .double(maxErrorRate),
            "passed": .bool(passed), "latency": latency.json,
            "scenarios": .object(Dictionary(uniqueKeysWithValues: scenarios.map { ($0.key.rawValue, $0.value.json) })),
            "operations": .object(operations.mapValues(\.json)),
            "errors": .object(errors.mapValues { .integer(Int64($0)) }),
            "pools": .object(pools.mapValues { .integer(Int64($0)) }),
            "warnings": .array(warnings.map { .string($0) }),
        ]
        fields["concurrency"] = concurrency.map { .integer(Int64($0)) } ?? .null
        fields["rate_per_s"] = rate.map { .double($0) } ?? .null
        return .object(fields)
    }

    /// The report printed at the end of a run.
    public var text: String {
        var lines: [String] = []
        let load = concurrency.map { "closed loop, \($0) virtual users" } ?? "open loop, \(Self.number(rate ?? 0))/s"
        lines.append(
            "load-driver: \(scenario == "mixed" ? "mixed (\(mix))" : scenario), \(load), \(Self.number(seconds)) s")
        lines.append(
            "  iterations  \(succeeded) ok, \(failed) failed (\(Self.number(errorRate * 100)) %), "
                + "\(Self.number(throughput))/s")
        lines.append("  latency     " + Self.line(latency) + (mode == "open" ? "  (from intended start)" : ""))
        let rows =
            scenarios.count > 1 ? scenarios.sorted { $0.key < $1.key }.map { ($0.key.rawValue, $0.value) } : []
        let operationRows = operations.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        if !rows.isEmpty || !operationRows.isEmpty {
            let width = (rows + operationRows).map(\.0.count).max() ?? 0
            if !rows.isEmpty { lines.append("  per scenario:") }
            for (name, value) in rows { lines.append("    " + Self.pad(name, width) + "  " + Self.line(value)) }
            lines.append("  per request (round trip):")
            for (name, value) in operationRows {
                lines.append("    " + Self.pad(name, width) + "  " + Self.line(value))
            }
        }
        if !errors.isEmpty {
            lines.append("  errors:")
            for (kind, count) in errors.sorted(by: { $0.value > $1.value }) {
                lines.append("    \(count)  \(kind)" + (examples[kind].map { " — \($0)" } ?? ""))
            }
        }
        for warning in warnings { lines.append("  warning: \(warning)") }
        if !passed {
            lines.append(
                "  FAILED: error rate \(Self.number(errorRate * 100)) % is above \(Self.number(maxErrorRate * 100)) %"
                    + (succeeded == 0 ? " (nothing succeeded)" : ""))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func line(_ value: Percentiles) -> String {
        "n=\(value.count)  p50 \(ms(value.p50))  p90 \(ms(value.p90))  p99 \(ms(value.p99))  "
            + "p99.9 \(ms(value.p999))  max \(ms(value.max))"
    }

    static func ms(_ value: Double) -> String { value < 1 ? "\(number(value * 1000)) µs" : "\(number(value)) ms" }

    /// Three significant figures, no exponent.
    static func number(_ value: Double) -> String {
        let decimals = value >= 100 ? 0 : value >= 10 ? 1 : 2
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        if decimals == 0 { return String(Int64(rounded)) }
        let text = String(rounded)
        guard let dot = text.firstIndex(of: ".") else { return text }
        let fraction = text[text.index(after: dot)...]
        return String(text[..<dot]) + "." + fraction.prefix(decimals)
            + String(repeating: "0", count: max(0, decimals - fraction.count))
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
}
