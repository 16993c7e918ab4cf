import TwofoldCrypto
import TwofoldOTP

extension FuzzHarness {
    /// Entry point 5 (first half): Base32 secrets typed by hand, otpauth URIs read back (the CLI's
    /// and the tests' reader), and URIs built from an issuer and an account name (enrollment).
    static let otp = FuzzHarness(
        name: "otp",
        summary: "Base32 + otpauth URI: canonical forms, parse(print(x)) == x, codes of the right length"
    ) { input throws(FuzzFailure) in
        try OTPHarness.run(&input)
    }
}

enum OTPHarness {
    static func run(_ input: inout FuzzInput) throws(FuzzFailure) {
        let selector = input.byte()
        let data = input.rest()
        switch selector % 4 {
        case 0: try checkBase32Text(data)
        case 1: try checkBase32Bytes(data)
        case 2: try checkURIParsing(data)
        default: try checkURIBuilding(data, selector: selector)
        }
    }

    /// Decoding ignores case, spaces, tabs, hyphens and padding; what it accepts re-encodes to
    /// the canonical form of the input.
    static func checkBase32Text(_ data: [UInt8]) throws(FuzzFailure) {
        let text = String(decoding: data, as: UTF8.self)
        guard let decoded = try? Base32.decode(text) else { return }
        let ignored: Set<UInt8> = [0x20, 0x09, UInt8(ascii: "-"), UInt8(ascii: "=")]
        let canonical = text.utf8.filter { !ignored.contains($0) }.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }
        try check(Array(Base32.encode(decoded).utf8) == canonical, "Base32 accepted a non-canonical form")
    }

    static func checkBase32Bytes(_ data: [UInt8]) throws(FuzzFailure) {
        let encoded = Base32.encode(data)
        try check((try? Base32.decode(encoded)) == data, "Base32 does not round-trip \(data.count) bytes")
        try check(encoded.utf8.count == (data.count * 8 + 4) / 5, "Base32 length for \(data.count) bytes")
        // A secret of any length gives codes of the configured length.
        for digits in 6...8 {
            let parameters = OTPParameters(digits: digits)
            let code = HOTP.code(secret: data, counter: UInt64(data.count), parameters: parameters)
            try check(
                code.utf8.count == digits && code.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }, "HOTP code \(code)")
        }
    }

    static func checkURIParsing(_ data: [UInt8]) throws(FuzzFailure) {
        let text = String(decoding: data, as: UTF8.self)
        guard let uri = try? OTPAuthURI(parsing: text) else { return }
        try checkParsed(uri)
        let again = try? OTPAuthURI(parsing: uri.string)
        try check(again == uri, "a parsed URI written back out parses differently")
    }

    /// What the vault does at enrollment: validate the label parts, build, and the URI the
    /// authenticator app reads must name the same issuer and account.
    static func checkURIBuilding(_ data: [UInt8], selector: UInt8) throws(FuzzFailure) {
        let separator = data.firstIndex(of: 0) ?? data.endIndex
        let issuer = String(decoding: data[..<separator], as: UTF8.self)
        let account = String(decoding: data[min(separator + 1, data.endIndex)...], as: UTF8.self)
        do {
            try OTPAuthURI.validateLabelPart(issuer)
            try OTPAuthURI.validateLabelPart(account)
        } catch {
            return
        }
        let algorithm = [HashAlgorithm.sha1, .sha256, .sha512][Int(selector >> 2) % 3]
        let parameters = OTPParameters(algorithm: algorithm, digits: 6 + Int(selector >> 4) % 3)
        let uri = OTPAuthURI(
            issuer: issuer, accountName: account, secret: Array(repeating: selector, count: 20), parameters: parameters)
        if uri.string.utf8.count > OTPAuthURI.maximumLength {
            try check((try? OTPAuthURI(parsing: uri.string)) == nil, "a URI over the length limit is read")
            return
        }
        let parsed: OTPAuthURI
        do { parsed = try OTPAuthURI(parsing: uri.string) } catch {
            throw FuzzFailure(message: "a built URI is refused: \(error)", file: #fileID, line: #line)
        }
        try check(
            parsed == uri,
            "a built URI parses to issuer/account \(parsed.issuer.debugDescription)/\(parsed.accountName.debugDescription)"
        )
    }

    static func checkParsed(_ uri: OTPAuthURI) throws(FuzzFailure) {
        try check(uri.secret.count >= 10, "secret of \(uri.secret.count) bytes accepted")
        try check(!uri.accountName.isEmpty, "empty account name accepted")
        try check(!uri.accountName.unicodeScalars.contains(":"), "account name with ':' accepted")
        try check(!uri.issuer.unicodeScalars.contains(":"), "issuer with ':' accepted")
        try check((6...8).contains(uri.parameters.digits), "digits \(uri.parameters.digits)")
        try check((1...3600).contains(uri.parameters.period), "period \(uri.parameters.period)")
    }
}
