import Foundation
import Synchronization
import Testing
import TwofoldTestSupport

@testable import TwofoldDirectory

/// Runs the real `directory-torture` executable (changes from several threads, compactions back
/// to back), kills it with SIGKILL mid-flight, reopens the folder and checks every change it
/// acknowledged: the user, its used invite, its session, and the session it ended.
@Suite(.serialized) struct DirectoryTortureTests {
    final class Captured: Sendable {
        let streams = Mutex([Data(), Data()])
        let drained = DispatchGroup()
    }

    struct Ack: Hashable {
        let run: Int
        let thread: Int
        let counter: Int
    }

    /// Starts the child on `folder`, lets it run, kills it; returns its output and errors.
    static func runAndKill(_ folder: String, run: Int, seconds: Double) throws -> (
        output: String, errors: String, killed: Bool
    ) {
        let process = Process()
        process.executableURL = try BuiltProduct.url("directory-torture")
        process.arguments = [folder, String(run), "3"]
        let pipes = [Pipe(), Pipe()]
        process.standardOutput = pipes[0]
        process.standardError = pipes[1]
        let captured = Captured()
        try process.run()
        for (index, pipe) in pipes.enumerated() {
            captured.drained.enter()
            let handle = pipe.fileHandleForReading
            Thread.detachNewThread {
                let data = handle.readDataToEndOfFile()
                captured.streams.withLock { $0[index] = data }
                captured.drained.leave()
            }
        }
        Thread.sleep(forTimeInterval: seconds)  // let it run; nothing checked depends on timing
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        captured.drained.wait()
        let streams = captured.streams.withLock { $0 }
        return (
            String(decoding: streams[0], as: UTF8.self), String(decoding: streams[1], as: UTF8.self),
            process.terminationReason == .uncaughtSignal
        )
    }

    @Test func sigkillDuringChangesAndCompactions_losesNothingAcknowledged() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("torture-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var acknowledged: Set<Ack> = []
        var compactions = 0
        for round in 1...4 {
            let (output, errors, killed) = try Self.runAndKill(folder, run: round, seconds: 0.8)
            #expect(killed, "round \(round): \(errors)")
            let lines = output.split(separator: "\n")
            #expect(lines.first?.hasPrefix("open ") == true, "round \(round): \(errors)")
            for line in lines {
                let fields = line.split(separator: " ")
                if fields.first == "compacted" { compactions += 1 }
                guard fields.count == 3, fields[0] == "ack", let thread = Int(fields[1]), let counter = Int(fields[2])
                else { continue }
                acknowledged.insert(Ack(run: round, thread: thread, counter: counter))
            }
            #expect(acknowledged.count > 10, "round \(round) acknowledged only \(acknowledged.count) changes")

            var options = Directory.Options()
            options.compactsAutomatically = false
            let directory = try Directory.open(path: folder, clock: { 1_800_000_000_000 }, options: options)
            var missing: [String] = []
            for ack in acknowledged {
                let suffix = "\(ack.run)-\(ack.thread)-\(ack.counter)"
                if directory.user(id: "u-\(suffix)")?.email != "\(suffix)@torture.example" {
                    missing.append("u-\(suffix)")
                }
                if directory.read({ $0.invite(id: "i-\(suffix)")?.usedAt }) == nil { missing.append("i-\(suffix)") }
                let endedByNext =
                    ack.counter % 2 == 0
                    && acknowledged.contains(Ack(run: ack.run, thread: ack.thread, counter: ack.counter + 1))
                let session = directory.session(id: "s-\(suffix)")
                if endedByNext, session != nil { missing.append("ended s-\(suffix) is back") }
                if !endedByNext, ack.counter % 2 == 1, session == nil { missing.append("s-\(suffix)") }
            }
            directory.close()
            #expect(missing.isEmpty, "round \(round): \(missing.prefix(10))")
        }
        #expect(compactions > 0, "the torture must compact while it is killed")
    }
}
