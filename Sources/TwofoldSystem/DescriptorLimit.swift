#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// RLIMIT_NOFILE: how many descriptors this process may hold. A server sizes its connection cap
/// against it; systemd gives services a soft limit of 1024 unless the unit sets `LimitNOFILE`.
public enum DescriptorLimit {
    /// The soft and hard limits (`RLIM_INFINITY` reported as `UInt64.max`).
    public static func current() -> (soft: UInt64, hard: UInt64) {
        var limit = rlimit()
        guard getrlimit(RLIMIT_NOFILE_VALUE, &limit) == 0 else { return (1024, 1024) }
        return (UInt64(limit.rlim_cur), UInt64(limit.rlim_max))
    }

    /// Raises the soft limit to `wanted`, or to the hard limit if that is lower (never lowers it),
    /// as Go's runtime and nginx do: the hard limit is the operator's ceiling, the soft one only a
    /// default. Returns the soft limit in force afterwards.
    @discardableResult
    public static func raiseSoftLimit(toAtLeast wanted: UInt64) -> UInt64 {
        var limit = rlimit()
        guard getrlimit(RLIMIT_NOFILE_VALUE, &limit) == 0 else { return 1024 }
        let target = min(wanted, UInt64(limit.rlim_max))
        guard UInt64(limit.rlim_cur) < target else { return UInt64(limit.rlim_cur) }
        var raised = limit
        raised.rlim_cur = rlim_t(target)
        return setrlimit(RLIMIT_NOFILE_VALUE, &raised) == 0 ? target : UInt64(limit.rlim_cur)
    }

    /// Glibc imports `RLIMIT_NOFILE` as an enum case on some targets and an `Int32` on others.
    private static var RLIMIT_NOFILE_VALUE: __rlimit_resource_t { __rlimit_resource_t(UInt32(RLIMIT_NOFILE.rawValue)) }
}
