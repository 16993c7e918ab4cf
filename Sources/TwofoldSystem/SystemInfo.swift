internal import CLinuxSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Process identity and clocks, read straight from the kernel.
public enum SystemInfo {
    /// `CLOCK_MONOTONIC` in nanoseconds: for deadlines and durations.
    public static func monotonicNanoseconds() -> UInt64 { read(CLOCK_MONOTONIC) }

    /// `CLOCK_REALTIME` in nanoseconds since the Unix epoch: for timestamps and TOTP time steps,
    /// never for measuring durations (it can jump).
    public static func wallClockNanoseconds() -> UInt64 { read(CLOCK_REALTIME) }

    /// Whole seconds since the Unix epoch (`CLOCK_REALTIME`).
    public static func wallClockSeconds() -> Int64 { Int64(wallClockNanoseconds() / 1_000_000_000) }

    public static var processID: Int32 { getpid() }
    public static var userID: UInt32 { getuid() }
    public static var groupID: UInt32 { getgid() }

    /// Names the calling thread for `ps`, `top` and debuggers (truncated to the kernel's 15
    /// bytes). Foundation's `Thread.name` does not always reach the kernel on Linux.
    public static func nameCurrentThread(_ name: String) {
        _ = pthread_setname_np(pthread_self(), String(decoding: name.utf8.prefix(15), as: UTF8.self))
    }

    private static func read(_ clock: clockid_t) -> UInt64 {
        var spec = timespec()
        // Only fails for an unknown clock id or a bad pointer: both programmer bugs.
        let result = clock_gettime(clock, &spec)
        precondition(result == 0, "clock_gettime failed for a standard clock")
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}
