import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// An owned file descriptor, closed exactly once: by `close()` or, failing that, when the last
/// reference goes away. Using it after `close()` is a programmer error and traps.
public final class FileDescriptor: Sendable, CustomStringConvertible {
    private let storage: Mutex<Int32>

    /// Takes ownership of `rawValue`; nothing else may close it.
    public init(owning rawValue: Int32) {
        precondition(rawValue >= 0, "FileDescriptor(owning:) needs a valid descriptor")
        storage = Mutex(rawValue)
    }

    /// The raw number, for passing to a syscall. Traps if already closed.
    public var rawValue: Int32 {
        let value = storage.withLock { $0 }
        precondition(value >= 0, "use of a closed FileDescriptor")
        return value
    }

    public var isOpen: Bool { storage.withLock { $0 >= 0 } }

    /// Runs `body` with the raw descriptor; the descriptor stays owned by this object.
    public func withRawDescriptor<R, E: Error>(_ body: (Int32) throws(E) -> R) throws(E) -> R {
        try body(rawValue)
    }

    /// Closes the descriptor. A second call is a no-op, so shutdown paths may race benignly.
    /// `close` is not retried on `EINTR` (Linux has already released the descriptor).
    public func close() {
        let fd = storage.withLock { value -> Int32 in
            let old = value
            value = -1
            return old
        }
        if fd >= 0 { _ = Glibc.close(fd) }
    }

    /// Gives up ownership without closing, e.g. to hand the number to a child process.
    public func release() -> Int32 {
        storage.withLock { value -> Int32 in
            let old = value
            value = -1
            return old
        }
    }

    public var description: String { "FileDescriptor(\(storage.withLock { $0 }))" }

    deinit { close() }
}
