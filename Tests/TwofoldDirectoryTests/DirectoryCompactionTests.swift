import Foundation
import Synchronization
import Testing
import TwofoldStore

@testable import TwofoldDirectory

@Suite struct DirectoryCompactionTests {
    static let day: Int64 = 24 * 3600 * 1000

    @Test func compaction_dropsInvitesEndedBeforeTheRetention_andKeepsRecentAndPendingOnes() async throws {
        let fixture = DirectoryFixture { $0.inviteRetentionMs = 30 * Self.day }
        var directory = try fixture.open()
        let now = fixture.now
        try await directory.update { transaction in
            var oldUsed = DirectoryFixture.invite(1, createdAt: now - 40 * Self.day, expiresAt: now - 33 * Self.day)
            oldUsed.usedAt = now - 31 * Self.day
            var recentUsed = DirectoryFixture.invite(2, createdAt: now - 40 * Self.day, expiresAt: now - 33 * Self.day)
            recentUsed.usedAt = now - 29 * Self.day
            var oldRevoked = DirectoryFixture.invite(3, createdAt: now - 40 * Self.day, expiresAt: now + Self.day)
            oldRevoked.revokedAt = now - 31 * Self.day
            let oldExpired = DirectoryFixture.invite(4, createdAt: now - 40 * Self.day, expiresAt: now - 31 * Self.day)
            let recentExpired = DirectoryFixture.invite(
                5, createdAt: now - 40 * Self.day, expiresAt: now - 2 * Self.day)
            let pending = DirectoryFixture.invite(6, createdAt: now - 40 * Self.day, expiresAt: now + Self.day)
            for invite in [oldUsed, recentUsed, oldRevoked, oldExpired, recentExpired, pending] {
                transaction.put(invite)
            }
        }
        let report = try await directory.compact()
        #expect(report.droppedInvites == 3)
        #expect(report.invites == 3)
        let kept = Set(directory.invites().map(\.id))
        #expect(kept == ["i-2", "i-5", "i-6"])
        directory.close()
        directory = try fixture.open()
        defer { directory.close() }
        #expect(Set(directory.invites().map(\.id)) == kept, "the drops are in the log and the snapshot alike")
        #expect(directory.read { $0.pendingInvite(email: "invitee6@example.com")?.id } == "i-6")
    }

    @Test func compaction_dropsExpiredSessions_andKeepsLiveOnes() async throws {
        let lifetime = SessionLifetime(idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000, passwordStageMs: 5 * 60_000)
        let fixture = DirectoryFixture { $0.sessionLifetime = lifetime }
        var directory = try fixture.open()
        let now = fixture.now
        try await directory.update { transaction in
            transaction.put(DirectoryFixture.user(1))
            transaction.put(DirectoryFixture.session("live", user: "u-1", at: now - 60_000))
            transaction.put(DirectoryFixture.session("idle", user: "u-1", at: now - 31 * 60_000))
            transaction.put(DirectoryFixture.session("password", user: "u-1", at: now - 6 * 60_000, stage: .password))
        }
        let report = try await directory.compact()
        #expect(report.droppedSessions == 2 && report.sessions == 1)
        #expect(directory.sessionCount(ofUser: "u-1") == 1)
        directory.close()
        directory = try fixture.open()
        defer { directory.close() }
        #expect(directory.session(id: "live") != nil)
        #expect(directory.session(id: "idle") == nil && directory.session(id: "password") == nil)
    }

    @Test func restart_fromACompactedLog_showsTheSameDirectory_andReplaysOnlyTheTail() async throws {
        let fixture = DirectoryFixture { $0.compactionChunk = 7 }
        var directory = try fixture.open()
        let now = fixture.now
        try await directory.update { transaction in
            transaction.put(AccountRecord(id: "a-1", name: "Acme", createdAt: 1))
            for number in 0..<300 {
                transaction.put(DirectoryFixture.user(number, accounts: number % 2 == 0 ? ["a-1"] : []))
                transaction.put(DirectoryFixture.invite(number, createdAt: now - Int64(number), expiresAt: now + 100))
                transaction.put(DirectoryFixture.session("s\(number)", user: "u-\(number)", at: now))
            }
        }
        _ = try await directory.compact()
        try await directory.update { transaction in
            transaction.put(DirectoryFixture.user(1000))
            transaction.endSession(id: "s3")
        }
        let before = DirectoryView(directory)
        directory.close()
        directory = try fixture.open()
        defer { directory.close() }
        #expect(DirectoryView(directory) == before)
        #expect(directory.openReport.snapshotRecords == 901)
        #expect(directory.openReport.logRecords == 1, "only the change made after the compaction is replayed")
        #expect(directory.members(ofAccount: "a-1") == 150)
    }

