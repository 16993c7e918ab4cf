import Foundation

// twofold-bench: micro- and round-trip benchmarks for release builds (never timed unit tests).
//   twofold-bench otp | store | qr | wire | vault <path-to-secret-vault> | all <path-to-secret-vault>
// Each prints a Markdown table row block; scripts/bench.sh collects them into docs/BENCHMARKS.md.
let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "otp": OTPBench.run()
case "store": StoreBench.run()
case "qr": QRBench.run()
case "vault":
    guard arguments.count >= 2 else {
        FileHandle.standardError.write(Data("usage: twofold-bench vault <secret-vault binary>\n".utf8))
        exit(64)
    }
    VaultBench.run(vaultBinary: arguments[1])
default:
    FileHandle.standardError.write(Data("usage: twofold-bench otp|store|qr|vault <secret-vault binary>\n".utf8))
    exit(64)
}
