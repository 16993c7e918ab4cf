/// One registered WebAuthn credential, as the user's sealed record keeps it (format 3).
///
/// The public key is kept in its canonical COSE encoding (`CredentialPublicKey.coseKey`) and
/// parsed again for each assertion; the sign count is the last one accepted. Nothing here is
/// secret, but it lives sealed with the rest of the user's record, so the store reveals neither
/// which users have passkeys nor where they were used.
struct Passkey: Sendable, Equatable {
    /// The credential ID chosen by the authenticator: 1–1023 bytes.
    var id: [UInt8]
    var publicKey: [UInt8]
    var signCount: UInt32
    /// BE at registration (it never changes for a credential).
    var backupEligible: Bool
    var transports: PasskeyTransports
    /// The name the user gave it: 1–64 bytes of text without control characters (`PasskeyName`).
    var name: String
    var createdAtMillis: Int64
    var lastUsedAtMillis: Int64?

    func write(to writer: inout BinaryWriter) throws(BinaryWriter.FieldTooLong) {
        try writer.mediumBytes(id)
        try writer.mediumBytes(publicKey)
        writer.u32(signCount)
        writer.bool(backupEligible)
        writer.u8(transports.rawValue)
        try writer.shortString(name)
        writer.i64(createdAtMillis)
        writer.optionalInt64(lastUsedAtMillis)
    }

    static func read(from reader: inout BinaryReader) throws(BinaryReader.Truncated) -> Passkey {
        Passkey(
            id: try reader.mediumBytes(), publicKey: try reader.mediumBytes(), signCount: try reader.u32(),
            backupEligible: try reader.bool(), transports: PasskeyTransports(rawValue: try reader.u8()),
            name: try reader.shortString(), createdAtMillis: try reader.i64(),
            lastUsedAtMillis: try reader.optionalInt64())
    }
}

/// The transports a browser reported for a credential (`AuthenticatorTransport`), as bits; hints
/// handed back in `allowCredentials`. Values this build does not know are dropped.
struct PasskeyTransports: OptionSet, Sendable, Equatable {
    let rawValue: UInt8

    static let names: [(String, PasskeyTransports)] = [
        ("usb", .init(rawValue: 1)), ("nfc", .init(rawValue: 2)), ("ble", .init(rawValue: 4)),
        ("internal", .init(rawValue: 8)), ("hybrid", .init(rawValue: 16)), ("smart-card", .init(rawValue: 32)),
    ]

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init(names: [String]) {
        var bits: UInt8 = 0
        for (name, value) in Self.names where names.contains(name) { bits |= value.rawValue }
        rawValue = bits
    }

    var names: [String] { Self.names.filter { contains($0.1) }.map(\.0) }
}

/// A passkey's user-chosen name: trimmed, 1–64 bytes of UTF-8, no control characters.
enum PasskeyName {
    static let maximumBytes = 64
    static let fallback = "Passkey"

    /// The name to store, or nil when `input` is not one (bounded in bytes before any walk).
    static func validated(_ input: String) -> String? {
        guard input.utf8.count <= 4 * maximumBytes else { return nil }
        let name = input.trimmingSpaces()
        guard !name.isEmpty, name.utf8.count <= maximumBytes,
            !name.unicodeScalars.contains(where: {
                [.control, .format, .lineSeparator, .paragraphSeparator].contains($0.properties.generalCategory)
            })
        else { return nil }
        return name
    }
}
