#if canImport(Glibc)
    import Glibc
#endif

extension FileSystem {
    /// The numeric id of group `name` (or `name` itself if it is a number).
    public static func groupID(named name: String) throws(SystemError) -> UInt32 {
        if let number = UInt32(name) { return number }
        var group = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        let status = getgrnam_r(name, &group, &buffer, buffer.count, &result)
        guard status == 0, result != nil else {
            throw SystemError(call: "getgrnam_r(\(name))", errno: status == 0 ? ENOENT : status)
        }
        return group.gr_gid
    }

    /// The numeric id of user `name` (or `name` itself if it is a number).
    public static func userID(named name: String) throws(SystemError) -> UInt32 {
        if let number = UInt32(name) { return number }
        var user = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        let status = getpwnam_r(name, &user, &buffer, buffer.count, &result)
        guard status == 0, result != nil else {
            throw SystemError(call: "getpwnam_r(\(name))", errno: status == 0 ? ENOENT : status)
        }
        return user.pw_uid
    }

    /// Gives `path` to group `groupID`, keeping its owner (`chown(path, -1, gid)`).
    public static func changeGroup(of path: String, to groupID: UInt32) throws(SystemError) {
        try syscall("chown") { chown(path, uid_t.max, groupID) }
    }

    /// Permission bits, owner and group of `path` (following symlinks).
    public static func status(of path: String) throws(SystemError) -> (
        mode: UInt32, userID: UInt32, groupID: UInt32, size: Int64
    ) {
        var info = stat()
        try syscall("stat") { stat(path, &info) }
        return (UInt32(info.st_mode) & 0o7777, info.st_uid, info.st_gid, Int64(info.st_size))
    }
}

extension FileDescriptor {
    /// Permission bits, owner, group and size of the open file (`fstat`): checks made on the
    /// descriptor cannot be raced by someone swapping the path after the check.
    public func status() throws(SystemError) -> (mode: UInt32, userID: UInt32, groupID: UInt32, size: Int64) {
        var info = stat()
        try syscall("fstat") { fstat(rawValue, &info) }
        return (UInt32(info.st_mode) & 0o7777, info.st_uid, info.st_gid, Int64(info.st_size))
    }
}
