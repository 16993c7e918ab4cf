#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Regular-file I/O on an owned descriptor. Reads and writes loop until the whole buffer is
/// transferred, because the kernel may legally return short counts.
extension FileDescriptor {
    /// Writes all of `bytes` at the current position (`write(2)`): for `O_APPEND` files, where each
    /// call appends atomically, and for pipes such as stderr, which have no offsets.
    public func writeAll(_ bytes: UnsafeRawBufferPointer, file: String = #fileID, line: Int = #line) throws(SystemError)
    {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            done += try syscall("write", file: file, line: line) {
                Glibc.write(rawValue, base + done, bytes.count - done)
            }
        }
    }

    /// Writes all of `bytes` at `offset` without moving the file position.
    public func write(
        _ bytes: UnsafeRawBufferPointer,
        at offset: Int64,
        file: String = #fileID,
        line: Int = #line
    ) throws(SystemError) {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let written = try syscall("pwrite", file: file, line: line) {
                pwrite(rawValue, base + done, bytes.count - done, off_t(offset) + off_t(done))
            }
            done += written
        }
    }

    /// Writes all of `bytes` at `offset`.
    public func write(_ bytes: [UInt8], at offset: Int64, file: String = #fileID, line: Int = #line) throws(SystemError)
    {
        // `withUnsafeBytes` only rethrows untyped errors, so the typed error travels in a Result.
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(SystemError) in try write(buffer, at: offset, file: file, line: line) }
        }
        try result.get()
    }

    /// Reads up to `count` bytes at `offset`; fewer only when the file ends first.
    public func read(
        count: Int,
        at offset: Int64,
        file: String = #fileID,
        line: Int = #line
    ) throws(SystemError) -> [UInt8] {
        precondition(count >= 0, "read(count:) needs a non-negative count")
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        let result = bytes.withUnsafeMutableBytes { buffer in
            Result { () throws(SystemError) in
                guard let base = buffer.baseAddress else { return }
                while done < count {
                    let got = try syscall("pread", file: file, line: line) {
                        pread(rawValue, base + done, count - done, off_t(offset) + off_t(done))
                    }
                    if got == 0 { break }
                    done += got
                }
            }
        }
        try result.get()
        bytes.removeLast(count - done)
        return bytes
    }

    /// The file's current size in bytes (`fstat`).
    public func size(file: String = #fileID, line: Int = #line) throws(SystemError) -> Int64 {
        var status = stat()
        try syscall("fstat", file: file, line: line) { fstat(rawValue, &status) }
        return Int64(status.st_size)
    }

    /// Sets the file's size; bytes past `size` are discarded.
    public func truncate(to size: Int64, file: String = #fileID, line: Int = #line) throws(SystemError) {
        try syscall("ftruncate", file: file, line: line) { ftruncate(rawValue, off_t(size)) }
    }

    /// Reserves disk space for `length` bytes from `offset` (`posix_fallocate(3)`; the C library
    /// writes zeros where the filesystem cannot preallocate), growing the file to cover them.
    /// Fails with `ENOSPC` when the space is not there: what a probe for free space needs.
    public func allocate(
        offset: Int64 = 0,
        length: Int64,
        file: String = #fileID,
        line: Int = #line
    ) throws(SystemError) {
        while true {
            // posix_fallocate returns the error number instead of setting errno.
            let result = posix_fallocate(rawValue, off_t(offset), off_t(length))
            if result == 0 { return }
            if result == EINTR { continue }
            precondition(result != EBADF, "posix_fallocate on a bad file descriptor: a bookkeeping bug")
            throw SystemError(call: "posix_fallocate", errno: result, file: file, line: line)
        }
    }

    /// `fsync`: data and all metadata reach stable storage.
    public func synchronize(file: String = #fileID, line: Int = #line) throws(SystemError) {
        try syscall("fsync", file: file, line: line) { fsync(rawValue) }
    }

    /// `fdatasync`: data plus the metadata needed to read it back (including a grown size)
    /// reach stable storage; cheaper than `fsync` because timestamps are skipped.
    public func synchronizeData(file: String = #fileID, line: Int = #line) throws(SystemError) {
        try syscall("fdatasync", file: file, line: line) { fdatasync(rawValue) }
    }

    /// Takes an exclusive `flock` without waiting. Returns `false` when another open file
    /// description (another process, or another `open` in this one) holds it. The lock lives
    /// as long as this descriptor stays open.
    public func tryLockExclusive(file: String = #fileID, line: Int = #line) throws(SystemError) -> Bool {
        let result = try nonBlockingSyscall("flock", file: file, line: line) { flock(rawValue, LOCK_EX | LOCK_NB) }
        switch result {
        case .processed: return true
        case .wouldBlock: return false
        }
    }
}