    @Test func changesMadeWhileCompacting_areAllInTheDirectoryAfterReopening() async throws {
        let fixture = DirectoryFixture { $0.compactionChunk = 1 }
        var directory = try fixture.open()
        try await directory.update { transaction in
            for number in 0..<500 { transaction.put(DirectoryFixture.user(number)) }
        }
        let current = directory
        async let compaction = current.compact()
        for number in 500..<700 {
            try await current.update { transaction in
                transaction.put(DirectoryFixture.user(number))
                if var old = transaction.user(id: "u-\(number - 500)") {
                    old.disabled = true
                    transaction.put(old)
                }
            }
        }
        let report = try await compaction
        let before = DirectoryView(directory)
        #expect(before.users.count == 700)
        directory.close()
        directory = try fixture.open()
        defer { directory.close() }
        #expect(DirectoryView(directory) == before, "carried \(report.changesCarried) changes")
    }

    /// Stops a compaction at each of its steps (and at each step of the store's log rewrite) the
    /// way a crash would, then reopens: nothing acknowledged is missing, nothing ended returns.
    @Test func aCrashAtAnyCompactionStep_losesNothingAcknowledged() async throws {
        let storeSteps: [RecordStore.FaultPoint] = [
            .compactionFileCreated, .compactionFileWritten, .compactionFileSynced, .compactionRenamed,
            .compactionDirectorySynced,
        ]
        let directorySteps: [(Directory.CompactionStep?, RecordStore.FaultPoint?)] =
            Directory.CompactionStep.allCases.map { ($0, nil) }
        let cases = directorySteps + storeSteps.map { (nil, $0) }
        for (directoryStep, storeStep) in cases {
            let armed = Mutex(false)
            let fixture = DirectoryFixture { options in
                options.compactionFaultHook = { step in
                    if armed.withLock({ $0 }), step == directoryStep { throw CancellationError() }
                }
                options.store = RecordStore.Options(faultHook: { point in
                    if armed.withLock({ $0 }), point == storeStep { throw CancellationError() }
                })
            }
            var directory = try fixture.open()
            try await directory.update { transaction in
                for number in 0..<50 { transaction.put(DirectoryFixture.user(number)) }
                transaction.put(DirectoryFixture.session("gone", user: "u-1", at: 1))
            }
            _ = try await directory.compact()  // a snapshot to come back to
            try await directory.update { transaction in
                transaction.put(DirectoryFixture.user(50))
                transaction.endSession(id: "gone")
            }
            let before = DirectoryView(directory)
            armed.withLock { $0 = true }
            await #expect(
                throws: DirectoryError.self, "\(String(describing: directoryStep)) \(String(describing: storeStep))"
            ) {
                _ = try await directory.compact()
            }
            directory.close()
            armed.withLock { $0 = false }
            directory = try fixture.open()
            #expect(
                DirectoryView(directory) == before,
                "\(String(describing: directoryStep)) \(String(describing: storeStep))")
            #expect(directory.session(id: "gone") == nil)
            // And it compacts and reopens cleanly afterwards.
            _ = try await directory.compact()
            directory.close()
            directory = try fixture.open()
            #expect(DirectoryView(directory) == before)
            directory.close()
        }
    }

    @Test func aFormat1Log_isReplayed_andRewrittenInTheCurrentFormatByTheFirstCompaction() async throws {
        let fixture = DirectoryFixture()
        let opened = try RecordStore.open(directory: fixture.folder)
        var user = DirectoryFixture.user(1, accounts: ["a-1"])
        user.disabled = true
        var used = DirectoryFixture.invite(1, createdAt: fixture.now - 10, expiresAt: fixture.now + 100)
        used.usedAt = fixture.now - 5
        used.userID = user.id
        let entries = [
            DirectoryEntry(accounts: [AccountRecord(id: "a-1", name: "Acme", createdAt: 1)]),
            DirectoryEntry(users: [user], invites: [used]),
            DirectoryEntry(sessions: [DirectoryFixture.session("s1", user: user.id, at: 1)]),
            DirectoryEntry(sessions: [DirectoryFixture.session("s2", user: user.id, at: 1)]),
            DirectoryEntry(endedSessions: ["s1"]),
        ]
        for entry in entries { _ = try opened.store.appendAndWait(Array(try JSONEncoder().encode(entry))) }
        opened.store.close()

        var directory = try fixture.open()
        #expect(directory.openReport.format1Records == 5)
        let before = DirectoryView(directory)
        #expect(before.users == [user])
        #expect(directory.session(id: "s1") == nil && directory.session(id: "s2") != nil)
        #expect(directory.invites().first?.temporaryPasswordHash == "", "a used invite keeps no password hash")
        _ = try await directory.compact()
        directory.close()
        directory = try fixture.open()
        defer { directory.close() }
        #expect(directory.openReport.format1Records == 0)
        #expect(DirectoryView(directory) == before)
    }

    @Test func theCommittedFormat1Fixture_opens_withEveryUserAndInvite() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/format-v1")
        let manifest = try JSONSerialization.jsonObject(
            with: Data(contentsOf: fixtures.appendingPathComponent("manifest.json")))
        guard let admin = (manifest as? [String: Any])?["admin"] as? [String: Any],
            let users = (admin["user.list"] as? [String: Any])?["users"] as? [[String: Any]],
            let invites = (admin["invite.list"] as? [String: Any])?["invites"] as? [[String: Any]]
        else {
            Issue.record("the manifest lacks user.list or invite.list")
            return
        }
        let fixture = DirectoryFixture()
        try FileManager.default.copyItem(
            atPath: fixtures.appendingPathComponent("gateway/directory").path, toPath: fixture.folder)
        let directory = try fixture.open()
        defer { directory.close() }
        #expect(directory.openReport.format1Records > 0)
        #expect(Set(directory.users().map(\.email)) == Set(users.compactMap { $0["email"] as? String }))
        #expect(directory.invites().map(\.id) == invites.compactMap { $0["id"] as? String })
    }

    @Test func rewriteInFormat1_leavesALogThatFormat1Reads() async throws {
        let fixture = DirectoryFixture()
        var directory = try fixture.open()
        try await directory.update { transaction in
            transaction.put(AccountRecord(id: "a-1", name: "Acme", createdAt: 1))
            for number in 0..<20 { transaction.put(DirectoryFixture.user(number, accounts: ["a-1"])) }
            transaction.put(DirectoryFixture.session("s1", user: "u-1", at: fixture.now))
        }
        _ = try await directory.compact()
        let before = DirectoryView(directory)
        directory.close()
        let snapshot = try Data(contentsOf: URL(fileURLWithPath: fixture.folder + "/directory.snapshot"))

        #expect(try Directory.rewriteInFormat1(path: fixture.folder) == 22)
        #expect(fixture.files()["directory.snapshot"] == nil)
        let opened = try RecordStore.open(directory: fixture.folder)
        let decoded = try opened.records.map { try JSONDecoder().decode(DirectoryEntry.self, from: Data($0.payload)) }
        opened.store.close()
        #expect(decoded.flatMap { $0.users ?? [] }.count == 20)

        // A snapshot left behind (a crash before its removal) is ignored: the log is whole.
        try snapshot.write(to: URL(fileURLWithPath: fixture.folder + "/directory.snapshot"))
        directory = try fixture.open()
        defer { directory.close() }
        #expect(directory.openReport.ignoredStaleSnapshot)
        #expect(DirectoryView(directory) == before)
    }

    @Test func aLogContinuingAMissingOrForeignSnapshot_failsToOpen_ratherThanGuess() async throws {
        let fixture = DirectoryFixture()
        let directory = try fixture.open()
        try await directory.update { $0.put(DirectoryFixture.user(1)) }
        _ = try await directory.compact()
        directory.close()
        let path = fixture.folder + "/directory.snapshot"
        let snapshot = try Data(contentsOf: URL(fileURLWithPath: path))

        try FileManager.default.removeItem(atPath: path)
        #expect(throws: DirectoryError.self) { _ = try fixture.open() }

        var foreign = [UInt8](snapshot)
        foreign.replaceSubrange(16..<24, with: Array(repeating: 0x5a, count: 8))
        foreign.replaceSubrange(
            24..<28, with: withUnsafeBytes(of: CRC32C.checksum(foreign[0..<24]).bigEndian) { Array($0) })
        try Data(foreign).write(to: URL(fileURLWithPath: path))
        #expect(throws: DirectoryError.self) { _ = try fixture.open() }

        try Data(snapshot.dropLast(5)).write(to: URL(fileURLWithPath: path))
        #expect(throws: DirectoryError.self) { _ = try fixture.open() }

        try snapshot.write(to: URL(fileURLWithPath: path))
        let reopened = try fixture.open()
        #expect(reopened.user(id: "u-1") != nil)
        reopened.close()
    }
}
