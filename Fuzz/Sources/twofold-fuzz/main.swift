// twofold-fuzz HARNESS [libFuzzer flags] [corpus folders or input files]
// twofold-fuzz --list
//
// Hands the named harness to libFuzzer's driver. A broken invariant aborts, so libFuzzer saves
// the input as a crash like any trap. The harness name is also exported as TWOFOLD_FUZZ_HARNESS,
// because -fork and -jobs re-run this binary with libFuzzer's flags only.
import Glibc
import TwofoldFuzz

typealias TestOneInput = @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: TestOneInput
) -> Int32

/// Writes a line to standard error (unbuffered, so it precedes libFuzzer's crash report).
func printError(_ line: String) {
    var text = line + "\n"
    text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}

enum Driver {
    /// Set once, before libFuzzer starts calling `testOneInput`.
    nonisolated(unsafe) static var harness: FuzzHarness?

    static let testOneInput: TestOneInput = { data, size in
        guard let harness, let data else { return 0 }
        do {
            try harness.run(Array(UnsafeBufferPointer(start: data, count: size)))
        } catch {
            printError("twofold-fuzz: \(harness.name): invariant broken: \(error)")
            abort()
        }
        return 0
    }
}

var arguments = Array(UnsafeBufferPointer(start: CommandLine.unsafeArgv, count: Int(CommandLine.argc)))
if CommandLine.arguments.dropFirst().first == "--list" {
    for harness in FuzzHarness.all { print("\(harness.name)\t\(harness.summary)") }
    exit(0)
}
if let name = CommandLine.arguments.dropFirst().first, let harness = FuzzHarness.named(name) {
    Driver.harness = harness
    arguments.remove(at: 1)
    setenv("TWOFOLD_FUZZ_HARNESS", name, 1)
} else if let name = getenv("TWOFOLD_FUZZ_HARNESS").map({ String(cString: $0) }) {
    Driver.harness = FuzzHarness.named(name)
}
guard Driver.harness != nil else {
    let names = FuzzHarness.all.map(\.name).joined(separator: ", ")
    printError("usage: twofold-fuzz HARNESS [libFuzzer flags] [corpus...]; harnesses: \(names)")
    exit(64)
}
var argc = Int32(arguments.count)
let argv = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: arguments.count + 1)
argv.initialize(from: arguments + [nil], count: arguments.count + 1)
var argvPointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
exit(LLVMFuzzerRunDriver(&argc, &argvPointer, Driver.testOneInput))
