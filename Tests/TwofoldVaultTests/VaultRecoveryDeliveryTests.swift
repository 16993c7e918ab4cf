import Dispatch
import Synchronization
import Testing

@testable import TwofoldVault

/// The recovery code inside the last text the stub sms-sender took.
private func lastCode(_ harness: VaultHarness) throws -> String {
    let text = try #require(harness.sms.last?.text)
    let word = text.split(separator: " ").first { $0.count == 7 && $0.dropLast().allSatisfy(\.isNumber) }
    return String(try #require(word).dropLast())
}

private func withPhone(_ phone: String = "+1 415 555 2671") throws -> VaultHarness {
    let harness = VaultHarness()
    _ = try harness.sync { harness.vault.setPhone(user: .test(), phone: phone, code: nil, completion: $0) }.get()
    return harness
}

@Test func recovery_whenTheSendsOutcomeIsUnknown_keepsTheCodeValid_andSaysTheTextMayArrive() throws {
    let harness = try withPhone()
    harness.sms.silent.withLock { $0 = true }
    let start = try harness.sync { harness.vault.startRecovery(user: .test(), completion: $0) }.get()
    #expect(start.delivery == .unknown)
    // The late text arrives after all: its code works.
    let code = try lastCode(harness)
    #expect(
        try harness.sync { harness.vault.verifyRecovery(user: .test(), code: code, completion: $0) }.get() == .accepted)
    #expect(harness.audit.contains("\"outcome\":\"sms_unknown\""))
}

@Test func recovery_whenTheTextCertainlyWasNotSent_burnsTheCode() throws {
    let harness = try withPhone()
    harness.sms.down.withLock { $0 = true }
    let result = harness.sync { harness.vault.startRecovery(user: .test(), completion: $0) }
    guard case .failure(let error) = result else {
        Issue.record("expected sms.unavailable")
        return
    }
    #expect(error.code == .smsUnavailable)
    #expect(
        try harness.sync { harness.vault.verifyRecovery(user: .test(), code: "123456", completion: $0) }.get()
            == .expired)
}

@Test func recovery_sendIsBoundedByTheRequestsDeadline() throws {
    let harness = try withPhone()
    let now = harness.clock.nowMillis()
    _ = try harness.sync { harness.vault.startRecovery(user: .test(), deadlineAt: now + 5_000, completion: $0) }.get()
    #expect(harness.sms.timeouts.withLock { $0 } == [.milliseconds(5_000 - Vault.answerMarginMillis)])
    // Too little left to send a text: nothing starts, nothing is spent.
    harness.clock.advance(seconds: 61)
    let late = harness.clock.nowMillis() + Vault.answerMarginMillis + Vault.minimumSendMillis - 1
    let refused = harness.sync { harness.vault.startRecovery(user: .test(), deadlineAt: late, completion: $0) }
    guard case .failure(let error) = refused else {
        Issue.record("expected deadline.exceeded")
        return
    }
    #expect(error.code == .deadlineExceeded)
    #expect(harness.sms.messages.withLock { $0.count } == 1)
    _ = try harness.sync { harness.vault.startRecovery(user: .test(), completion: $0) }.get()
}

@Test func recovery_retriedWhileTheTextIsInFlight_isInProgress_thenGetsTheSettledAnswer_andOneText() throws {
    let harness = try withPhone()
    harness.sms.holding.withLock { $0 = true }
    let claim = harness.claim("recovery-start-0001", "recovery.start", "{}")
    let first = Mutex<Result<RecoveryStart, VaultError>?>(nil)
    let answeredFirst = DispatchSemaphore(value: 0)
    harness.vault.startRecovery(user: .test(), idempotency: claim) { result in
        first.withLock { $0 = result }
        answeredFirst.signal()
    }
    #expect(first.withLock { $0 } == nil, "the answer waits for the sms-sender")
    let retry = harness.sync { harness.vault.startRecovery(user: .test(), idempotency: claim, completion: $0) }
    guard case .failure(let error) = retry else {
        Issue.record("expected idempotency.in_progress")
        return
    }
    #expect(error.code == .idempotencyInProgress)
    harness.sms.release()
    // Settling the answer is one more write, completed on another thread (this test's own
    // thread waits; it is not an async test).
    answeredFirst.wait()
    let answered = try #require(first.withLock { $0 }).get()
    #expect(answered.delivery == .sent)
    let recorded = try harness.sync {
        harness.vault.startRecovery(user: .test(), idempotency: claim, completion: $0)
    }.get()
    #expect(recorded == answered)
    #expect(harness.sms.messages.withLock { $0.count } == 1)
    // After a restart (nothing in flight) the recorded, settled answer is still given.
    let restarted = try harness.restarted()
    let afterRestart = try restarted.sync {
        restarted.vault.startRecovery(
            user: .test(), idempotency: restarted.claim("recovery-start-0001", "recovery.start", "{}"), completion: $0)
    }.get()
    #expect(afterRestart == answered)
}

@Test func recovery_retriedAfterTheTextWasRefused_getsTheSameRefusal_withoutASecondSend() throws {
    let harness = try withPhone()
    harness.sms.down.withLock { $0 = true }
    let claim = harness.claim("recovery-start-0002", "recovery.start", "{}")
    for _ in 0..<2 {
        let result = harness.sync { harness.vault.startRecovery(user: .test(), idempotency: claim, completion: $0) }
        guard case .failure(let error) = result else {
            Issue.record("expected sms.unavailable")
            return
        }
        #expect(error.code == .smsUnavailable)
    }
    #expect(harness.sms.timeouts.withLock { $0.count } == 1, "the retry got the recorded answer")
}

@Test func recovery_crashBeforeTheSendSettled_isAnsweredAsUnknownOnRetry() throws {
    let harness = try withPhone()
    harness.sms.holding.withLock { $0 = true }
    let claim = harness.claim("recovery-start-0003", "recovery.start", "{}")
    harness.vault.startRecovery(user: .test(), idempotency: claim) { _ in }
    // The vault dies while the text is in flight; the retry goes to the restarted vault.
    let restarted = try harness.restarted()
    let answer = try restarted.sync {
        restarted.vault.startRecovery(
            user: .test(), idempotency: restarted.claim("recovery-start-0003", "recovery.start", "{}"), completion: $0)
    }.get()
    #expect(answer.delivery == .unknown)
    harness.sms.release()
}
