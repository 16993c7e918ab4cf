import Foundation
import Synchronization
import TwofoldStore
import TwofoldSystem

enum StoreBench {
    static func run() {
        print("| concurrent appenders | appends/s | fsyncs/s | appends per fsync |")
        print("|---|---|---|---|")
        for appenders in [1, 8, 64] {
            let directory = FileManager.default.currentDirectoryPath + "/.build/bench-store-\(appenders)-\(getpid())"
            defer { try? FileManager.default.removeItem(atPath: directory) }
            guard let opened = try? RecordStore.open(directory: directory) else {
                print("| \(appenders) | store did not open | | |")
                continue
            }
            let store = opened.store
            let payload = [UInt8](repeating: 0xAB, count: 200)
            let seconds = 2.0
            let stop = Atomic<Bool>(false)
            let total = Atomic<Int>(0)
            let group = DispatchGroup()
            let before = store.stats
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<appenders {
                group.enter()
                do {
                    try SystemThread.detach(name: "bench-appender") {
                        var count = 0
                        while !stop.load(ordering: .relaxed) {
                            if (try? store.appendAndWait(payload)) != nil { count += 1 }
                        }
                        total.add(count, ordering: .relaxed)
                        group.leave()
                    }
                } catch {
                    // Fewer appenders than the row says would be a wrong figure: no figure.
                    print("| \(appenders) | cannot start its appender threads: \(error) | | |")
                    exit(1)
                }
            }
            Thread.sleep(forTimeInterval: seconds)
            stop.store(true, ordering: .relaxed)
            group.wait()
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let after = store.stats
            let appends = Double(total.load(ordering: .relaxed))
            let fsyncs = Double(after.fsyncs - before.fsyncs)
            row(
                String(appenders), formatted(appends / elapsed), formatted(fsyncs / elapsed),
                formatted(appends / max(fsyncs, 1), decimals: 1))
            store.close()
        }
    }
}
