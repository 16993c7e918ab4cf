import TwofoldCrypto

/// The self-describing stored form of a password hash:
/// `$scrypt$ln=17,r=8,p=1$<salt>$<key>`, salt and key in unpadded standard base64.
///
/// Everything needed to verify is in the string, so the cost parameters can be raised later
/// and old hashes still verify (and are flagged for rehashing at the next login).
struct StoredPasswordHash: Sendable, Equatable {
    static let algorithm = "scrypt"
    static let saltLengths = 8...64
    static let keyLengths = 16...64
    /// Longer strings are not parsed at all (the longest valid one is about 200 bytes).
    static let maximumEncodedLength = 256

    let parameters: ScryptParameters
    let salt: [UInt8]
    let key: [UInt8]

    init(parameters: ScryptParameters, salt: [UInt8], key: [UInt8]) {
        self.parameters = parameters
        self.salt = salt
        self.key = key
    }

    /// nil for any string that is not exactly this format with parameters in range.
    init?(parsing stored: String) {
        guard stored.utf8.count <= Self.maximumEncodedLength else { return nil }
        let fields = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 5, fields[0].isEmpty, fields[1] == Self.algorithm,
            let parameters = Self.parseParameters(fields[2]),
            let salt = Base64.decode(fields[3], alphabet: .standard), Self.saltLengths.contains(salt.count),
            let key = Base64.decode(fields[4], alphabet: .standard), Self.keyLengths.contains(key.count)
        else { return nil }
        self.init(parameters: parameters, salt: salt, key: key)
    }

    var encoded: String {
        "$\(Self.algorithm)$\(parameters)$\(Base64.encode(salt, alphabet: .standard))$\(Base64.encode(key, alphabet: .standard))"
    }

    /// `ln=<d>,r=<d>,p=<d>` in this order, plain decimal without sign or leading zeros.
    private static func parseParameters(_ field: Substring) -> ScryptParameters? {
        let pairs = field.split(separator: ",", omittingEmptySubsequences: false)
        guard pairs.count == 3 else { return nil }
        var values: [Int] = []
        for (pair, name) in zip(pairs, ["ln", "r", "p"]) {
            let parts = pair.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == name, let value = parseDecimal(parts[1]) else { return nil }
            values.append(value)
        }
        return try? ScryptParameters(logN: values[0], r: values[1], p: values[2])
    }

    private static func parseDecimal(_ text: Substring) -> Int? {
        guard (1...3).contains(text.utf8.count), text.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            text == "0" || text.utf8.first != 0x30
        else { return nil }
        return Int(text)
    }
}
