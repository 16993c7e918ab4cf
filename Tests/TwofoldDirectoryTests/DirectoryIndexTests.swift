import Testing

@testable import TwofoldDirectory

/// The lookups that replaced scans (issue 21) answer what the scans did.
@Suite struct DirectoryIndexTests {
    @Test func pendingInvite_findsOnlyAPendingInviteForThatEmail() async throws {
        let fixture = DirectoryFixture()
        let directory = try fixture.open()
        defer { directory.close() }
        let now = fixture.now
        try await directory.update { transaction in
            var used = DirectoryFixture.invite(1, email: "a@example.com", createdAt: now - 10, expiresAt: now + 100)
            used.usedAt = now - 5
            transaction.put(used)
            transaction.put(DirectoryFixture.invite(2, email: "a@example.com", createdAt: now - 10, expiresAt: now - 1))
            transaction.put(DirectoryFixture.invite(3, email: "b@example.com", createdAt: now, expiresAt: now + 100))
        }
        directory.read { transaction in
            #expect(transaction.pendingInvite(email: "a@example.com") == nil, "used and expired do not count")
            #expect(transaction.pendingInvite(email: "b@example.com")?.id == "i-3")
            #expect(transaction.pendingInvite(email: "c@example.com") == nil)
        }
        try await directory.update { transaction in
            #expect(transaction.pendingInvite(email: "b@example.com") != nil)
            guard var invite = transaction.invite(id: "i-3") else { return }
            invite.revokedAt = now
            transaction.put(invite)
            #expect(transaction.pendingInvite(email: "b@example.com") == nil, "the transaction sees its own revoke")
        }
        directory.read { #expect($0.pendingInvite(email: "b@example.com") == nil) }
    }

    @Test func inviteByToken_findsOpenInvites_andNeverAUsedOne() async throws {
        let fixture = DirectoryFixture()
        let directory = try fixture.open()
        defer { directory.close() }
        let now = fixture.now
        try await directory.update { $0.put(DirectoryFixture.invite(1, createdAt: now, expiresAt: now + 100)) }
        #expect(directory.read { $0.invite(tokenHash: "token-1")?.id } == "i-1")
        try await directory.update { transaction in
            guard var invite = transaction.invite(id: "i-1") else { return }
            invite.usedAt = now
            transaction.put(invite)
        }
        #expect(directory.read { $0.invite(tokenHash: "token-1") } == nil)
        #expect(directory.read { $0.invite(id: "i-1")?.status(at: now) } == .used)
    }

    @Test func memberCounts_followMembershipChanges_andSurviveReopening() async throws {
        let fixture = DirectoryFixture()
        var directory = try fixture.open()
        try await directory.update { transaction in
            transaction.put(AccountRecord(id: "a-1", name: "Acme", createdAt: 1))
            transaction.put(AccountRecord(id: "a-2", name: "Beta", createdAt: 1))
            for number in 0..<5 { transaction.put(DirectoryFixture.user(number, accounts: ["a-1"])) }
        }
        try await directory.update { transaction in
            guard var user = transaction.user(id: "u-0") else { return }
            user.accounts = ["a-2"]
            transaction.put(user)
        }
        #expect(directory.members(ofAccount: "a-1") == 4)
        #expect(directory.members(ofAccount: "a-2") == 1)
        directory.close()
        directory = try fixture.open()
        defer { directory.close() }
        #expect(directory.members(ofAccount: "a-1") == 4)
        #expect(directory.members(ofAccount: "a-2") == 1)
    }

    @Test func accountByName_isCaseInsensitive_andFollowsARename() async throws {
        let fixture = DirectoryFixture()
        let directory = try fixture.open()
        defer { directory.close() }
        try await directory.update { $0.put(AccountRecord(id: "a-1", name: "Acme", createdAt: 1)) }
        #expect(directory.account(named: "ACME")?.id == "a-1")
        try await directory.update { $0.put(AccountRecord(id: "a-1", name: "Acme Inc", createdAt: 1)) }
        #expect(directory.account(named: "acme") == nil)
        #expect(directory.account(named: "acme inc")?.id == "a-1")
        #expect(directory.read { $0.account(named: "ACME INC")?.id } == "a-1")
    }

    @Test func userByEmail_andSessionsOfAUser_comeFromTheirIndexes() async throws {
        let fixture = DirectoryFixture()
        let directory = try fixture.open()
        defer { directory.close() }
        try await directory.update { transaction in
            for number in 0..<1000 { transaction.put(DirectoryFixture.user(number)) }
            for number in 0..<3 { transaction.put(DirectoryFixture.session("s\(number)", user: "u-7", at: 1)) }
        }
        #expect(directory.user(email: "user999@example.com")?.id == "u-999")
        #expect(directory.user(email: "user1000@example.com") == nil)
        #expect(directory.sessionCount(ofUser: "u-7") == 3)
        _ = try await directory.update { $0.endSessions(ofUser: "u-7", keeping: "s1") }
        #expect(directory.sessionCount(ofUser: "u-7") == 1)
        #expect(directory.session(id: "s1") != nil && directory.session(id: "s0") == nil)
    }
}
