import Synchronization

#if canImport(Glibc)
    import Glibc
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
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = spec.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
            + "\(pad(Int32(spec.tv_nsec / 1_000_000), 3))Z"
    }
}

/// Where log lines go. Each line is written with one `write` so concurrent lines never interleave.
public final class LogSink: Sendable {
    private enum Target { case fileDescriptor(Int32), memory }
    private let target: Target
    private let captured = Mutex<[String]>([])
    /// Whether lines carry a journald priority prefix.
    public let journald: Bool

    private init(target: Target, journald: Bool) {
        self.target = target
        self.journald = journald
    }

    /// stderr, with journald prefixes when running under systemd (`JOURNAL_STREAM` is set).
    public static let standardError = LogSink(target: .fileDescriptor(2), journald: getenv("JOURNAL_STREAM") != nil)

    /// Appends to a file (created 0600), e.g. an audit log. Each line is one `write` on an
    /// `O_APPEND` descriptor, so lines from several threads never interleave.
    public static func appendingFile(_ path: String) throws(ProcessError) -> LogSink {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .unusableFile(path, reason: String(cString: strerror(errno))) }
        return LogSink(target: .fileDescriptor(fd), journald: false)
    }

    /// Keeps lines in memory; for tests that assert what was (and was not) logged.
    public static func memory(journald: Bool = false) -> LogSink { LogSink(target: .memory, journald: journald) }

    public var lines: [String] { captured.withLock { $0 } }

    func write(_ line: String) {
        switch target {
        case .memory:
            captured.withLock { $0.append(line) }
        case .fileDescriptor(let fd):
            var line = line
            line.withUTF8 { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        return  // stderr is gone: nothing better to do than drop the line
                    }
                    offset += written
                }
            }
        }
    }
}
