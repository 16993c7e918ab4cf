import Dispatch

/// One fuzz target: a named function from arbitrary bytes to "the invariants held".
///
/// The same harness runs under libFuzzer (the driver package in `Fuzz/`, built by
/// `scripts/fuzz.sh`) and in `swift test`, which replays the committed corpus and regression
/// inputs of every harness, so a fixed crash stays fixed without the fuzzer. A harness returns
/// normally when every invariant held and throws `FuzzFailure` when one broke; a trap in the code
/// under test is a crash in both settings.
///
/// A harness runs on a plain thread (libFuzzer's, or the replay test's own), never on the
/// concurrency pool, so it may wait for a completion or for async work (`blockingAwait`).
///
/// Adding a harness: a file with a `static let` like the ones below, one line in `all`, a
/// folder of seeds in `Fuzz/corpus/<name>` and, if it needs another module, a dependency of
/// this target in `Package.swift` (docs/FUZZING.md).
public struct FuzzHarness: Sendable {
    /// Short, stable, file-name safe: the corpus folder and the `scripts/fuzz.sh` argument.
    public let name: String
    /// What the harness feeds and what it checks, for `scripts/fuzz.sh --list`.
    public let summary: String
    private let body: @Sendable (inout FuzzInput) throws(FuzzFailure) -> Void

    init(
        name: String, summary: String, _ body: @escaping @Sendable (inout FuzzInput) throws(FuzzFailure) -> Void
    ) {
        self.name = name
        self.summary = summary
        self.body = body
    }

    /// Runs the harness on one input.
    public func run(_ bytes: [UInt8]) throws(FuzzFailure) {
        var input = FuzzInput(bytes)
        try body(&input)
    }

    /// How long a harness waits for an answer before it calls the code under test hung. Only a
    /// guard against a hang, not a speed check: libFuzzer's own `-timeout=10` (scripts/fuzz.sh)
    /// reports a slow input while fuzzing, and the replay in `swift test` shares two cores with the
    /// whole suite, where an answer can take seconds.
    static let hangGuard: DispatchTimeInterval = .seconds(300)

    /// Every harness, in the order of issue 15's list of entry points.
    public static let all: [FuzzHarness] = [
        .wire, .httpParser, .httpFields, .phone, .otp, .qr, .store, .vault, .gatewayAPI, .webAuthnCBOR,
        .webAuthnRegistration, .webAuthnAssertion,
    ]

    public static func named(_ name: String) -> FuzzHarness? {
        all.first { $0.name == name }
    }
}

/// An invariant that did not hold: what was expected, where the harness checked it.
public struct FuzzFailure: Error, Sendable, CustomStringConvertible {
    public let message: String
    public let file: String
    public let line: Int

    public var description: String { "\(file):\(line): \(message)" }
}

/// Throws a `FuzzFailure` unless `condition` holds. The message is built only on failure.
func check(
    _ condition: Bool, _ message: @autoclosure () -> String, file: String = #fileID, line: Int = #line
) throws(FuzzFailure) {
    if !condition { throw FuzzFailure(message: message(), file: file, line: line) }
}
