/// scrypt cost parameters (RFC 7914): N = 2^logN, block size r, parallelism p.
///
/// The accepted ranges bound what a stored hash can make the process do: a hash string read
/// from disk with absurd parameters is refused rather than allowed to allocate gigabytes.
public struct ScryptParameters: Sendable, Hashable, CustomStringConvertible {
    public let logN: Int
    public let r: Int
    public let p: Int

    /// N=2^17, r=8, p=1 (128 MiB): OWASP's password storage recommendation, which ASVS refers to.
    public static let recommended = ScryptParameters(uncheckedLogN: 17, r: 8, p: 1)

    public static let logNRange = 10...22
    public static let rRange = 1...32
    public static let pRange = 1...16
    /// The largest memory (128·r·N bytes) a parameter set may need.
    public static let maximumMemoryBytes = 1 << 30

    public init(logN: Int, r: Int, p: Int) throws(PasswordError) {
        guard Self.logNRange.contains(logN) else { throw .invalidParameters("scrypt logN must be 10...22") }
        guard Self.rRange.contains(r) else { throw .invalidParameters("scrypt r must be 1...32") }
        guard Self.pRange.contains(p) else { throw .invalidParameters("scrypt p must be 1...16") }
        guard (128 * r) << logN <= Self.maximumMemoryBytes else {
            throw .invalidParameters("scrypt parameters need more than 1 GiB (128·r·2^logN)")
        }
        self.init(uncheckedLogN: logN, r: r, p: p)
    }

    private init(uncheckedLogN logN: Int, r: Int, p: Int) {
        self.logN = logN
        self.r = r
        self.p = p
    }

    /// Memory one derivation needs for its main table (128·r·N bytes).
    public var memoryBytes: Int { (128 * r) << logN }

    /// The parameter field of the stored format: `ln=17,r=8,p=1`.
    public var description: String { "ln=\(logN),r=\(r),p=\(p)" }
}
