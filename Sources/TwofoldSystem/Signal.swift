#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A POSIX signal number, with names for the ones the daemons handle.
public struct Signal: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let terminate = Signal(rawValue: SIGTERM)
    public static let interrupt = Signal(rawValue: SIGINT)
    public static let hangup = Signal(rawValue: SIGHUP)

    /// The signals that mean "shut down gracefully".
    public static let shutdownSignals: [Signal] = [.terminate, .interrupt]
    /// Every signal the daemons read through a `SignalHandler` (HUP: reload/reopen).
    public static let handledSignals: [Signal] = [.terminate, .interrupt, .hangup]

    public var description: String {
        switch rawValue {
        case SIGTERM: "SIGTERM"
        case SIGINT: "SIGINT"
        case SIGHUP: "SIGHUP"
        default: "signal \(rawValue)"
        }
    }
}
