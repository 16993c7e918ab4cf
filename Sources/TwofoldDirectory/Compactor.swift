import Foundation
import Synchronization
import TwofoldSystem

/// The thread compactions run on: never a request's thread, the store's writer thread or the
/// concurrency pool, since a compaction blocks on file I/O for seconds at a million users.
/// Started on the first request; requests that arrive while one runs are served by the next run.
final class Compactor: Sendable {
    typealias Completion = @Sendable (Result<Directory.CompactionReport, DirectoryError>) -> Void

    private struct Queue {
        var started = false
        var stopping = false
        var requested = false
        var waiters: [Completion] = []
        /// Held only between a request and the run that serves it, so an unclosed directory
        /// is not kept alive by its idle thread.
        var directory: Directory?
    }

    private let queue = Mutex(Queue())
    private let wakeup = DispatchSemaphore(value: 0)
    private let exited = DispatchSemaphore(value: 0)

    var isStopping: Bool { queue.withLock { $0.stopping } }

    /// Asks for a compaction of `directory`; `completion` (if any) gets its outcome on the
    /// compaction thread. After `stop`, fails at once with `storage.failed`.
    func request(_ directory: Directory, completion: Completion?) {
        enum Action { case refuse, wake, start }
        let action = queue.withLock { queue -> Action in
            if queue.stopping { return .refuse }
            queue.requested = true
            queue.directory = directory
            if let completion { queue.waiters.append(completion) }
            if queue.started { return .wake }
            queue.started = true
            return .start
        }
        switch action {
        case .refuse: completion?(.failure(DirectoryError(.storage, "The directory is closed.")))
        case .wake: wakeup.signal()
        case .start:
            do throws(SystemError) {
                try SystemThread.detach(name: "dir-compaction") { [self] in run() }
            } catch {
                // No thread (the process's limit): fail this request and its waiters, and let the
                // next request try again. Nothing was compacted; the log is whole.
                let waiters = queue.withLock { queue -> [Completion] in
                    queue.started = false
                    queue.requested = false
                    queue.directory = nil
                    defer { queue.waiters = [] }
                    return queue.waiters
                }
                let failure = DirectoryError(.storage, "Compaction could not start a thread: \(error.message).")
                for waiter in waiters { waiter(.failure(failure)) }
            }
        }
    }

    /// Stops the thread after the compaction in progress (which checks `isStopping` between
    /// chunks and gives up), and waits for it to exit.
    func stop() {
        let started = queue.withLock { queue -> Bool in
            queue.stopping = true
            return queue.started
        }
        guard started else { return }
        wakeup.signal()
        exited.wait()
        exited.signal()
    }

    private func run() {
        while true {
            let work = queue.withLock { queue -> (Directory, [Completion])?? in
                if queue.stopping { return .some(nil) }
                guard queue.requested, let directory = queue.directory else { return nil }
                queue.requested = false
                queue.directory = nil
                let waiters = queue.waiters
                queue.waiters = []
                return (directory, waiters)
            }
            switch work {
            case .none:
                wakeup.wait()
            case .some(.none):
                let waiters = queue.withLock { queue -> [Completion] in
                    defer {
                        queue.waiters = []
                        queue.directory = nil
                    }
                    return queue.waiters
                }
                for waiter in waiters { waiter(.failure(DirectoryError(.storage, "The directory is closed."))) }
                exited.signal()
                return
            case .some(.some((let directory, let waiters))):
                let outcome = Result { () throws(DirectoryError) in try directory.performCompaction() }
                directory.report(outcome)
                for waiter in waiters { waiter(outcome) }
            }
        }
    }
}
