// directory-torture: changes a TwofoldDirectory from several threads until killed, with a
// compaction threshold so small that compactions run back to back, printing each change only
// after `updateAndWait` returned (it is durable), so a test that SIGKILLs this process knows
// exactly which changes were acknowledged.
//
// Usage: directory-torture <folder> <run> [threads]
// Output: "open <users> <sessions> <invites>", then per change "ack <thread> <counter>", and
// "compacted <users>" after each compaction.
// Change <counter> of thread <t> in run <r> (key k = <r>-<t>-<counter>): user u-k (email
// k@torture.example) with session s-k and invite i-k used by it; an odd counter also ends session
// s-<r>-<t>-<counter - 1>. Runs on the same folder use different <run> numbers.
import Foundation
import Synchronization
import TwofoldDirectory
import TwofoldSystem

let arguments = CommandLine.arguments
guard arguments.count >= 3, let run = Int(arguments[2]), let threads = arguments.count >= 4 ? Int(arguments[3]) : 4,
    threads > 0
else {
    FileHandle.standardError.write(Data("usage: directory-torture <folder> <run> [threads]\n".utf8))
    exit(64)
}

let output = Mutex(())
/// One unbuffered write(2) per line under a lock: lines never interleave.
let say: @Sendable (String) -> Void = { line in
    output.withLock { _ in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
}

var options = Directory.Options()
options.compactionLogBytes = 4096
options.compactionChunk = 64
options.events = { event in
    switch event {
    case .compacted(let report): say("compacted \(report.users)")
    case .compactionFailed(let error): FileHandle.standardError.write(Data("compaction: \(error)\n".utf8))
    default: FileHandle.standardError.write(Data("storage: \(event)\n".utf8))
    }
}
let directory: Directory
do {
    directory = try Directory.open(path: arguments[1], clock: { 1_800_000_000_000 }, options: options)
} catch {
    FileHandle.standardError.write(Data("directory-torture: \(error)\n".utf8))
    exit(1)
}
say("open \(directory.userCount) \(directory.sessionCount) \(directory.inviteCount)")

for thread in 0..<threads {
    try SystemThread.detach(name: "torture-\(thread)") {
        var counter = 0
        while true {
            let key = "\(run)-\(thread)-\(counter)"
            let user = UserRecord(
                id: "u-\(key)", email: "\(key)@torture.example",
                passwordHash: "$scrypt$ln=10,r=8,p=1$c2FsdA$a2V5", accounts: [], createdAt: 1_800_000_000_000)
            var invite = InviteRecord(
                id: "i-\(key)", tokenHash: "t-\(key)", email: user.email, accounts: [],
                temporaryPasswordHash: "x", createdAt: 1_800_000_000_000, expiresAt: 1_900_000_000_000,
                createdBy: "torture")
            invite.usedAt = 1_800_000_000_000
            invite.userID = user.id
            let session = SessionRecord(
                id: "s-\(key)", userID: user.id, stage: .full, csrf: "c", createdAt: 1_800_000_000_000,
                accountID: nil, remoteAddress: nil)
            let previous = counter % 2 == 1 ? "s-\(run)-\(thread)-\(counter - 1)" : nil
            do {
                try directory.updateAndWait { transaction in
                    transaction.put(user)
                    transaction.put(invite)
                    transaction.put(session)
                    if let previous { transaction.endSession(id: previous) }
                }
            } catch {
                FileHandle.standardError.write(Data("directory-torture: \(error)\n".utf8))
                exit(1)
            }
            say("ack \(thread) \(counter)")
            counter += 1
        }
    }
}

while true { sleep(60) }
