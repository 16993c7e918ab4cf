import Foundation

/// Enrolls `count` users in a running vault as fast as its socket allows (begin + confirm,
/// pipelined 256 deep on one connection), for the memory and restart measurements at 10,000 and
/// 1,000,000 users. Prints users per second. The seeds are dropped: these users only fill the store.
enum VaultPopulate {
    static func run(socket: String, count: Int, prefix: String) throws {
        let start = DispatchTime.now().uptimeNanoseconds
        _ = try VaultBench.enroll(count: count, prefix: prefix, socket: socket, depth: 256, keepSeeds: false)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print(formatted(Double(count) / seconds))
    }
}
