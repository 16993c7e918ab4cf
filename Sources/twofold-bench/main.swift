import Foundation

// twofold-bench: micro- and round-trip benchmarks for release builds (never timed unit tests).
//   twofold-bench otp | store | qr | vault <path-to-secret-vault> | vault-record | scrypt [logN]
//                 | vault-populate <vault socket> <users> [prefix]
//                 | directory-populate <gateway data dir> <users> [sessions]
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
case "vault-record": VaultRecordBench.run()
case "scrypt":
    ScryptBench.run(logN: arguments.count >= 2 ? Int(arguments[1]) ?? 17 : 17)
case "vault-populate":
    guard arguments.count >= 3, let count = Int(arguments[2]) else {
        FileHandle.standardError.write(
            Data("usage: twofold-bench vault-populate <vault socket> <users> [prefix]\n".utf8))
        exit(64)
    }
    do {
        try VaultPopulate.run(socket: arguments[1], count: count, prefix: arguments.count >= 4 ? arguments[3] : "fill-")
    } catch {
        FileHandle.standardError.write(Data("vault-populate: \(error)\n".utf8))
        exit(1)
    }
case "directory-populate":
    guard arguments.count >= 3, let count = Int(arguments[2]), count >= 0,
        let sessions = arguments.count >= 4 ? Int(arguments[3]) : 0, sessions >= 0
    else {
        FileHandle.standardError.write(
            Data("usage: twofold-bench directory-populate <gateway data dir> <users> [sessions]\n".utf8))
        exit(64)
    }
    do {
        try DirectoryPopulate.run(dataDirectory: arguments[1], users: count, sessions: sessions)
    } catch {
        FileHandle.standardError.write(Data("directory-populate: \(error)\n".utf8))
        exit(1)
    }
default:
    let usage =
        "usage: twofold-bench otp|store|qr|vault <secret-vault binary>|vault-record|scrypt [logN]"
        + "|vault-populate <socket> <n>|directory-populate <data dir> <n> [sessions]\n"
    FileHandle.standardError.write(Data(usage.utf8))
    exit(64)
}
