import Testing

@testable import TwofoldVault

@Test func binaryWriter_refusesAFieldLongerThanItsLengthByte_insteadOfTrapping() throws {
    var writer = BinaryWriter()
    try writer.shortBytes([UInt8](repeating: 1, count: 255))
    #expect(throws: BinaryWriter.FieldTooLong(length: 256)) { try writer.shortBytes([UInt8](repeating: 1, count: 256)) }
    #expect(throws: BinaryWriter.FieldTooLong(length: 1_212)) {
        try writer.shortString(String(repeating: "é", count: 606))
    }
    #expect(throws: BinaryWriter.FieldTooLong(length: 300)) { try writer.count(300) }
    #expect(writer.bytes.count == 256)
}

@Test func userRecord_withAnOverlongPhone_failsToEncode_andTheUpdateChangesNothing() throws {
    var record = VaultUserRecord()
    record.phone = String(repeating: "1", count: 256)
    #expect(throws: BinaryWriter.FieldTooLong.self) { try record.encoded() }
}

@Test func phoneSet_withDecoratedDigits_isRefusedAndNothingIsStored() throws {
    let harness = VaultHarness()
    let decorated = "+1" + "4155552671".map { String($0) + String(repeating: "\u{0301}", count: 60) }.joined()
    let result = harness.sync { harness.vault.setPhone(user: .test(), phone: decorated, code: nil, completion: $0) }
    guard case .failure(let error) = result else {
        Issue.record("expected phone.invalid")
        return
    }
    #expect(error.code == .invalidPhone)
    #expect(error.detail == "phone.too_long")
    #expect(harness.persistence.records.withLock { $0 }.isEmpty)
}

@Test func recovery_toOneNumberSpelledTwoWays_countsAgainstOneQuotaTag() throws {
    let harness = VaultHarness()
    for (user, spelling) in [("u-a", "+1 (415) 555-2671"), ("u-b", "0014155552671")] {
        _ = try harness.sync { harness.vault.setPhone(user: .test(user), phone: spelling, code: nil, completion: $0) }
            .get()
        _ = try harness.sync { harness.vault.startRecovery(user: .test(user), completion: $0) }.get()
    }
    let tags = Set(
        harness.persistence.records.withLock { $0 }.compactMap { try? VaultLogEntry(decoding: $0) }
            .filter { $0.kind == .numberSends }.map(\.key))
    #expect(tags.count == 1)
}

@Test func deleteUser_needsAnActorOfAtMost200Bytes() throws {
    let harness = VaultHarness()
    for actor in ["", "   ", String(repeating: "é", count: 101), String(repeating: " ", count: 5000) + "op"] {
        let result = harness.sync { harness.vault.deleteUser(user: .test(), actor: actor, completion: $0) }
        #expect(throws: VaultError.self) { try result.get() }
    }
    try harness.sync { harness.vault.deleteUser(user: .test(), actor: "operator:bob", completion: $0) }.get()
}

@Test func reset_boundsActorAndReasonInBytesBeforeTrimming() throws {
    let harness = VaultHarness()
    let padded = String(repeating: " ", count: Vault.maximumUntrimmedBytes) + "x"
    let result = harness.sync { harness.vault.reset(user: .test(), actor: "op", reason: padded, completion: $0) }
    #expect(throws: VaultError.self) { try result.get() }
    try harness.sync { harness.vault.reset(user: .test(), actor: " op ", reason: " lost phone ", completion: $0) }.get()
}

@Test func enrollment_refusesAColonByteEvenWhenACombiningMarkHidesItFromCharacterComparison() {
    let harness = VaultHarness()
    for name in ["a:b", "a:\u{0301}b"] {
        let result = harness.sync { harness.vault.beginEnrollment(user: .test(), accountName: name, completion: $0) }
        #expect(throws: VaultError.self) { try result.get() }
    }
}

@Test func recoveryVerify_withAHugeCode_isAWrongAttempt() throws {
    let harness = VaultHarness()
    _ = try harness.sync { harness.vault.setPhone(user: .test(), phone: "+1 415 555 2671", code: nil, completion: $0) }
        .get()
    _ = try harness.sync { harness.vault.startRecovery(user: .test(), completion: $0) }.get()
    let huge = String(repeating: "7", count: 64 << 10)
    let outcome = try harness.sync { harness.vault.verifyRecovery(user: .test(), code: huge, completion: $0) }.get()
    #expect(outcome == .invalid(attemptsLeft: 4))
}
