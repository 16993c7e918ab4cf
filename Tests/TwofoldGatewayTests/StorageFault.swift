import Synchronization
import TwofoldDirectory
import TwofoldStore
import TwofoldSystem

#if canImport(Glibc)
    import Glibc
#endif

/// A directory whose store fails with ENOSPC while armed, and its events, awaited as events.
/// `failWrites` fails every sync (the write of a change); `holdRecovery` keeps the store failed,
/// as a disk that is still full would, until `release`.
final class StorageFault: Sendable {
    typealias Event = Directory.DirectoryEvent
    private let armed = Mutex<Set<RecordStore.FaultPoint>>([])
    private let state = Mutex<(events: [Event], waiters: [CheckedContinuation<Void, Never>])>(([], []))

    var options: Directory.Options {
        var options = Directory.Options()
        options.compactsAutomatically = false
        options.store = RecordStore.Options(
            faultHook: { [self] point in
                if armed.withLock({ $0.contains(point) }) { throw SystemError(call: "fdatasync", errno: ENOSPC) }
            },
            retry: RetryBackoff(initial: .milliseconds(1), maximum: .milliseconds(5)))
        options.events = { [self] event in
            let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.events.append(event)
                guard case .storageRecovered = event else { return [] }
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }
        return options
    }

    /// Fails the next writes and keeps the store failed until `release`.
    func fail() { armed.withLock { $0 = [.batchWritten, .recovering] } }

    private static func isRecovery(_ event: Event) -> Bool {
        if case .storageRecovered = event { true } else { false }
    }

    /// Lets the store recover, and waits until the directory has rebuilt and serves again.
    func release() async {
        let seen = state.withLock { $0.events.count }
        armed.withLock { $0 = [] }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                if state.events.dropFirst(seen).contains(where: Self.isRecovery) { return true }
                state.waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }
}
