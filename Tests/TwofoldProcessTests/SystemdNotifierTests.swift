import Foundation
import Glibc
import Testing
import TwofoldProcess

/// A bound Unix datagram socket standing in for systemd's `$NOTIFY_SOCKET`.
private final class NotifyReceiver {
    let path: String
    private let fd: Int32

    init() throws {
        path = "/tmp/notify-" + UUID().uuidString.prefix(8).lowercased() + ".sock"
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.enumerated() { buffer[index] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard fd >= 0, result == 0 else { throw POSIXError(.EADDRINUSE) }
    }

    /// Every datagram received so far.
    func drain() -> [String] {
        var messages: [String] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { return messages }
            messages.append(String(decoding: buffer[0..<count], as: UTF8.self))
        }
    }

    deinit {
        close(fd)
        unlink(path)
    }
}

@Suite struct SystemdNotifierTests {
    @Test func notifications_reachTheNotifySocketAsDatagrams() throws {
        let receiver = try NotifyReceiver()
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.path])
        #expect(notifier.isEnabled)
        notifier.ready()
        notifier.status("serving\nINJECTED=1")
        notifier.watchdog()
        notifier.reloading()
        notifier.stopping()
        #expect(
            receiver.drain() == ["READY=1", "STATUS=serving INJECTED=1", "WATCHDOG=1", "RELOADING=1", "STOPPING=1"])
    }

    @Test func withoutNotifySocket_everyCallIsANoOp() {
        let notifier = SystemdNotifier(environment: [:])
        #expect(!notifier.isEnabled)
        #expect(!notifier.send("READY=1"))
        #expect(notifier.watchdogInterval == nil)
    }

    @Test func whenTheSocketIsGone_sendFailsQuietly() {
        let notifier = SystemdNotifier(environment: [
            "NOTIFY_SOCKET": "/tmp/no-such-notify-\(UUID().uuidString.prefix(8)).sock"
        ])
        #expect(!notifier.send("READY=1"))
    }

    @Test func watchdogInterval_isHalfOfWatchdogUsecForThisProcessOnly() {
        let ours = SystemdNotifier(environment: [
            "NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": String(getpid()),
        ])
        #expect(ours.watchdogInterval == .seconds(15))
        let anyPid = SystemdNotifier(environment: ["NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "2000000"])
        #expect(anyPid.watchdogInterval == .seconds(1))
        let other = SystemdNotifier(environment: [
            "NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": String(getpid() + 1),
        ])
        #expect(other.watchdogInterval == nil)
        #expect(
            SystemdNotifier(environment: ["NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "zero"]).watchdogInterval == nil)
    }
}
