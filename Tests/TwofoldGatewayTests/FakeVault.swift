import Synchronization
import TwofoldGateway
import TwofoldWire

/// A vault stand-in as unkind as a real one can be: each operation answers what the test
/// scripted (a result, an error, "unavailable", a malformed result), or is held until the test
/// answers it (late). An operation nobody scripted answers "unavailable", like a vault that is
/// down, and every call is recorded so a test can see exactly what the gateway asked.
final class FakeVault: VaultAPI {
    typealias Answer = @Sendable ([String: JSONValue]) -> VaultReply

    struct Call: Sendable, Equatable {
        let operation: String
        let args: [String: JSONValue]
    }

    private let answers = Mutex<[String: Answer]>([:])
    private let held = Mutex<[String: HeldCall]>([:])
    private let log = Mutex<[Call]>([])
    private let keyLog = Mutex<[IdempotencyKey?]>([])

    /// Every call so far, in order.
    var calls: [Call] { log.withLock { $0 } }

    /// The `retryKey` of every call so far, in order (nil: a fresh key per call).
    var retryKeys: [IdempotencyKey?] { keyLog.withLock { $0 } }

    /// The operations called so far, in order.
    var operations: [String] { calls.map(\.operation) }

    /// Answers `operation` with `answer` from now on (replacing an earlier script).
    func on(_ operation: String, _ answer: @escaping Answer) {
        answers.withLock { $0[operation] = answer }
    }

    /// Answers `operation` always with `reply`.
    func on(_ operation: String, reply: VaultReply) { on(operation) { _ in reply } }

    /// The next call of `operation` waits until the test answers it through the returned handle.
    func hold(_ operation: String) -> HeldCall {
        let call = HeldCall()
        held.withLock { $0[operation] = call }
        return call
    }

    /// `retryKey` is recorded, not acted on: the vault's answers to retries are tested against the
    /// real vault (VaultRecordedAnswerTests) and the keys themselves in VaultRetryKeyTests.
    func call(_ operation: String, _ args: [String: JSONValue], retryKey: IdempotencyKey?) async -> VaultReply {
        log.withLock { $0.append(Call(operation: operation, args: args)) }
        keyLog.withLock { $0.append(retryKey) }
        if let call = held.withLock({ $0.removeValue(forKey: operation) }) {
            return await call.arrive(args)
        }
        guard let answer = answers.withLock({ $0[operation] }) else { return .unavailable }
        return answer(args)
    }
}

/// A call the fake vault holds: `arrived()` returns once the gateway has made it, `answer(_:)`
/// lets it complete, whenever the test chooses.
final class HeldCall: Sendable {
    private struct State {
        var args: [String: JSONValue]?
        var reply: VaultReply?
        var callWaiter: CheckedContinuation<VaultReply, Never>?
        var arrivalWaiters: [CheckedContinuation<[String: JSONValue], Never>] = []
    }

    private let state = Mutex(State())

    fileprivate func arrive(_ args: [String: JSONValue]) async -> VaultReply {
        await withCheckedContinuation { (continuation: CheckedContinuation<VaultReply, Never>) in
            let (reply, waiters) = state.withLock {
                state -> (VaultReply?, [CheckedContinuation<[String: JSONValue], Never>]) in
                state.args = args
                defer { state.arrivalWaiters = [] }
                if let reply = state.reply { return (reply, state.arrivalWaiters) }
                state.callWaiter = continuation
                return (nil, state.arrivalWaiters)
            }
            for waiter in waiters { waiter.resume(returning: args) }
            if let reply { continuation.resume(returning: reply) }
        }
    }

    /// The call's arguments, once the gateway has made it.
    @discardableResult
    func arrived() async -> [String: JSONValue] {
        await withCheckedContinuation { continuation in
            let args = state.withLock { state -> [String: JSONValue]? in
                if let args = state.args { return args }
                state.arrivalWaiters.append(continuation)
                return nil
            }
            if let args { continuation.resume(returning: args) }
        }
    }

    func answer(_ reply: VaultReply) {
        let waiter = state.withLock { state -> CheckedContinuation<VaultReply, Never>? in
            state.reply = reply
            defer { state.callWaiter = nil }
            return state.callWaiter
        }
        waiter?.resume(returning: reply)
    }
}

extension VaultReply {
    /// A vault error, as the wire would carry it.
    static func error(_ code: String, detail: String? = nil, retryAfterMs: Int? = nil) -> VaultReply {
        .failure(
            WireErrorPayload(code: code, message: "vault says \(code)", detail: detail, retryAfterMs: retryAfterMs))
    }
}
