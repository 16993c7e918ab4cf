/// The part of an operation's answer that is recorded by idempotency key, in a compact binary form
/// inside the user's sealed record (`RecordedOutcomes`). Never a secret: answers that carry one
/// (a seed, backup codes) record what is needed to answer again without it.
protocol RecordableAnswer: Sendable {
    func write(to writer: inout BinaryWriter) throws(BinaryWriter.FieldTooLong)
    static func read(from reader: inout BinaryReader) throws(BinaryReader.Truncated) -> Self
}

/// A whole recorded answer: `1 · answer` for a success, `2 · error` for a failure (code, message,
/// detail?, retry_after_ms?).
enum RecordedAnswer {
    static func encode<A: RecordableAnswer>(_ result: Result<A, VaultError>) -> [UInt8]? {
        var writer = BinaryWriter(capacity: 32)
        do {
            switch result {
            case .success(let answer):
                writer.u8(1)
                try answer.write(to: &writer)
            case .failure(let error):
                writer.u8(2)
                try writer.shortString(error.code.rawValue)
                try writer.shortBytes(Self.prefix(error.message, bytes: 255))
                try writer.optionalString(error.detail)
                writer.optionalInt64(error.retryAfterMillis)
            }
        } catch {
            return nil
        }
        return writer.bytes
    }

    /// The longest prefix of `text` that is whole scalars and at most `bytes` bytes of UTF-8.
    static func prefix(_ text: String, bytes limit: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for scalar in text.unicodeScalars {
            let encoded = Array(String(scalar).utf8)
            guard bytes.count + encoded.count <= limit else { break }
            bytes += encoded
        }
        return bytes
    }

    static func decode<A: RecordableAnswer>(_ bytes: [UInt8], as type: A.Type) -> Result<A, VaultError>? {
        var reader = BinaryReader(bytes)
        do {
            let result: Result<A, VaultError>
            switch try reader.u8() {
            case 1:
                result = .success(try A.read(from: &reader))
            case 2:
                let code = VaultError.Code(rawValue: try reader.shortString()) ?? .internalError
                let message = try reader.shortString()
                let detail = try reader.optionalString()
                let retry = try reader.optionalInt64()
                result = .failure(VaultError(code, message, retryAfterMillis: retry, detail: detail))
            default:
                return nil
            }
            return reader.isAtEnd ? result : nil
        } catch {
            return nil
        }
    }
}

/// Operations whose success says nothing (`reset`, `phone.clear`).
struct NoAnswer: RecordableAnswer, Equatable {
    func write(to writer: inout BinaryWriter) {}
    static func read(from reader: inout BinaryReader) -> NoAnswer { NoAnswer() }
}

/// `enroll.begin`: the enrollment id. The seed stays in the pending enrollment; a retry is
/// answered from it while it is pending (`Vault.beginEnrollment`).
struct RecordedEnrollment: RecordableAnswer, Equatable {
    let id: [UInt8]

    func write(to writer: inout BinaryWriter) throws(BinaryWriter.FieldTooLong) { try writer.shortBytes(id) }
    static func read(from reader: inout BinaryReader) throws(BinaryReader.Truncated) -> RecordedEnrollment {
        RecordedEnrollment(id: try reader.shortBytes())
    }
}

extension VerifyOutcome: RecordableAnswer {
    func write(to writer: inout BinaryWriter) {
        switch self {
        case .accepted(let step):
            writer.u8(0)
            writer.u64(step)
        case .invalid(let failures, let wait):
            writer.u8(1)
            writer.u32(failures)
            writer.optionalInt64(wait)
        case .replayed: writer.u8(2)
        case .locked(let wait):
            writer.u8(3)
            writer.optionalInt64(wait)
        case .notEnrolled: writer.u8(4)
        }
    }

    static func read(from reader: inout BinaryReader) throws(BinaryReader.Truncated) -> VerifyOutcome {
        switch try reader.u8() {
        case 0: return .accepted(step: try reader.u64())
        case 1: return .invalid(failures: try reader.u32(), retryAfterMillis: try reader.optionalInt64())
        case 2: return .replayed
        case 3: return .locked(retryAfterMillis: try reader.optionalInt64())
        case 4: return .notEnrolled
        default: throw BinaryReader.Truncated()
        }
    }
}

