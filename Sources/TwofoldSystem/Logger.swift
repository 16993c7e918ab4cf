import Synchronization

#if canImport(Glibc)
    import Glibc  // getenv
#endif

/// Structured logging as JSON lines on stderr: `{"time":…,"level":…,"logger":…,"msg":…,…}`.
///
/// Under systemd (`JOURNAL_STREAM` set) each line is prefixed with the syslog priority (`<3>`…`<7>`)
/// so journald records the level. Metadata values are plain strings, numbers and booleans; secrets
/// (seeds, codes, passwords, tokens) must never be passed here: they live in types that have no
/// conversion to `LogValue`.
public struct Logger: Sendable {
    public enum Level: Int, Sendable, Comparable, CaseIterable {
        case trace, debug, info, notice, warning, error, critical

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }

        public var name: String {
            switch self {
            case .trace: "trace"
            case .debug: "debug"
            case .info: "info"
            case .notice: "notice"
            case .warning: "warning"
            case .error: "error"
            case .critical: "critical"
            }
        }

        /// The syslog priority journald understands.
        var syslogPriority: Int {
            switch self {
            case .trace, .debug: 7
            case .info: 6
            case .notice: 5
            case .warning: 4
            case .error: 3
            case .critical: 2
            }
        }

        public init?(name: String) {
            guard let level = Level.allCases.first(where: { $0.name == name }) else { return nil }
            self = level
        }
    }

    public let label: String
    public let minimumLevel: Level
    private let sink: LogSink

    public init(label: String, minimumLevel: Level = .info, sink: LogSink = .standardError) {
        self.label = label
        self.minimumLevel = minimumLevel
        self.sink = sink
    }

    /// A logger with the same sink and level under another label (e.g. per service).
    public func withLabel(_ label: String) -> Logger { Logger(label: label, minimumLevel: minimumLevel, sink: sink) }

    public func log(_ level: Level, _ message: String, _ metadata: KeyValuePairs<String, LogValue> = [:]) {
        guard level >= minimumLevel else { return }
        var line = ""
        line.reserveCapacity(128)
        if sink.journald { line += "<\(level.syslogPriority)>" }
        line += "{\"time\":\""
        line += Self.timestamp()
        line += "\",\"level\":\""
        line += level.name
        line += "\",\"logger\":"
        JSONText.appendString(label, to: &line)
        line += ",\"msg\":"
        JSONText.appendString(message, to: &line)
        for (key, value) in metadata {
            line += ","
            JSONText.appendString(key, to: &line)
            line += ":"
            value.appendJSON(to: &line)
        }
        line += "}\n"
        sink.write(line)
    }

    public func trace(_ message: String, _ metadata: KeyValuePairs<String, LogValue> = [:]) {
        log(.trace, message, metadata)
    }
    public func debug(_ message: String, _ metadata: KeyValuePairs<String, LogValue> = [:]) {
        log(.debug, message, metadata)
    }
    public func info(_ message: String, _ metadata: KeyValuePairs<String, LogValue> = [:]) {
        log(.info, message, metadata)
    }
    public func notice(_ message: String, _ metadata: KeyValuePairs<String, LogValue> = [:]) {
        log(.notice, message, metadata)
    }
    public func warning(_ message: String, _ metadata: KeyValuePairs<String, LogValue> = [:]) {
        log(.warning, message, metadata)
    }
    public func error(_ message: String, _ metadata: KeyValuePairs<String, LogValue> = [:]) {
        log(.error, message, metadata)
    }
    public func critical(_ message: String, _ metadata: KeyValuePairs<String, LogValue> = [:]) {
        log(.critical, message, metadata)
    }

    /// RFC 3339 UTC with milliseconds, e.g. `2026-11-29T03:39:39.123Z`.
    static func timestamp() -> String {
        RFC3339Timestamp.format(unixMillis: Int64(SystemInfo.wallClockNanoseconds() / 1_000_000))
    }
}

/// Where log lines go. Each line is written with one `write` so concurrent lines never interleave.
public final class LogSink: Sendable {
    private enum Target {
        case descriptor(FileDescriptor)
        case memory
    }
    private let target: Target
    private let captured = Mutex<[String]>([])
    /// Whether lines carry a journald priority prefix.
    public let journald: Bool

    private init(target: Target, journald: Bool) {
        self.target = target
        self.journald = journald
    }

    /// stderr, with journald prefixes when running under systemd (`JOURNAL_STREAM` is set). The
    /// sink lives as long as the process, so its descriptor is never closed.
    public static let standardError = LogSink(
        target: .descriptor(FileDescriptor(owning: 2)), journald: getenv("JOURNAL_STREAM") != nil)

    /// Appends to a file (created 0600), e.g. an audit log. Each line is one `write` on an
    /// `O_APPEND` descriptor, so lines from several threads never interleave. (A daemon opens its
    /// audit log through `TwofoldProcess`'s `appendingFile`, which reports a configuration error.)
    public static func appending(toFile path: String) throws(SystemError) -> LogSink {
        let descriptor = try FileSystem.open(path, options: [.writeOnly, .append, .create], permissions: 0o600)
        return LogSink(target: .descriptor(descriptor), journald: false)
    }

    /// Keeps lines in memory; for tests that assert what was (and was not) logged.
    public static func memory(journald: Bool = false) -> LogSink { LogSink(target: .memory, journald: journald) }

    public var lines: [String] { captured.withLock { $0 } }

    func write(_ line: String) {
        switch target {
        case .memory:
            captured.withLock { $0.append(line) }
        case .descriptor(let descriptor):
            var line = line
            // A log line that cannot be written (stderr closed, disk full) is dropped: there is
            // nowhere better to report it.
            line.withUTF8 { buffer in try? descriptor.writeAll(UnsafeRawBufferPointer(buffer)) }
        }
    }
}
