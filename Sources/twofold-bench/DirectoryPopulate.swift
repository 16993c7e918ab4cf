import Foundation
import TwofoldDirectory
import TwofoldPasswords

/// Fills a gateway's directory (`<data dir>/directory`, the gateway stopped) to `users` users
/// directly, for the million-user measurements: each user is a member of one of ten accounts and
/// has the used invite it signed up with (ended now, so kept for the retention period), and the
/// first `sessions` users have a live full session. One scrypt hash (N = 2^10) of a random
/// password is shared by every user instead of hours of hashing; these users only fill the
/// directory (the vault knows none of them). Ends with a compaction, so the folder holds what a
/// long-running gateway leaves. Prints users/s of the fill and the folder's size.
enum DirectoryPopulate {
    static func run(dataDirectory: String, users: Int, sessions: Int, batch: Int = 2000) throws {
        let started = DispatchTime.now().uptimeNanoseconds
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var options = Directory.Options()
        options.compactsAutomatically = false
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let path = dataDirectory + "/directory"
        let directory = try Directory.open(path: path, clock: { now }, options: options)
        defer { directory.close() }
        let hash = try PasswordHasher(parameters: try ScryptParameters(logN: 10, r: 8, p: 1))
            .hash(DirectoryToken.make())
        let accounts = (0..<10).map {
            AccountRecord(id: DirectoryToken.identifier("a", bytes: 8), name: "Populated \($0)", createdAt: now)
        }
        try directory.updateAndWait { transaction in
            for account in accounts where transaction.account(named: account.name) == nil { transaction.put(account) }
        }
        let accountIDs = accounts.compactMap { directory.account(named: $0.name)?.id }
        let tag = DirectoryToken.identifier("p", bytes: 3)
        var done = 0
        while done < users {
            let count = min(batch, users - done)
            let first = done
            try directory.updateAndWait { transaction in
                for index in first..<(first + count) {
                    let email = "fill-\(tag)-\(index)@populate.example"
                    let account = accountIDs.isEmpty ? [] : [accountIDs[index % accountIDs.count]]
                    let user = UserRecord(
                        id: DirectoryToken.identifier("u", bytes: 12), email: email, passwordHash: hash,
                        accounts: account, createdAt: now)
                    var invite = InviteRecord(
                        id: DirectoryToken.identifier("i", bytes: 8),
                        tokenHash: DirectoryToken.hash(DirectoryToken.make()),
                        email: email, accounts: account, temporaryPasswordHash: hash, createdAt: now - 60_000,
                        expiresAt: now + 7 * 86_400_000, createdBy: "operator:populate")
                    invite.usedAt = now
                    invite.userID = user.id
                    transaction.put(user)
                    transaction.put(invite)
                    if index < sessions {
                        var session = SessionRecord(
                            id: DirectoryToken.hash(DirectoryToken.make()), userID: user.id, stage: .full,
                            csrf: DirectoryToken.make(), createdAt: now, accountID: account.first,
                            remoteAddress: "198.51.100.\(index % 250)")
                        session.lastSeenAt = now
                        transaction.put(session)
                    }
                }
            }
            done += count
            if done % 100_000 < batch || done == users {
                FileHandle.standardError.write(Data("directory-populate: \(done) users\n".utf8))
            }
        }
        let report = try directory.compactAndWait()
        FileHandle.standardError.write(Data("directory-populate: compacted: \(report)\n".utf8))
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        print(String(format: "%.0f", Double(users) / seconds), folderBytes(path))
    }

    static func folderBytes(_ path: String) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.reduce(0) { total, name in
            total + ((try? FileManager.default.attributesOfItem(atPath: path + "/" + name)[.size] as? Int) ?? 0)
        }
    }
}
