import Foundation

/// Runs `body` repeatedly for about `seconds` and returns nanoseconds per call (best of 3 rounds,
/// to keep a noisy neighbour's burst out of the figure).
func nanosecondsPerCall(seconds: Double = 0.5, _ body: () -> Void) -> Double {
    var best = Double.infinity
    for _ in 0..<3 {
        var calls = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var now = start
        while Double(now - start) < seconds * 1e9 {
            for _ in 0..<100 { body() }
            calls += 100
            now = DispatchTime.now().uptimeNanoseconds
        }
        best = min(best, Double(now - start) / Double(calls))
    }
    return best
}

func row(_ cells: String...) { print("| " + cells.joined(separator: " | ") + " |") }

func formatted(_ value: Double, decimals: Int = 0) -> String { String(format: "%.\(decimals)f", value) }

/// Keeps the optimiser from deleting benchmarked work.
@inline(never) func blackHole<T>(_ value: T) { withExtendedLifetime(value) {} }
