import Testing
import TwofoldOTP

@testable import TwofoldVault

@Test func begin_returnsA160BitSeedAsUnpaddedBase32AndAKeyURI() throws {
    let harness = VaultHarness()
    let start = try harness.sync {
        harness.vault.beginEnrollment(user: .test(), accountName: "alice@example.com", completion: $0)
    }.get()
    #expect(try Base32.decode(start.secretBase32).count == 20)
    #expect(!start.secretBase32.contains("="))
    #expect(start.uri.hasPrefix("otpauth://totp/Twofold:alice%40example.com?"))
    for part in ["secret=\(start.secretBase32)", "issuer=Twofold", "algorithm=SHA1", "digits=6", "period=30"] {
        #expect(start.uri.contains(part))
    }
    #expect(start.expiresAtMillis == harness.clock.nowMillis() + 600_000)
}

@Test func begin_whenAccountNameHasAColon_isRejected() {
    let harness = VaultHarness()
    let result = harness.sync { harness.vault.beginEnrollment(user: .test(), accountName: "a:b", completion: $0) }
    #expect(throws: VaultError.self) { try result.get() }
}

@Test func confirm_withValidCode_activatesAndThatCodeCannotLogIn() throws {
    let harness = VaultHarness()
    let start = try harness.sync { harness.vault.beginEnrollment(user: .test(), accountName: "a", completion: $0) }
        .get()
    let secret = try Base32.decode(start.secretBase32)
    let code = totp(secret, at: harness.clock.nowMillis())
    let confirmed = try harness.sync {
        harness.vault.confirmEnrollment(user: .test(), enrollmentID: start.enrollmentID, code: code, completion: $0)
    }.get()
    guard case .confirmed = confirmed else {
        Issue.record("expected confirmed, got \(confirmed)")
        return
    }
    #expect(try harness.vault.status(user: .test()).enrolled)
    let reused = try harness.sync { harness.vault.verify(user: .test(), code: code, completion: $0) }.get()
    #expect(reused == .replayed)
}

@Test func confirm_withCodeFromAnOlderScan_saysStaleSetup() throws {
    let harness = VaultHarness()
    let first = try harness.sync { harness.vault.beginEnrollment(user: .test(), accountName: "a", completion: $0) }
        .get()
    let second = try harness.sync { harness.vault.beginEnrollment(user: .test(), accountName: "a", completion: $0) }
        .get()
    #expect(first.secretBase32 != second.secretBase32)
    let oldCode = totp(try Base32.decode(first.secretBase32), at: harness.clock.nowMillis())
    let outcome = try harness.sync {
        harness.vault.confirmEnrollment(user: .test(), enrollmentID: second.enrollmentID, code: oldCode, completion: $0)
    }.get()
    #expect(outcome == .staleSetup)
    #expect(try harness.vault.status(user: .test()).enrolled == false)
}

@Test func confirm_withoutPendingEnrollment_isAnError() {
    let harness = VaultHarness()
    let result = harness.sync {
        harness.vault.confirmEnrollment(user: .test(), enrollmentID: nil, code: "123456", completion: $0)
    }
    #expect(throws: VaultError.self) { try result.get() }
    if case .failure(let error) = result { #expect(error.code == .notPending) }
}

@Test func confirm_afterTenMinutes_isExpired() throws {
    let harness = VaultHarness()
    let start = try harness.sync { harness.vault.beginEnrollment(user: .test(), accountName: "a", completion: $0) }
        .get()
    harness.clock.advance(seconds: 601)
    let code = totp(try Base32.decode(start.secretBase32), at: harness.clock.nowMillis())
    let result = harness.sync {
        harness.vault.confirmEnrollment(user: .test(), enrollmentID: start.enrollmentID, code: code, completion: $0)
    }
    if case .failure(let error) = result {
        #expect(error.code == .enrollmentExpired)
    } else {
        Issue.record("expected expiry")
    }
}

@Test func reEnrollment_replacesActiveSeedOnlyWhenConfirmed() throws {
    let harness = VaultHarness()
    let oldSecret = try harness.enroll(.test())
    harness.clock.advance(seconds: 60)
    let start = try harness.sync { harness.vault.beginEnrollment(user: .test(), accountName: "a", completion: $0) }
        .get()
    // Before confirming, the old authenticator still logs in.
    let old = try harness.sync {
        harness.vault.verify(user: .test(), code: totp(oldSecret, at: harness.clock.nowMillis()), completion: $0)
    }.get()
    guard case .accepted = old else {
        Issue.record("old seed should still work, got \(old)")
        return
    }
    harness.clock.advance(seconds: 30)
    let newSecret = try Base32.decode(start.secretBase32)
    _ = try harness.sync {
        harness.vault.confirmEnrollment(
            user: .test(), enrollmentID: start.enrollmentID, code: totp(newSecret, at: harness.clock.nowMillis()),
            completion: $0)
    }.get()
    harness.clock.advance(seconds: 30)
    let oldAfter = try harness.sync {
        harness.vault.verify(user: .test(), code: totp(oldSecret, at: harness.clock.nowMillis()), completion: $0)
    }.get()
    guard case .invalid = oldAfter else {
        Issue.record("old seed must stop working, got \(oldAfter)")
        return
    }
}