extension ConfirmOutcome: RecordableAnswer {
    /// The backup codes of `confirmed` are not recorded: read back, they are `withheld`.
    func write(to writer: inout BinaryWriter) {
        switch self {
        case .confirmed(let step, _):
            writer.u8(0)
            writer.u64(step)
        case .invalid(let wait):
            writer.u8(1)
            writer.optionalInt64(wait)
        case .staleSetup: writer.u8(2)
        case .locked(let wait):
            writer.u8(3)
            writer.optionalInt64(wait)
        }
    }

    static func read(from reader: inout BinaryReader) throws(BinaryReader.Truncated) -> ConfirmOutcome {
        switch try reader.u8() {
        case 0: return .confirmed(step: try reader.u64(), backupCodes: .withheld)
        case 1: return .invalid(retryAfterMillis: try reader.optionalInt64())
        case 2: return .staleSetup
        case 3: return .locked(retryAfterMillis: try reader.optionalInt64())
        default: throw BinaryReader.Truncated()
        }
    }
}

extension RecoveryOutcome: RecordableAnswer {
    func write(to writer: inout BinaryWriter) {
        switch self {
        case .accepted: writer.u8(0)
        case .invalid(let left):
            writer.u8(1)
            writer.u8(left)
        case .expired: writer.u8(2)
        }
    }

    static func read(from reader: inout BinaryReader) throws(BinaryReader.Truncated) -> RecoveryOutcome {
        switch try reader.u8() {
        case 0: return .accepted
        case 1: return .invalid(attemptsLeft: try reader.u8())
        case 2: return .expired
        default: throw BinaryReader.Truncated()
        }
    }
}

extension BackupVerifyOutcome: RecordableAnswer {
    func write(to writer: inout BinaryWriter) {
        switch self {
        case .accepted(let left):
            writer.u8(0)
            writer.u8(UInt8(clamping: left))
        case .invalid(let failures, let wait):
            writer.u8(1)
            writer.u32(failures)
            writer.optionalInt64(wait)
        case .locked(let wait):
            writer.u8(2)
            writer.optionalInt64(wait)
        case .noCodes: writer.u8(3)
        }
    }

    static func read(from reader: inout BinaryReader) throws(BinaryReader.Truncated) -> BackupVerifyOutcome {
        switch try reader.u8() {
        case 0: return .accepted(codesLeft: Int(try reader.u8()))
        case 1: return .invalid(failures: try reader.u32(), retryAfterMillis: try reader.optionalInt64())
        case 2: return .locked(retryAfterMillis: try reader.optionalInt64())
        case 3: return .noCodes
        default: throw BinaryReader.Truncated()
        }
    }
}

extension IssuedBackupCodes: RecordableAnswer {
    /// Never the codes: a recorded `backup.generate` reads back as `withheld`.
    func write(to writer: inout BinaryWriter) {}
    static func read(from reader: inout BinaryReader) -> IssuedBackupCodes { .withheld }
}

extension PhoneStatus: RecordableAnswer {
    func write(to writer: inout BinaryWriter) throws(BinaryWriter.FieldTooLong) {
        try writer.shortString(masked)
        try writer.shortString(country)
        try writer.shortString(countryName)
        try writer.shortString(smsRecovery)
    }

    static func read(from reader: inout BinaryReader) throws(BinaryReader.Truncated) -> PhoneStatus {
        PhoneStatus(
            masked: try reader.shortString(), country: try reader.shortString(), countryName: try reader.shortString(),
            smsRecovery: try reader.shortString())
    }
}

extension RecoveryStart: RecordableAnswer {
    func write(to writer: inout BinaryWriter) throws(BinaryWriter.FieldTooLong) {
        try writer.shortString(phoneMasked)
        writer.i64(expiresAtMillis)
        writer.u8(delivery.rawValue)
    }

    static func read(from reader: inout BinaryReader) throws(BinaryReader.Truncated) -> RecoveryStart {
        let masked = try reader.shortString()
        let expires = try reader.i64()
        guard let delivery = Delivery(rawValue: try reader.u8()) else { throw BinaryReader.Truncated() }
        return RecoveryStart(phoneMasked: masked, expiresAtMillis: expires, delivery: delivery)
    }
}

extension BinaryWriter {
    mutating func optionalInt64(_ value: Int64?) {
        bool(value != nil)
        if let value { i64(value) }
    }

    mutating func optionalString(_ value: String?) throws(FieldTooLong) {
        bool(value != nil)
        if let value { try shortString(value) }
    }
}

extension BinaryReader {
    mutating func optionalInt64() throws(Truncated) -> Int64? { try bool() ? try i64() : nil }
    mutating func optionalString() throws(Truncated) -> String? { try bool() ? try shortString() : nil }
}
