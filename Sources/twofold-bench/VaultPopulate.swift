import Foundation
import TwofoldCrypto
import TwofoldOTP

/// Enrolls `count` users in a running vault as fast as its socket allows (begin + confirm,
/// pipelined 256 deep on one connection), for the memory and restart measurements at 10,000 and
/// 1,000,000 users. Prints users per second. The seeds are dropped: these users only fill the store.
enum VaultPopulate {
    static func run(socket: String, count: Int, prefix: String) throws {
        let client = try RawSocketClient(path: socket)
        let start = DispatchTime.now().uptimeNanoseconds
        var index = 0
        while index < count {
            let batch = min(256, count - index)
            var frames: [UInt8] = []
            for offset in 0..<batch {
                let user = "\(prefix)\(index + offset)"
                frames += RawSocketClient.frame(
                    Array(
                        "{\"v\":1,\"id\":\(offset),\"op\":\"enroll.begin\",\"args\":{\"user\":\"\(user)\",\"account_name\":\"\(user)\"}}"
                            .utf8))
            }
            client.send(frames)
            var confirms: [UInt8] = []
            for offset in 0..<batch {
                let payload = client.receiveFrame()
                guard let response = try JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any],
                    let result = response["result"] as? [String: Any], let secret = result["secret"] as? String
                else { throw BenchError("enroll.begin failed") }
                let code = TOTP.code(
                    secret: try Base32.decode(secret), unixTime: Int64(Date().timeIntervalSince1970),
                    parameters: OTPParameters())
                confirms += RawSocketClient.frame(
                    Array(
                        "{\"v\":1,\"id\":\(offset),\"op\":\"enroll.confirm\",\"args\":{\"user\":\"\(prefix)\(index + offset)\",\"code\":\"\(code)\"}}"
                            .utf8))
            }
            client.send(confirms)
            for _ in 0..<batch { _ = client.receiveFrame() }
            index += batch
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print(formatted(Double(count) / seconds))
    }
}
