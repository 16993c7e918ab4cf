import Foundation
import Testing
import TwofoldStore

@testable import TwofoldDirectory

/// Users with a name (My Profile) and password-reset links (`twofold user reset-password`) are
/// records of version 2; everything else is written exactly as before them, so older folders read
/// as they did and a folder without either is still one an older build opens.
@Suite struct RecordVersionTests {
    static let link: InviteRecord = {
        var link = InviteRecord(
            id: "r-0011223344556677", tokenHash: String(repeating: "ef", count: 32), email: "ann@example.com",
            accounts: [], temporaryPasswordHash: "", createdAt: 1_767_225_600_000, expiresAt: 1_767_312_000_000,
            createdBy: "operator:root")
        link.userID = "u-0123456789abcdef01234567"
        link.purpose = .passwordReset
        return link
    }()

    static func decodeInvite(_ bytes: [UInt8]) throws -> InviteRecord {
        try bytes.withUnsafeBytes { try InviteRecord(decoding: $0) }
    }

    @Test func aUserWithoutName_andASignUpInvite_areWrittenInVersion1() throws {
        #expect(DirectoryRecordCodingTests.user.encoded()[1] == 1)
        #expect(DirectoryRecordCodingTests.invite.encoded()[1] == 1)
        #expect(try DirectoryRecordCodingTests.decodeUser(DirectoryRecordCodingTests.user.encoded()).name == nil)
        #expect(try Self.decodeInvite(DirectoryRecordCodingTests.invite.encoded()).purpose == nil)
    }

    @Test func aUsersName_isVersion2_andRoundTrips() throws {
        var user = DirectoryRecordCodingTests.user
        user.name = "Ann Lee 李安"
        let bytes = user.encoded()
        #expect(bytes[1] == 2)
        #expect(try DirectoryRecordCodingTests.decodeUser(bytes) == user)
        let keys = try bytes.withUnsafeBytes { try UserRecord.keys(in: $0) }
        #expect(keys.accounts == user.accounts)
        // Version 1's fields are unchanged in front of the name.
        user.name = nil
        #expect(Array(bytes[2...]).starts(with: Array(user.encoded()[2...])))
    }

    @Test func aResetLink_isVersion2_roundTrips_andIsIndexedAsOpen() throws {
        let bytes = Self.link.encoded()
        #expect(bytes[1] == 2)
        #expect(bytes.last == 1, "the purpose byte comes last")
        #expect(try Self.decodeInvite(bytes) == Self.link)
        let keys = try bytes.withUnsafeBytes { try InviteRecord.keys(in: $0) }
        #expect(keys.closedAt == nil)
    }

    @Test func aVersion2InviteWithAnUnknownPurpose_orNone_isRefused() {
        var bytes = Self.link.encoded()
        for purpose: UInt8 in [0, 2, 255] {
            bytes[bytes.count - 1] = purpose
            #expect(throws: ByteReader.Malformed.self) { try Self.decodeInvite(bytes) }
            #expect(throws: ByteReader.Malformed.self) { try bytes.withUnsafeBytes { try InviteRecord.keys(in: $0) } }
        }
        #expect(throws: ByteReader.Malformed.self) { try Self.decodeInvite(Array(Self.link.encoded().dropLast())) }
    }

    @Test func aResetLink_isFoundByItsToken_andAmongThePendingOfItsEmail_acrossACompactionAndARestart()
        async throws
    {
        let fixture = DirectoryFixture()
        var directory = try fixture.open()
        let now = fixture.now
        var link = Self.link
        link.createdAt = now
        link.expiresAt = now + 1000
        let stored = link
        try await directory.update { transaction in
            var user = DirectoryFixture.user(1)
            user.email = "ann@example.com"
            user.name = "Ann"
            transaction.put(user)
            transaction.put(stored)
        }
        _ = try await directory.compact()
        directory.close()
        directory = try fixture.open()
        defer { directory.close() }
        #expect(directory.read { $0.invite(tokenHash: stored.tokenHash) } == stored)
        #expect(directory.read { $0.pendingInvites(email: "ann@example.com").map(\.id) } == [stored.id])
        #expect(directory.user(id: "u-1")?.name == "Ann")
    }

    @Test func rewriteInFormat1_dropsResetLinks_andKeepsNames() async throws {
        let fixture = DirectoryFixture()
        let directory = try fixture.open()
        let now = fixture.now
        try await directory.update { transaction in
            var user = DirectoryFixture.user(1)
            user.name = "Ann"
            transaction.put(user)
            transaction.put(DirectoryFixture.invite(2, createdAt: now, expiresAt: now + 1000))
            var link = Self.link
            link.expiresAt = now + 1000
            transaction.put(link)
        }
        directory.close()
        #expect(try Directory.rewriteInFormat1(path: fixture.folder) == 2)
        let opened = try RecordStore.open(directory: fixture.folder)
        let entries = try opened.records.map { try JSONDecoder().decode(DirectoryEntry.self, from: Data($0.payload)) }
        opened.store.close()
        #expect(entries.flatMap { $0.invites ?? [] }.map(\.id) == ["i-2"])
        #expect(entries.flatMap { $0.users ?? [] }.map(\.name) == ["Ann"])
    }
}
