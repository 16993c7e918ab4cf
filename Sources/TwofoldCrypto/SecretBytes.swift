internal import CLibCrypto

/// Secret key material: wiped with `OPENSSL_cleanse` when the last reference goes away, compared
/// in constant time, and never printed (its description shows only the length).
public final class SecretBytes: @unchecked Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    // Immutable after init; freed only in deinit, so sharing across threads is safe.
    private let storage: UnsafeMutableRawBufferPointer

    public init(_ bytes: some Collection<UInt8>) {
        storage = .allocate(byteCount: max(bytes.count, 1), alignment: 16)
        _ = UnsafeMutableRawBufferPointer(rebasing: storage[0..<bytes.count]).initializeMemory(
            as: UInt8.self, from: bytes)
        count = bytes.count
    }

    /// `count` bytes from the CSPRNG.
    public static func random(count: Int) -> SecretBytes {
        let secret = SecretBytes(zeroedCount: count)
        SecureRandom.fill(UnsafeMutableRawBufferPointer(rebasing: secret.storage[0..<count]))
        return secret
    }

    private init(zeroedCount: Int) {
        storage = .allocate(byteCount: max(zeroedCount, 1), alignment: 16)
        storage.initializeMemory(as: UInt8.self, repeating: 0)
        count = zeroedCount
    }

    public let count: Int

    /// Read access for the duration of `body`; do not let the pointer escape.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(rebasing: storage[0..<count]))
    }

    /// Constant time in the contents (lengths may differ observably).
    public static func == (lhs: SecretBytes, rhs: SecretBytes) -> Bool {
        lhs.withUnsafeBytes { a in rhs.withUnsafeBytes { b in ConstantTime.equals(a, b) } }
    }

    public var description: String { "SecretBytes(\(count) bytes)" }
    public var debugDescription: String { description }

    deinit {
        OPENSSL_cleanse(storage.baseAddress, storage.count)
        storage.deallocate()
    }
}
