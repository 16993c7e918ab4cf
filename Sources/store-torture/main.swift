// store-torture: appends numbered records to a RecordStore from several threads until killed,
// printing "ack <sequence> <thread> <counter>" for each append only after it returned, so a
// test that SIGKILLs this process knows exactly which records were acknowledged.
//
// Usage: store-torture <directory> [threads]
// Record payload: "<thread> <counter> " followed by `TortureRecord.filler(thread:counter:)`.
import Foundation
import Synchronization
import TwofoldStore
import TwofoldSystem

let arguments = CommandLine.arguments
guard arguments.count >= 2, let threads = arguments.count >= 3 ? Int(arguments[2]) : 4, threads > 0 else {
    FileHandle.standardError.write(Data("usage: store-torture <directory> [threads]\n".utf8))
    exit(64)
}

let opened: RecordStore.Opened
do {
    opened = try RecordStore.open(directory: arguments[1])
} catch {
    FileHandle.standardError.write(Data("store-torture: \(error)\n".utf8))
    exit(1)
}
let store = opened.store
let output = Mutex(())
output.withLock { _ in FileHandle.standardOutput.write(Data("open \(opened.recovery)\n".utf8)) }

for thread in 0..<threads {
    try SystemThread.detach(name: "torture-\(thread)") {
        var counter = 0
        while true {
            let payload = Array("\(thread) \(counter) ".utf8) + TortureRecord.filler(thread: thread, counter: counter)
            do {
                let sequence = try store.appendAndWait(payload)
                // One unbuffered write(2) per line under a lock: lines never interleave and a
                // printed line is in the pipe before the next append starts.
                output.withLock { _ in
                    FileHandle.standardOutput.write(Data("ack \(sequence) \(thread) \(counter)\n".utf8))
                }
            } catch {
                FileHandle.standardError.write(Data("store-torture: \(error)\n".utf8))
                exit(1)
            }
            counter += 1
        }
    }
}

while true { sleep(60) }

/// The deterministic filler the checking test regenerates: 0 to 299 bytes, varied so records
/// straddle pages and batches differently.
enum TortureRecord {
    static func filler(thread: Int, counter: Int) -> [UInt8] {
        let length = (counter * 37 + thread * 11) % 300
        return (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ counter &+ thread) }
    }
}
