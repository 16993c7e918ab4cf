import Foundation
import Synchronization

@testable import TwofoldDirectory

/// A directory in a fresh temporary folder with a clock the test moves.
final class DirectoryFixture: Sendable {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dir-\(UUID().uuidString)").path
    let time = Mutex<Int64>(1_800_000_000_000)
    let options: Directory.Options

    init(_ configure: (inout Directory.Options) -> Void = { _ in }) {
        var options = Directory.Options()
        options.compactsAutomatically = false
        configure(&options)
        self.options = options
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    var now: Int64 { time.withLock { $0 } }
    func advance(ms: Int64) { time.withLock { $0 += ms } }

    func open() throws -> Directory {
        try Directory.open(path: folder, clock: { [self] in now }, options: options)
    }

    static func user(_ number: Int, accounts: [String] = []) -> UserRecord {
        UserRecord(
            id: "u-\(number)", email: "user\(number)@example.com", passwordHash: "$scrypt$ln=10,r=8,p=1$c2$a2",
            accounts: accounts, createdAt: 1)
    }

    static func invite(_ number: Int, email: String? = nil, createdAt: Int64, expiresAt: Int64) -> InviteRecord {
        InviteRecord(
            id: "i-\(number)", tokenHash: "token-\(number)", email: email ?? "invitee\(number)@example.com",
            accounts: [], temporaryPasswordHash: "$scrypt$x", createdAt: createdAt, expiresAt: expiresAt,
            createdBy: "operator:root")
    }

    static func session(_ id: String, user: String, at time: Int64, stage: SessionStage = .full) -> SessionRecord {
        SessionRecord(
            id: id, userID: user, stage: stage, csrf: "c", createdAt: time, accountID: nil, remoteAddress: nil)
    }

    /// The files of the folder and their sizes.
    func files() -> [String: Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return Dictionary(
            uniqueKeysWithValues: names.map { name in
                (name, (try? FileManager.default.attributesOfItem(atPath: folder + "/" + name)[.size] as? Int) ?? 0)
            })
    }
}

/// Everything a user or an operator can see of a directory, for before/after comparisons.
struct DirectoryView: Equatable {
    let users: [UserRecord]
    let invites: [InviteRecord]
    let accounts: [AccountRecord]
    let members: [String: Int]
    let sessions: [String: Int]

    init(_ directory: Directory) {
        users = directory.users()
        invites = directory.invites()
        accounts = directory.accounts()
        members = Dictionary(uniqueKeysWithValues: accounts.map { ($0.id, directory.members(ofAccount: $0.id)) })
        sessions = Dictionary(uniqueKeysWithValues: users.map { ($0.id, directory.sessionCount(ofUser: $0.id)) })
    }
}
