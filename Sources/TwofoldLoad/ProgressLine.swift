import Foundation

/// The live line on a terminal: elapsed time, iterations per second and p99 over the last
/// second, failures so far. Rewritten in place every second; cleared before the report.
final class ProgressLine: Sendable {
    let recorder: LoadRecorder

    init(recorder: LoadRecorder) { self.recorder = recorder }

    func run(until deadline: UInt64, clock: any LoadClock) async {
        let start = clock.monotonicNanoseconds
        var failures = 0
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            let window = recorder.takeWindow()
            failures += window.failures
            let now = clock.monotonicNanoseconds
            let elapsed = Double(now - start) / 1e9
            let total = max(0, Double(deadline) - Double(start)) / 1e9
            let p99 = LoadSummary.ms(Double(window.latency.value(atQuantile: 0.99)) / 1e6)
            let text =
                "\r\u{1B}[K  \(LoadSummary.number(min(elapsed, total)))/\(LoadSummary.number(total)) s  "
                + "\(window.count)/s  p99 \(p99)  failed \(failures)"
            FileHandle.standardError.write(Data(text.utf8))
        }
    }

    func clear() { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
}
