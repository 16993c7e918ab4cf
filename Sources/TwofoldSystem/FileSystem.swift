#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Path-level file syscalls (open, mkdir, rename, unlink, directory fsync). Every descriptor is
/// opened with `O_CLOEXEC` so a spawned child never inherits a data file or a lock.
public enum FileSystem {
    /// How to open a file; `O_CLOEXEC` is always added.
    public struct OpenOptions: OptionSet, Sendable {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }

        public static let readOnly = OpenOptions([])
        public static let readWrite = OpenOptions(rawValue: O_RDWR)
        public static let create = OpenOptions(rawValue: O_CREAT)
        public static let exclusive = OpenOptions(rawValue: O_EXCL)
        public static let truncate = OpenOptions(rawValue: O_TRUNC)
        public static let directory = OpenOptions(rawValue: O_DIRECTORY)
        public static let noFollow = OpenOptions(rawValue: O_NOFOLLOW)
        public static let append = OpenOptions(rawValue: O_APPEND)
        public static let writeOnly = OpenOptions(rawValue: O_WRONLY)
    }

    /// Opens `path`; `permissions` applies only when the file is created.
    public static func open(
        _ path: String,
        options: OpenOptions,
        permissions: UInt32 = 0o600,
        file: String = #fileID,
        line: Int = #line
    ) throws(SystemError) -> FileDescriptor {
        let flags = options.rawValue | O_CLOEXEC
        let fd = try syscall("open", file: file, line: line) {
            Glibc.open(path, flags, mode_t(permissions))
        }
        return FileDescriptor(owning: fd)
    }

    /// Creates a directory. Returns `false` (and succeeds) when something already exists at
    /// `path`, so concurrent first starts do not race each other into an error.
    @discardableResult
    public static func createDirectory(
        _ path: String,
        permissions: UInt32 = 0o700,
        file: String = #fileID,
        line: Int = #line
    ) throws(SystemError) -> Bool {
        do {
            try syscall("mkdir", file: file, line: line) { mkdir(path, mode_t(permissions)) }
            return true
        } catch let error where error.errno == EEXIST {
            return false
        }
    }

    /// Atomically replaces `destination` with `source` (both in the same filesystem).
    /// Durable only after `synchronizeDirectory` on the containing directory.
    public static func rename(
        _ source: String,
        to destination: String,
        file: String = #fileID,
        line: Int = #line
    ) throws(SystemError) {
        try syscall("rename", file: file, line: line) { Glibc.rename(source, destination) }
    }

    /// Removes a file. Returns `false` when it did not exist.
    @discardableResult
    public static func removeFile(
        _ path: String,
        file: String = #fileID,
        line: Int = #line
    ) throws(SystemError) -> Bool {
        do {
            try syscall("unlink", file: file, line: line) { unlink(path) }
            return true
        } catch let error where error.errno == ENOENT {
            return false
        }
    }

    /// Whether something exists at `path` (a dangling symlink counts as absent).
    public static func exists(_ path: String, file: String = #fileID, line: Int = #line) throws(SystemError) -> Bool {
        do {
            try syscall("access", file: file, line: line) { access(path, F_OK) }
            return true
        } catch let error where error.errno == ENOENT {
            return false
        }
    }

    /// Makes the directory's entries (created, renamed, removed names) durable: the step that
    /// turns a `rename` into a crash-safe commit.
    public static func synchronizeDirectory(
        _ path: String,
        file: String = #fileID,
        line: Int = #line
    ) throws(SystemError) {
        let directory = try open(path, options: [.readOnly, .directory], file: file, line: line)
        defer { directory.close() }
        try directory.synchronize(file: file, line: line)
    }
}
