import TwofoldCrypto

/// An `otpauth://totp/…` URI in Google's Key Uri Format, the content of the enrollment QR code:
/// `otpauth://totp/ISSUER:ACCOUNT?secret=BASE32&issuer=ISSUER&algorithm=SHA1&digits=6&period=30`.
///
/// The issuer appears both as the label prefix and as the `issuer` parameter (older apps read one,
/// newer the other); both are percent-encoded; the secret is Base32 without padding. `hotp` URIs are
/// rejected: Twofold only issues time-based credentials.
public struct OTPAuthURI: Sendable, Equatable {
    public let issuer: String
    public let accountName: String
    public let secret: [UInt8]
    public let parameters: OTPParameters

    /// The longest URI `init(parsing:)` reads, in bytes, as given and as written back out by
    /// `string`: far more than a QR code holds.
    public static let maximumLength = 4096

    /// Builds a URI; traps on a colon in issuer or account name (callers validate user input first
    /// with `validateLabelPart`).
    public init(issuer: String, accountName: String, secret: [UInt8], parameters: OTPParameters = OTPParameters()) {
        precondition(!issuer.contains(":") && !accountName.contains(":"), "issuer and account name may not contain ':'")
        self.issuer = issuer
        self.accountName = accountName
        self.secret = secret
        self.parameters = parameters
    }

    /// Throws if `part` cannot be an issuer or account name: empty, holding a ':' (even one a
    /// combining mark hides inside a Character), or starting with a space (readers drop the spaces
    /// after the label's colon, so such an account name would not read back).
    public static func validateLabelPart(_ part: String) throws(OTPError) {
        guard !part.isEmpty else { throw .invalidLabel("issuer and account name may not be empty") }
        guard !part.unicodeScalars.contains(":") else {
            throw .invalidLabel("issuer and account name may not contain ':'")
        }
        guard part.unicodeScalars.first != " " else {
            throw .invalidLabel("issuer and account name may not start with a space")
        }
    }

    /// Without an issuer (a URI read from elsewhere may have none) the label is the account name
    /// alone: an empty prefix would make a reader drop the account's leading spaces after the colon.
    public var string: String {
        let issuerEncoded = Self.percentEncode(issuer)
        let label = issuer.isEmpty ? "" : "\(issuerEncoded):"
        let issuerParameter = issuer.isEmpty ? "" : "&issuer=\(issuerEncoded)"
        return "otpauth://totp/\(label)\(Self.percentEncode(accountName))?secret=\(Base32.encode(secret))"
            + "\(issuerParameter)&algorithm=\(parameters.algorithm.rawValue)&digits=\(parameters.digits)"
            + "&period=\(parameters.period)"
    }

