import TwofoldSystem

/// Proves that a directory's filesystem takes writes again after a failure: reserves `bytes` in a
/// scratch file (`posix_fallocate`, so a full disk answers `ENOSPC` without a byte written),
/// syncs it (so a device that fails `fsync` answers `EIO`), then removes it.
///
/// Stores run it before they accept writes after a failure, so that a disk that is still full
/// keeps them refusing, instead of flapping between "recovered" and the next failed write.
public enum SpaceProbe {
    /// The scratch file's name inside the probed directory; a leftover one is harmless.
    public static let fileName = "space-probe"
    /// What a probe reserves by default: room for a few group commits of typical records.
    public static let defaultBytes = 64 << 10

    public static func check(directory: String, bytes: Int = defaultBytes) throws(StoreError) {
        let path = directory + "/" + fileName
        try performIO("probing for free space in \(directory)") { () throws(SystemError) in
            let file = try FileSystem.open(path, options: [.readWrite, .create, .truncate])
            defer {
                file.close()
                _ = try? FileSystem.removeFile(path)
            }
            try file.allocate(length: Int64(max(bytes, 1)))
            try file.synchronize()
        }
    }
}
