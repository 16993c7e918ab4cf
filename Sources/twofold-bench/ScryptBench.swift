import Foundation
import TwofoldCrypto

/// The scrypt bound for login throughput: one hash with the gateway's parameters (N = 2^logN,
/// r = 8, p = 1), best of 3, and cores ÷ that time, the most logins per second the machine can
/// hash. Prints `ms_per_hash bound_per_s` on one line for scripts.
enum ScryptBench {
    static func run(logN: Int) {
        var best = Double.infinity
        let salt = SecureRandom.bytes(count: 16)
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            blackHole(
                try? KDF.scrypt(
                    password: Array("correct horse battery staple".utf8), salt: salt, n: 1 << UInt64(logN), r: 8, p: 1,
                    length: 32))
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        print(formatted(best, decimals: 1), formatted(Double(cores) * 1000 / best, decimals: 2))
    }
}
