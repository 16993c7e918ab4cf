/// Everything the vault knows about one user. Lives in memory and on disk only sealed
/// (`RecordSealer`); this plaintext form exists transiently while an operation runs.
struct VaultUserRecord: Sendable, Equatable {
    struct Seed: Sendable, Equatable {
        var secret: [UInt8]
        var algorithm: UInt8  // OTPAlgorithmCode
        var digits: UInt8
        var period: UInt16
        var createdAtMillis: Int64
    }

    struct PendingEnrollment: Sendable, Equatable {
        var id: [UInt8]  // 16 random bytes, hex on the wire
        var seed: Seed
    }

    struct RecoveryCode: Sendable, Equatable {
        var mac: [UInt8]  // HMAC-SHA256 of the code under the vault's recovery key
        var expiresAtMillis: Int64
        var attemptsLeft: UInt8
    }

    var active: Seed?
    var pending: PendingEnrollment?
    /// Pending seeds replaced by a newer `enroll.begin`, kept briefly so that a code from the old
    /// scan is answered "this code is from an older setup" (the help article's troubleshooting case).
    var superseded: [PendingEnrollment] = []
    var lastAcceptedStep: UInt64?
    var consecutiveFailures: UInt32 = 0
    var lockedUntilMillis: Int64 = 0
    /// E.164, e.g. `+14155552671`.
    var phone: String?
    var recovery: RecoveryCode?
    /// Times of recovery SMS sends inside the quota window (for the per-user quota and cool-down).
    var recoverySends: [Int64] = []
    /// MACs of the unused backup codes, `BackupCode.macLength` bytes each, back to back (format 2).
    var backupCodeMACs: [UInt8] = []
    /// Answers recorded by idempotency key (format 2).
    var outcomes = RecordedOutcomes()
    /// Registered WebAuthn credentials, oldest first (format 3).
    var passkeys: [Passkey] = []

    /// The newest version this build writes. Versions 1 (before backup codes and recorded
    /// outcomes) and 2 (before passkeys) are still read. A record is written in the oldest version
    /// that holds it — version 3 only while the user has a passkey — so a vault whose users have
    /// none can still be opened by a build from before passkeys (deploy/README.md, Rollback).
    static let formatVersion: UInt8 = 3

    /// The record's bytes (version 2: version 1's fields, then the backup code MACs and the
    /// recorded outcomes; version 3: then the passkeys; docs/store-format.md). Every
    /// length-prefixed field is bounded before it gets here (phones are E.164, secrets and ids
    /// fixed-size, lists capped by the policy); one that is not throws rather than traps.
    func encoded() throws(BinaryWriter.FieldTooLong) -> [UInt8] {
        var writer = BinaryWriter()
        writer.u8(passkeys.isEmpty ? 2 : Self.formatVersion)
        func seed(_ value: Seed) throws(BinaryWriter.FieldTooLong) {
            try writer.shortBytes(value.secret)
            writer.u8(value.algorithm)
            writer.u8(value.digits)
            writer.u16(value.period)
            writer.i64(value.createdAtMillis)
        }
        func pendingEnrollment(_ value: PendingEnrollment) throws(BinaryWriter.FieldTooLong) {
            try writer.shortBytes(value.id)
            try seed(value.seed)
        }
        writer.bool(active != nil)
        if let active { try seed(active) }
        writer.bool(pending != nil)
        if let pending { try pendingEnrollment(pending) }
        try writer.count(superseded.count)
        for old in superseded { try pendingEnrollment(old) }
        writer.bool(lastAcceptedStep != nil)
        if let lastAcceptedStep { writer.u64(lastAcceptedStep) }
        writer.u32(consecutiveFailures)
        writer.i64(lockedUntilMillis)
        writer.bool(phone != nil)
        if let phone { try writer.shortString(phone) }
        writer.bool(recovery != nil)
        if let recovery {
            try writer.shortBytes(recovery.mac)
            writer.i64(recovery.expiresAtMillis)
            writer.u8(recovery.attemptsLeft)
        }
        try writer.count(recoverySends.count)
        recoverySends.forEach { writer.i64($0) }
        try writer.shortBytes(backupCodeMACs)
        try writer.mediumBytes(outcomes.bytes)
        if !passkeys.isEmpty {
            try writer.count(passkeys.count)
            for passkey in passkeys { try passkey.write(to: &writer) }
        }
        return writer.bytes
    }

    init() {}

    init(decoding bytes: [UInt8]) throws(BinaryReader.Truncated) {
        var reader = BinaryReader(bytes)
        let version = try reader.u8()
        guard (1...Self.formatVersion).contains(version) else { throw BinaryReader.Truncated() }
        func seed() throws(BinaryReader.Truncated) -> Seed {
            Seed(
                secret: try reader.shortBytes(), algorithm: try reader.u8(), digits: try reader.u8(),
                period: try reader.u16(), createdAtMillis: try reader.i64())
        }
        func pendingEnrollment() throws(BinaryReader.Truncated) -> PendingEnrollment {
            PendingEnrollment(id: try reader.shortBytes(), seed: try seed())
        }
        if try reader.bool() { active = try seed() }
        if try reader.bool() { pending = try pendingEnrollment() }
        for _ in 0..<(try reader.u8()) { superseded.append(try pendingEnrollment()) }
        if try reader.bool() { lastAcceptedStep = try reader.u64() }
        consecutiveFailures = try reader.u32()
        lockedUntilMillis = try reader.i64()
        if try reader.bool() { phone = try reader.shortString() }
        if try reader.bool() {
            recovery = RecoveryCode(
                mac: try reader.shortBytes(), expiresAtMillis: try reader.i64(), attemptsLeft: try reader.u8())
        }
        for _ in 0..<(try reader.u8()) { recoverySends.append(try reader.i64()) }
        if version >= 2 {
            backupCodeMACs = try reader.shortBytes()
            guard backupCodeMACs.count % BackupCode.macLength == 0 else { throw BinaryReader.Truncated() }
            outcomes = RecordedOutcomes(bytes: try reader.mediumBytes())
        }
        if version >= 3 {
            for _ in 0..<(try reader.u8()) { passkeys.append(try Passkey.read(from: &reader)) }
        }
        guard reader.isAtEnd else { throw BinaryReader.Truncated() }
    }

    /// Whether nothing but recorded answers is left (e.g. after a reset of a user with no phone):
    /// such a user is forgotten, answers included (a retry then runs again and changes nothing).
    var isEmpty: Bool {
        var rest = self
        rest.outcomes = RecordedOutcomes()
        return rest == VaultUserRecord()
    }

    /// How many backup codes are left unused.
    var backupCodesLeft: Int { backupCodeMACs.count / BackupCode.macLength }
}
