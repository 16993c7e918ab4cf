import Foundation
import Testing

@testable import TwofoldDirectory

@Suite struct DirectoryTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dir-\(UUID().uuidString)").path
    func open() throws -> Directory {
        try Directory.open(path: folder) { 1_800_000_000_000 }
    }

    func makeUser(_ email: String, accounts: [String] = []) -> UserRecord {
        UserRecord(
            id: DirectoryToken.identifier("u", bytes: 12), email: email, passwordHash: "$scrypt$x", accounts: accounts,
            createdAt: 1)
    }

    @Test func update_isDurable_andReadBackAfterReopening() async throws {
        let directory = try open()
        let user = makeUser("alice@example.com")
        try await directory.update { transaction in transaction.put(user) }
        directory.close()
        let reopened = try open()
        defer { reopened.close() }
        #expect(reopened.user(email: "alice@example.com") == user)
        #expect(reopened.user(id: user.id)?.email == "alice@example.com")
    }

    @Test func update_whenBodyThrows_changesNothing() async throws {
        let directory = try open()
        defer { directory.close() }
        await #expect(throws: DirectoryError.self) {
            try await directory.update { (transaction) throws(DirectoryError) in
                transaction.put(makeUser("bob@example.com"))
                throw DirectoryError(.conflict, "no")
            }
        }
        #expect(directory.user(email: "bob@example.com") == nil)
        #expect(directory.userCount == 0)
    }

    @Test func transaction_seesItsOwnWrites_andEndsSessionsOfOneUser() async throws {
        let directory = try open()
        defer { directory.close() }
        let user = makeUser("carol@example.com")
        let ended = try await directory.update { transaction in
            transaction.put(user)
            #expect(transaction.user(email: "carol@example.com") == user)
            for index in 0..<3 {
                transaction.put(
                    SessionRecord(
                        id: "s\(index)", userID: user.id, stage: .full, csrf: "c", createdAt: 1, accountID: nil,
                        remoteAddress: nil))
            }
            return 0
        }
        #expect(ended == 0)
        let count = try await directory.update { transaction in
            transaction.endSessions(ofUser: user.id, keeping: "s1")
        }
        #expect(count == 2)
        #expect(directory.session(id: "s1") != nil)
        #expect(directory.session(id: "s0") == nil)
        directory.close()
        let reopened = try open()
        defer { reopened.close() }
        #expect(reopened.sessionCount == 1)
        #expect(reopened.sessionCount(ofUser: user.id) == 1)
    }

    @Test func invite_statusFollowsUseRevocationAndTime() {
        var invite = InviteRecord(
            id: "i-1", tokenHash: "h", email: "d@example.com", accounts: [], temporaryPasswordHash: "x", createdAt: 0,
            expiresAt: 100, createdBy: "root")
        #expect(invite.status(at: 99) == .pending)
        #expect(invite.status(at: 100) == .expired)
        invite.revokedAt = 50
        #expect(invite.status(at: 60) == .revoked)
        invite.usedAt = 40
        #expect(invite.status(at: 60) == .used)
    }

    @Test func compaction_leavesALogOfEndedSessionsHoldingOnlyTheUser() async throws {
        let directory = try open()
        let user = makeUser("erin@example.com")
        try await directory.update { $0.put(user) }
        for index in 0..<100 {
            try await directory.update { transaction in
                transaction.put(
                    SessionRecord(
                        id: "s\(index)", userID: user.id, stage: .full, csrf: "c", createdAt: 1, accountID: nil,
                        remoteAddress: nil))
            }
            try await directory.update { $0.endSession(id: "s\(index)") }
        }
        let report = try await directory.compact()
        #expect(report.users == 1 && report.sessions == 0)
        directory.close()
        let reopened = try open()
        #expect(reopened.sessionCount == 0)
        #expect(reopened.user(id: user.id) == user)
        #expect(reopened.openReport.logRecords == 0, "only the marker is left in the log")
        reopened.close()
        let log = try FileManager.default.contentsOfDirectory(atPath: folder)
        let size = try log.reduce(0) { total, name in
            total + ((try FileManager.default.attributesOfItem(atPath: folder + "/" + name)[.size] as? Int) ?? 0)
        }
        #expect(size < 2_000, "the compacted directory holds only the user")
    }

    @Test func tokens_areWellFormed_andHashedForLookup() {
        let token = DirectoryToken.make()
        #expect(DirectoryToken.isWellFormed(token))
        #expect(!DirectoryToken.isWellFormed(token + "x"))
        #expect(!DirectoryToken.isWellFormed(String(token.dropLast()) + "="))
        #expect(DirectoryToken.hash(token).count == 64)
        #expect(DirectoryToken.base64URL(Array("any carnal pleas".utf8)) == "YW55IGNhcm5hbCBwbGVhcw")
        #expect(DirectoryToken.base64URL(Array("any carnal pleasu".utf8)) == "YW55IGNhcm5hbCBwbGVhc3U")
    }

    @Test func email_isNormalised_andGarbageRefused() {
        #expect(EmailAddress.normalize("  Alice@Example.COM ") == "alice@example.com")
        for bad in ["", "alice", "a@b", "a@@b.c", "@b.c", "a b@c.d", "a@.c", "a@c.", "<a@b.c>"] {
            #expect(EmailAddress.normalize(bad) == nil, "\(bad)")
        }
    }
}
