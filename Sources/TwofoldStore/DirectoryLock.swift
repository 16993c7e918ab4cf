import Foundation
import TwofoldSystem

/// One writer per data directory, enforced by the kernel: an exclusive, non-blocking `flock` on
/// the directory itself, held for as long as this value lives (or until `release()`).
///
/// Locking the directory rather than a file inside it means that no file operation can bypass
/// the lock: deleting or replacing a lock file does not free it, and the lock goes away only when
/// the holding process closes the descriptor or dies (`kill -9` included). A second holder, in
/// another process or in this one (a second `open` is a second open file description), is refused.
public final class DirectoryLock: Sendable {
    /// The locked directory.
    public let path: String
    private let descriptor: FileDescriptor

    private init(path: String, descriptor: FileDescriptor) {
        self.path = path
        self.descriptor = descriptor
    }

    /// Locks `path`, which must be an existing directory. Throws `.locked` when another holder has
    /// it, `.io` when it cannot be opened.
    ///
    /// A lock just released can still be held for a moment by a child process that another thread
    /// of the releasing process forked and that has not yet reached `exec` (the child shares the
    /// open file description until then, `O_CLOEXEC` or not), so a refused attempt is retried
    /// `attempts` times, `pause` apart, before giving up: a real holder is refused after that.
    public static func acquire(
        _ path: String, attempts: Int = 20, pause: Duration = .milliseconds(5)
    ) throws(StoreError) -> DirectoryLock {
        let descriptor = try performIO("opening the data directory \(path) to lock it") { () throws(SystemError) in
            try FileSystem.open(path, options: [.readOnly, .directory])
        }
        var locked = false
        for attempt in 0..<max(attempts, 1) {
            if attempt > 0 {
                let (seconds, attoseconds) = pause.components
                Thread.sleep(forTimeInterval: Double(seconds) + Double(attoseconds) / 1e18)
            }
            locked = try performIO("locking the data directory \(path)") { () throws(SystemError) in
                try descriptor.tryLockExclusive()
            }
            if locked { break }
        }
        guard locked else {
            descriptor.close()
            throw StoreError(.locked, "the data directory \(path) is already in use by another process or store")
        }
        return DirectoryLock(path: path, descriptor: descriptor)
    }

    /// Releases the lock. Idempotent.
    public func release() { descriptor.close() }

    deinit { descriptor.close() }
}