    /// Reads a URI. Delimiters (`/ ? & = :`) are found among Unicode scalars, as any URI reader
    /// finds them among bytes: a combining mark after one must not hide it inside a Character.
    public init(parsing text: String) throws(OTPError) {
        let prefix = "otpauth://"
        let scalars = text.unicodeScalars
        guard text.utf8.count <= Self.maximumLength,
            scalars.prefix(prefix.unicodeScalars.count).map(Self.asciiLowercased).elementsEqual(prefix.unicodeScalars)
        else {
            throw .invalidURI("not an otpauth:// URI")
        }
        let rest = scalars.dropFirst(prefix.unicodeScalars.count)
        guard let slash = rest.firstIndex(of: "/") else { throw .invalidURI("missing type") }
        let type = String(Substring(rest[..<slash])).lowercased()
        guard type == "totp" else {
            throw type == "hotp" ? .unsupportedParameter("only totp is supported") : .invalidURI("unknown type")
        }
        let afterType = rest[rest.index(after: slash)...]
        let labelPart: Substring.UnicodeScalarView
        let queryPart: Substring.UnicodeScalarView
        if let question = afterType.firstIndex(of: "?") {
            labelPart = afterType[..<question]
            queryPart = afterType[afterType.index(after: question)...]
        } else {
            labelPart = afterType
            queryPart = afterType[afterType.endIndex...]
        }
        let label = try Self.percentDecode(labelPart).unicodeScalars
        var labelIssuer: String?
        var account = String(label)
        if let colon = label.firstIndex(of: ":") {
            labelIssuer = String(Substring(label[..<colon]))
            account = String(Substring(label[label.index(after: colon)...].drop(while: { $0 == " " })))
        }
        guard !account.isEmpty, !account.unicodeScalars.contains(":") else {
            throw .invalidLabel("the account name is empty or has ':'")
        }
        // After an issuer prefix a reader drops the spaces that follow the colon, so an account
        // name starting with a space could not be written back and read the same.
        guard account.unicodeScalars.first != " " else {
            throw .invalidLabel("the account name may not start with a space")
        }

        var query: [String: String] = [:]
        for pair in queryPart.split(separator: "&", omittingEmptySubsequences: true) {
            let pieces = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = try Self.percentDecode(pieces[0]).lowercased()
            guard query[key] == nil else { throw .invalidURI("parameter '\(key)' appears twice") }
            query[key] = pieces.count > 1 ? try Self.percentDecode(pieces[1]) : ""
        }
        guard let secretText = query["secret"], !secretText.isEmpty else { throw .missingSecret() }
        let secret = try Base32.decode(secretText)
        guard secret.count >= 10 else { throw .invalidBase32("the secret is shorter than 80 bits") }

        let parameterIssuer = query["issuer"]
        if let labelIssuer, let parameterIssuer, labelIssuer != parameterIssuer {
            throw .invalidLabel("the issuer parameter disagrees with the label prefix")
        }
        let issuer = parameterIssuer ?? labelIssuer ?? ""
        guard !issuer.unicodeScalars.contains(":") else { throw .invalidLabel("the issuer may not contain ':'") }

        var algorithm = HashAlgorithm.sha1
        if let name = query["algorithm"] {
            guard let parsed = HashAlgorithm(rawValue: name.uppercased()) else {
                throw .unsupportedParameter("algorithm must be SHA1, SHA256 or SHA512")
            }
            algorithm = parsed
        }
        var digits = 6
        if let text = query["digits"] {
            guard let value = Int(text), (6...8).contains(value) else {
                throw .unsupportedParameter("digits must be 6, 7 or 8")
            }
            digits = value
        }
        var period = 30
        if let text = query["period"] {
            guard let value = Int(text), (1...3600).contains(value) else {
                throw .unsupportedParameter("period must be 1–3600 seconds")
            }
            period = value
        }
        self.issuer = issuer
        self.accountName = account
        self.secret = secret
        self.parameters = try OTPParameters.validated(algorithm: algorithm, digits: digits, period: period)
        // What is read must write back out readable: percent-encoding can triple a label's bytes
        // (and a raw byte that is not UTF-8 becomes U+FFFD, nine bytes encoded), so the limit also
        // holds for the canonical form (found by the otp fuzz harness).
        guard string.utf8.count <= Self.maximumLength else {
            throw .invalidURI("longer than \(Self.maximumLength) bytes when written out")
        }
    }

    private static func asciiLowercased(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        ("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 0x20) ?? scalar : scalar
    }

    /// RFC 3986 percent-encoding of everything but unreserved characters (so spaces become %20).
    static func percentEncode(_ text: String) -> String {
        var output: [UInt8] = []
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                output.append(byte)
            default:
                output += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func percentDecode(_ text: Substring.UnicodeScalarView) throws(OTPError) -> String {
        var output: [UInt8] = []
        var iterator = Array(Substring(text).utf8).makeIterator()
        func hexValue(_ byte: UInt8?) -> UInt8? {
            switch byte {
            case let b? where (0x30...0x39).contains(b): b - 0x30
            case let b? where (0x41...0x46).contains(b): b - 0x41 + 10
            case let b? where (0x61...0x66).contains(b): b - 0x61 + 10
            default: nil
            }
        }
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = hexValue(iterator.next()), let low = hexValue(iterator.next()) else {
                    throw .invalidURI("bad percent-escape")
                }
                output.append(high << 4 | low)
            } else {
                output.append(byte)
            }
        }
        guard let decoded = String(validating: output, as: UTF8.self) else { throw .invalidURI("not UTF-8") }
        return decoded
    }
}
