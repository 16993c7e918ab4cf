import Foundation
import Testing
import TwofoldStore

@testable import TwofoldDirectory

/// Paged listings: a walk from page to page sees every record that exists throughout exactly
/// once, whatever is created or removed meanwhile, and a cursor from another run is refused.
@Suite struct DirectoryListingTests {
    static let day: Int64 = 24 * 3600 * 1000

    /// Every page of invites from the start, `between` running after each page.
    static func allInvitePages(
        _ directory: Directory, limit: Int, between: (Int) async throws -> Void = { _ in }
    ) async throws -> [String] {
        var ids: [String] = []
        var cursor: DirectoryCursor?
        var pages = 0
        while true {
            let page = try directory.invitesPage(after: cursor, limit: limit)
            #expect(page.entries.count <= limit)
            ids += page.entries.map(\.record.id)
            pages += 1
            guard page.more, let last = page.entries.last else { break }
            cursor = last.next
            try await between(pages)
        }
        return ids
    }

    @Test func invitePages_listEveryInviteThatExistsThroughout_once_whileOthersAreDroppedAndCreated() async throws {
        let fixture = DirectoryFixture { $0.inviteRetentionMs = Self.day }
        let directory = try fixture.open()
        defer { directory.close() }
        let now = fixture.now
        try await directory.update { transaction in
            for number in 0..<100 {
                var invite = DirectoryFixture.invite(number, createdAt: now - 10 * Self.day, expiresAt: now + Self.day)
                // Every third one ended long ago: the next compaction drops it and frees its slot.
                if number % 3 == 0 { invite.revokedAt = now - 5 * Self.day }
                transaction.put(invite)
            }
        }
        let kept = Set((0..<100).filter { $0 % 3 != 0 }.map { "i-\($0)" })
        var created = 100
        let ids = try await Self.allInvitePages(directory, limit: 7) { page in
            if page == 2 { _ = try await directory.compact() }  // drops 34, listed or not yet
            if page >= 2, page <= 6 {
                // New invites take the freed slots, before and after the cursor.
                try await directory.update { transaction in
                    for _ in 0..<8 {
                        transaction.put(DirectoryFixture.invite(created, createdAt: now, expiresAt: now + Self.day))
                        created += 1
                    }
                }
            }
        }
        #expect(Set(ids).count == ids.count, "no invite is listed twice")
        #expect(kept.isSubset(of: Set(ids)), "missing: \(kept.subtracting(ids).sorted())")
        #expect(directory.inviteCount == 66 + 40)
    }

    @Test func userPages_followTheOrderUsersWereCreatedIn_andEndWithoutMore() async throws {
        let fixture = DirectoryFixture { $0.compactionChunk = 3 }
        let directory = try fixture.open()
        defer { directory.close() }
        for number in 0..<25 {  // one sign-up after another
            try await directory.update { transaction in transaction.put(DirectoryFixture.user(number)) }
        }
        var ids: [String] = []
        var cursor: DirectoryCursor?
        var pages = 0
        repeat {
            let page = try directory.usersPage(after: cursor, limit: 10)
            ids += page.entries.map(\.record.id)
            cursor = page.more ? page.entries.last?.next : nil
            pages += 1
        } while cursor != nil
        #expect(ids == (0..<25).map { "u-\($0)" })
        #expect(pages == 3)
        let exact = try directory.usersPage(after: nil, limit: 25)
        #expect(exact.entries.count == 25 && !exact.more, "a page that holds the rest says so")
    }

    @Test func aCursor_fromAnotherRunOfTheDirectory_isRefusedAsExpired() async throws {
        let fixture = DirectoryFixture()
        var directory = try fixture.open()
        try await directory.update { transaction in
            for number in 0..<5 { transaction.put(DirectoryFixture.user(number)) }
        }
        let cursor = try #require(try directory.usersPage(after: nil, limit: 2).entries.last?.next)
        #expect(try directory.usersPage(after: cursor, limit: 2).entries.map(\.record.id) == ["u-2", "u-3"])
        directory.close()
        directory = try fixture.open()
        defer { directory.close() }
        #expect {
            _ = try directory.usersPage(after: cursor, limit: 2)
        } throws: { ($0 as? DirectoryError)?.code == .cursorExpired }
    }

    @Test func aCursor_fromBeforeARebuildFromDisk_isRefusedAsExpired() async throws {
        let fault = DirectoryDiskFault()
        let log = DirectoryEventLog()
        let fixture = DirectoryStorageFailureTests.fixture(fault, log)
        let directory = try fixture.open()
        defer { directory.close() }
        try await directory.update { transaction in
            for number in 0..<5 { transaction.put(DirectoryFixture.user(number)) }
        }
        let cursor = try #require(try directory.usersPage(after: nil, limit: 2).entries.last?.next)
        fault.arm(.batchWritten)
        await #expect(throws: DirectoryError.self) {
            try await directory.update { transaction in transaction.put(DirectoryFixture.user(9)) }
        }
        fault.disarm(.batchWritten)
        await log.next(DirectoryEventLog.isRecovered)
        #expect {
            _ = try directory.usersPage(after: cursor, limit: 2)
        } throws: { ($0 as? DirectoryError)?.code == .cursorExpired }
        #expect(try directory.usersPage(after: nil, limit: 10).entries.count == 5)
    }

    @Test func cursors_printAndParseBack_andAnythingElseIsRefusedBeforeAnyWork() {
        let cursor = DirectoryCursor(instance: 0x00ab_cdef_0123_4567, generation: 3, slot: 42)
        #expect(cursor.description == "00abcdef01234567.3.42")
        #expect(DirectoryCursor(cursor.description) == cursor)
        for text in [
            "", "00abcdef01234567.3", "00ABCDEF01234567.3.42", "abcdef01234567.3.42", "00abcdef01234567.-3.42",
            "00abcdef01234567.3.4294967296", "00abcdef01234567.3.42.1", "00abcdef01234567..42",
            "00abcdef01234567.3.4 2", String(repeating: "1", count: 65), "００abcdef01234567.3.42",
        ] {
            #expect(DirectoryCursor(text) == nil, "\(text)")
        }
    }

    @Test func accountPages_goByID() async throws {
        let fixture = DirectoryFixture()
        let directory = try fixture.open()
        defer { directory.close() }
        try await directory.update { transaction in
            for number in 0..<12 {
                transaction.put(AccountRecord(id: "a-\(100 + number)", name: "Name \(11 - number)", createdAt: 1))
            }
        }
        let first = directory.accountsPage(afterID: nil, limit: 5)
        #expect(first.accounts.map(\.id) == (100..<105).map { "a-\($0)" } && first.more)
        let last = directory.accountsPage(afterID: "a-109", limit: 5)
        #expect(last.accounts.map(\.id) == ["a-110", "a-111"] && !last.more)
    }
}
