internal import CLibCrypto

/// The CSPRNG (OpenSSL's `RAND_bytes`, seeded from the kernel).
public enum SecureRandom {
    public static func bytes(count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBytes { fill($0) }
        return bytes
    }

    /// A uniform integer in `0..<upperBound`, by rejection sampling (no modulo bias).
    public static func uniformInt(below upperBound: UInt32) -> UInt32 {
        precondition(upperBound > 0, "uniformInt(below:) needs a positive bound")
        let limit = UInt32.max - UInt32.max % upperBound
        while true {
            var value: UInt32 = 0
            withUnsafeMutableBytes(of: &value) { fill($0) }
            if value < limit { return value % upperBound }
        }
    }

    static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        guard buffer.count > 0 else { return }
        // RAND_bytes fails only if the DRBG cannot be seeded; continuing would hand out predictable
        // seeds and codes, so this is the one crypto failure that stops the process.
        guard RAND_bytes(buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(buffer.count)) == 1 else {
            preconditionFailure("RAND_bytes failed: \(CryptoError.openssl("RAND_bytes"))")
        }
    }
}

/// Where random bytes come from; injected so tests can be deterministic.
public protocol RandomByteSource: Sendable {
    func bytes(count: Int) -> [UInt8]
}

/// The production source: the CSPRNG.
public struct SystemRandomSource: RandomByteSource {
    public init() {}
    public func bytes(count: Int) -> [UInt8] { SecureRandom.bytes(count: count) }
}
