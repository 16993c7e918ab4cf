import Foundation
import Synchronization
import Testing
import TwofoldStore
import TwofoldTestSupport

/// Runs the real `store-torture` executable, kills it with SIGKILL mid-flight, and checks that
/// every append it acknowledged (printed after `appendAndWait` returned) is on disk, intact.
@Suite(.serialized) struct StoreTortureTests {
    /// The built `store-torture` (see `BuiltProduct`).
    static func executable() throws -> URL { try BuiltProduct.url("store-torture") }

    /// Everything a child wrote to stdout (index 0) and stderr (index 1).
    final class Captured: Sendable {
        let streams = Mutex([Data(), Data()])
        let drained = DispatchGroup()
    }

    /// A running child whose stdout and stderr are drained by background threads, so a full
    /// pipe never stalls its appends.
    final class Child {
        let process = Process()
        private let captured = Captured()

        init(directory: String, threads: Int) throws {
            process.executableURL = try StoreTortureTests.executable()
            process.arguments = [directory, String(threads)]
            let pipes = [Pipe(), Pipe()]
            process.standardOutput = pipes[0]
            process.standardError = pipes[1]
            try process.run()
            for (index, pipe) in pipes.enumerated() {
                captured.drained.enter()
                let handle = pipe.fileHandleForReading
                Thread.detachNewThread { [captured] in
                    let data = handle.readDataToEndOfFile()
                    captured.streams.withLock { $0[index] = data }
                    captured.drained.leave()
                }
            }
        }

        /// Waits for exit and for both pipes to reach end of file.
        func finish() -> (output: String, errors: String) {
            process.waitUntilExit()
            captured.drained.wait()
            let streams = captured.streams.withLock { $0 }
            return (String(decoding: streams[0], as: UTF8.self), String(decoding: streams[1], as: UTF8.self))
        }
    }

    struct Ack: Hashable {
        let sequence: UInt64
        let thread: Int
        let counter: Int
    }

    /// The payload store-torture writes for (thread, counter); kept in step with its main.swift.
    static func expectedPayload(thread: Int, counter: Int) -> [UInt8] {
        let length = (counter * 37 + thread * 11) % 300
        return Array("\(thread) \(counter) ".utf8)
            + (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ counter &+ thread) }
    }

    @Test func sigkillDuringAppends_losesNoAcknowledgedRecord() throws {
        try withTemporaryDirectory { directory in
            var acknowledged: Set<Ack> = []
            for round in 1...4 {
                let child = try Child(directory: directory, threads: 4)
                Thread.sleep(forTimeInterval: 0.5)  // let it run; nothing here depends on timing
                kill(child.process.processIdentifier, SIGKILL)
                let (output, errors) = child.finish()
                #expect(child.process.terminationReason == .uncaughtSignal, "round \(round): \(errors)")
                let lines = output.split(separator: "\n")
                #expect(lines.first?.hasPrefix("open ") == true, "round \(round): \(errors)")
                // Lines are written whole by one write(2) each, but skip anything malformed.
                let acks = lines.compactMap { line -> Ack? in
                    let fields = line.split(separator: " ")
                    guard fields.count == 4, fields[0] == "ack", let sequence = UInt64(fields[1]),
                        let thread = Int(fields[2]), let counter = Int(fields[3])
                    else { return nil }
                    return Ack(sequence: sequence, thread: thread, counter: counter)
                }
                #expect(acks.count > 10, "round \(round) acknowledged only \(acks.count) appends")
                acknowledged.formUnion(acks)

                let reopened = try RecordStore.open(directory: directory)
                let bySequence = Dictionary(uniqueKeysWithValues: reopened.records.map { ($0.sequence, $0.payload) })
                reopened.store.close()
                let missing = acknowledged.filter {
                    bySequence[$0.sequence] != Self.expectedPayload(thread: $0.thread, counter: $0.counter)
                }
                #expect(missing.isEmpty, "round \(round): \(missing.count) acknowledged records missing or altered")
                #expect(reopened.records.map(\.sequence) == Array(1...UInt64(reopened.records.count)))
            }
        }
    }

    @Test func open_whileAnotherProcessHoldsTheDirectory_failsAsLocked() throws {
        try withTemporaryDirectory { directory in
            let holder = try RecordStore.open(directory: directory)
            let child = try Child(directory: directory, threads: 1)
            let (_, errors) = child.finish()
            holder.store.close()
            #expect(child.process.terminationStatus == 1)
            #expect(errors.contains("store.locked"), "stderr: \(errors)")
        }
    }
}
