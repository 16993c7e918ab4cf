import Foundation
import TwofoldSystem

/// The daemon side of `sd_notify`: datagrams such as `READY=1` to `$NOTIFY_SOCKET`, so a
/// `Type=notify` unit is marked started only once the daemon serves, and `WatchdogSec=` is fed.
///
/// Every call is a no-op when `NOTIFY_SOCKET` is unset (not under systemd, tests). Failures to send
/// are ignored, as `sd_notify` does: a notification must never take a daemon down.
public struct SystemdNotifier: Sendable {
    /// `$NOTIFY_SOCKET`, or nil when notifications are off.
    public let socketPath: String?
    /// How often to call `watchdog()`: half of `$WATCHDOG_USEC`, when the watchdog is enabled for
    /// this process (`$WATCHDOG_PID` unset or equal to our pid).
    public let watchdogInterval: Duration?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let path = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        socketPath = path
        let forUs = environment["WATCHDOG_PID"].map { $0 == String(SystemInfo.processID) } ?? true
        if path != nil, forUs, let micros = environment["WATCHDOG_USEC"].flatMap(Int64.init), micros > 0 {
            watchdogInterval = .microseconds(micros / 2)
        } else {
            watchdogInterval = nil
        }
    }

    public var isEnabled: Bool { socketPath != nil }

    /// Start-up finished: the daemon is serving.
    public func ready() { send("READY=1") }

    /// A one-line status shown by `systemctl status` (newlines are replaced: they would start
    /// another assignment).
    public func status(_ text: String) {
        send("STATUS=" + String(text.map { $0.isNewline ? " " : $0 }))
    }

    /// Graceful shutdown has begun.
    public func stopping() { send("STOPPING=1") }

    /// A reload (SIGHUP) has begun; call `ready()` when it is done.
    public func reloading() { send("RELOADING=1") }

    /// Keep-alive for `WatchdogSec=`.
    public func watchdog() { send("WATCHDOG=1") }

    /// Sends `assignments` as one datagram. Returns whether it was sent (false when disabled too).
    @discardableResult
    public func send(_ assignments: String) -> Bool {
        guard let socketPath else { return false }
        do {
            try Socket.sendDatagram(to: socketPath, bytes: Array(assignments.utf8))
            return true
        } catch {
            return false
        }
    }
}
