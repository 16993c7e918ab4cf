import TwofoldSystem

/// The one error type of the store. `code` is stable (logs, alerts, tests match on it); the
/// description carries offsets and reasons but never record contents, which may be secret, and
/// never the source location (`file` and `line` are there for logs that want them).
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// A stable, machine-readable error code such as `store.locked`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case locked = "store.locked"
            case corrupt = "store.corrupt"
            case unsupportedVersion = "store.unsupported_version"
            case recordTooLarge = "store.record_too_large"
            case io = "store.io"
            case closed = "store.closed"
            case failed = "store.failed"
            case faultInjected = "store.fault_injected"
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// Another open store (this process or another) holds the directory's lock.
        public static let locked = Code(.locked)
        /// The log is damaged somewhere other than its tail; opening stops rather than lose data.
        public static let corrupt = Code(.corrupt)
        /// The log was written by a newer (or unknown) format version.
        public static let unsupportedVersion = Code(.unsupportedVersion)
        /// A payload exceeds the maximum record size.
        public static let recordTooLarge = Code(.recordTooLarge)
        /// A syscall failed; `systemError` has the details.
        public static let io = Code(.io)
        /// The store was closed before the request could run.
        public static let closed = Code(.closed)
        /// The store is in its failed state after a write or sync failed: it refuses requests until
        /// its recovery succeeds (see `RecordStore.Owner`), or for good after a simulated crash.
        public static let failed = Code(.failed)
        /// A test's fault hook stopped the store at a crash point.
        public static let faultInjected = Code(.faultInjected)

        public var description: String { value.rawValue }
    }

    public let code: Code
    /// Offsets, limits and reasons: safe for logs, never record contents.
    public let detail: String
    /// The failing syscall, for `.io` (and `.failed` when caused by one).
    public let systemError: SystemError?
    public let file: String
    public let line: Int

    init(_ code: Code, _ detail: String, systemError: SystemError? = nil, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.detail = detail
        self.systemError = systemError
        self.file = file
        self.line = line
    }

    static func io(_ error: SystemError, _ detail: String, file: String = #fileID, line: Int = #line) -> StoreError {
        StoreError(.io, "\(detail): \(error.call) failed: \(error.message)", systemError: error, file: file, line: line)
    }

    public var description: String { "\(code): \(detail)" }
}

/// Runs a syscall-layer operation, turning its `SystemError` into `StoreError.io` that says what
/// the store was doing.
func performIO<T>(
    _ activity: @autoclosure () -> String,
    file: String = #fileID,
    line: Int = #line,
    _ body: () throws(SystemError) -> T
) throws(StoreError) -> T {
    do {
        return try body()
    } catch {
        throw StoreError.io(error, activity(), file: file, line: line)
    }
}
