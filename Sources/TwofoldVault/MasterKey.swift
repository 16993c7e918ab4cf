import TwofoldSystem

/// Loads the vault's master key: a file of exactly 32 bytes that only its owner may read. Refuses
/// group- or world-readable files, so a mis-deployed key is noticed at start rather than leaked.
public enum MasterKey {
    public static func load(path: String) throws(VaultError) -> [UInt8] {
        // Open first, then check the open file: a check on the path could be raced by a swap.
        let descriptor: FileDescriptor
        let status: (mode: UInt32, userID: UInt32, groupID: UInt32, size: Int64)
        do {
            descriptor = try FileSystem.open(path, options: [.readOnly, .noFollow])
            status = try descriptor.status()
        } catch {
            throw VaultError(.internalError, "cannot read the master key file '\(path)': \(error.message)")
        }
        defer { descriptor.close() }
        guard status.mode & 0o077 == 0 else {
            throw VaultError(
                .internalError,
                "the master key file '\(path)' is readable by group or others (mode \(String(status.mode, radix: 8))); chmod 600 it"
            )
        }
        guard status.size == 32 else {
            throw VaultError(
                .internalError, "the master key file '\(path)' must hold exactly 32 bytes (it holds \(status.size))")
        }
        let key: [UInt8]
        do {
            key = try descriptor.read(count: 32, at: 0)
        } catch {
            throw VaultError(.internalError, "cannot read the master key file '\(path)': \(error.message)")
        }
        guard key.count == 32 else { throw VaultError(.internalError, "the master key file '\(path)' was cut short") }
        return key
    }
}
