/// `webauthn.register.begin`'s recorded answer: the challenge it issued (not secret; the browser
/// shows it). A retry is answered with it while it is live; the rest comes from the record.
struct RecordedCeremonyStart: RecordableAnswer, Equatable {
    let id: String
    let challenge: [UInt8]
    let expiresAtMillis: Int64

    func write(to writer: inout BinaryWriter) throws(BinaryWriter.FieldTooLong) {
        try writer.shortString(id)
        try writer.shortBytes(challenge)
        writer.i64(expiresAtMillis)
    }

    static func read(from reader: inout BinaryReader) throws(BinaryReader.Truncated) -> RecordedCeremonyStart {
        RecordedCeremonyStart(
            id: try reader.shortString(), challenge: try reader.shortBytes(), expiresAtMillis: try reader.i64())
    }
}

extension PasskeyInfo: RecordableAnswer {
    func write(to writer: inout BinaryWriter) throws(BinaryWriter.FieldTooLong) {
        try writer.mediumBytes(Array(id.utf8))
        try writer.shortString(name)
        try writer.count(transports.count)
        for transport in transports { try writer.shortString(transport) }
        writer.i64(createdAtMillis)
        writer.optionalInt64(lastUsedAtMillis)
    }

    static func read(from reader: inout BinaryReader) throws(BinaryReader.Truncated) -> PasskeyInfo {
        let id = String(decoding: try reader.mediumBytes(), as: UTF8.self)
        let name = try reader.shortString()
        var transports: [String] = []
        for _ in 0..<(try reader.u8()) { transports.append(try reader.shortString()) }
        return PasskeyInfo(
            id: id, name: name, transports: transports, createdAtMillis: try reader.i64(),
            lastUsedAtMillis: try reader.optionalInt64())
    }
}

extension PasskeyAssertionOutcome: RecordableAnswer {
    func write(to writer: inout BinaryWriter) throws(BinaryWriter.FieldTooLong) {
        switch self {
        case .accepted(let user, let credentialID, let userVerified):
            writer.u8(0)
            try writer.shortString(user.rawValue)
            try writer.mediumBytes(Array(credentialID.utf8))
            writer.bool(userVerified)
        case .invalid(let reason, let failures, let wait):
            writer.u8(1)
            try writer.shortString(reason)
            writer.bool(failures != nil)
            if let failures { writer.u32(failures) }
            writer.optionalInt64(wait)
        case .locked(let wait):
            writer.u8(2)
            writer.optionalInt64(wait)
        }
    }

    static func read(from reader: inout BinaryReader) throws(BinaryReader.Truncated) -> PasskeyAssertionOutcome {
        switch try reader.u8() {
        case 0:
            guard let user = UserID(try reader.shortString()) else { throw BinaryReader.Truncated() }
            let credential = String(decoding: try reader.mediumBytes(), as: UTF8.self)
            return .accepted(user: user, credentialID: credential, userVerified: try reader.bool())
        case 1:
            let reason = try reader.shortString()
            let failures = try reader.bool() ? try reader.u32() : nil
            return .invalid(reason: reason, failures: failures, retryAfterMillis: try reader.optionalInt64())
        case 2: return .locked(retryAfterMillis: try reader.optionalInt64())
        default: throw BinaryReader.Truncated()
        }
    }
}
