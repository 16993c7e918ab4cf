import Testing

@testable import TwofoldVault

private let keyA = [UInt8](repeating: 0xA1, count: 32)
private let keyB = [UInt8](repeating: 0xB2, count: 32)
private let keyC = [UInt8](repeating: 0xC3, count: 32)

private func keyCheckRecords(_ harness: VaultHarness) -> Int {
    harness.persistence.records.withLock { $0 }.filter { (try? VaultLogEntry(decoding: $0))?.kind == .keyCheck }.count
}

private func waitForKeyCheck(_ harness: VaultHarness) throws {
    _ = try harness.sync { done in
        harness.vault.writeKeyCheck { error in done(error == nil ? .success(()) : .failure(Vault.storageFailure())) }
    }.get()
}

@Test func newStore_isUnchecked_thenMatchesOnceTheCheckValueIsWritten() throws {
    let harness = VaultHarness(masterKey: keyA)
    #expect(try harness.vault.checkKey(rotating: false) == .unchecked)
    try waitForKeyCheck(harness)
    #expect(keyCheckRecords(harness) == 1)
    let restarted = try harness.restarted()
    #expect(try restarted.vault.checkKey(rotating: false) == .matches)
}

@Test func storeWithoutCheckValue_fromAnEarlierBuild_isVerifiedByItsRecords() throws {
    let harness = VaultHarness(masterKey: keyA)
    _ = try harness.enroll(.test())
    #expect(keyCheckRecords(harness) == 0)
    #expect(try harness.restarted().vault.checkKey(rotating: false) == .unchecked)
    #expect {
        try harness.restarted(masterKey: keyB).vault.checkKey(rotating: false)
    } throws: { ($0 as? KeyCheckError)?.message.contains("opens none of this store's 1 sealed records") == true }
}

@Test func wrongMasterKey_isRefusedByTheCheckValue() throws {
    let harness = VaultHarness(masterKey: keyA)
    try waitForKeyCheck(harness)
    #expect {
        try harness.restarted(masterKey: keyB).vault.checkKey(rotating: false)
    } throws: { ($0 as? KeyCheckError)?.message.contains("does not match this store") == true }
}

@Test func rotation_resealsEverything_andTheNewKeyAloneOpensTheCompactedStore() throws {
    let harness = VaultHarness(masterKey: keyA)
    try waitForKeyCheck(harness)
    let secret = try harness.enroll(.test())
    _ = try harness.sync { harness.vault.setPhone(user: .test(), phone: "+1 415 555 2671", code: nil, completion: $0) }
        .get()
    let rotating = try harness.restarted(masterKey: keyB, previousMasterKey: keyA)
    #expect(try rotating.vault.checkKey(rotating: true) == .rotate)
    #expect(rotating.vault.resealAll() == (resealed: 1, unreadable: 0))
    _ = try rotating.sync { done in
        rotating.vault.compact { done($0 == nil ? .success(()) : .failure(Vault.storageFailure())) }
    }.get()
    #expect(keyCheckRecords(rotating) == 1)

    let after = try rotating.restarted(masterKey: keyB)
    #expect(try after.vault.checkKey(rotating: false) == .matches)
    after.clock.advance(seconds: 60)
    let code = totp(secret, at: after.clock.nowMillis())
    #expect(try after.sync { after.vault.verify(user: .test(), code: code, completion: $0) }.get().name == "accepted")
    // Restarting the rotation once it is done changes nothing and says why.
    #expect {
        try rotating.restarted(masterKey: keyB, previousMasterKey: keyA).vault.checkKey(rotating: true)
    } throws: { ($0 as? KeyCheckError)?.message.contains("already sealed under the new master key") == true }
    #expect {
        try rotating.restarted(masterKey: keyA).vault.checkKey(rotating: false)
    } throws: { $0 is KeyCheckError }
}

@Test func rotation_withAWrongPreviousKey_isRefusedBeforeAnythingChanges() throws {
    for withCheckValue in [true, false] {
        let harness = VaultHarness(masterKey: keyA)
        if withCheckValue { try waitForKeyCheck(harness) }
        _ = try harness.enroll(.test())
        let before = harness.persistence.records.withLock { $0 }
        let rotating = try harness.restarted(masterKey: keyB, previousMasterKey: keyC)
        #expect {
            try rotating.vault.checkKey(rotating: true)
        } throws: { ($0 as? KeyCheckError)?.message.contains("neither the master key nor the previous") == true }
        #expect(rotating.persistence.records.withLock { $0 } == before)
    }
}

@Test func rotation_whenARecordOpensWithNeitherKey_isRefused() throws {
    let harness = VaultHarness(masterKey: keyA)
    try waitForKeyCheck(harness)
    _ = try harness.enroll(.test("alice"))
    // A record sealed under a third key (say, restored from another installation).
    let stranger = VaultHarness(masterKey: keyC)
    _ = try stranger.enroll(.test("bob"))
    let strangerRecord = try #require(stranger.persistence.records.withLock { $0.last })
    harness.persistence.records.withLock { $0.append(strangerRecord) }
    let rotating = try harness.restarted(masterKey: keyB, previousMasterKey: keyA)
    #expect {
        try rotating.vault.checkKey(rotating: true)
    } throws: {
        ($0 as? KeyCheckError)?.message.contains("1 of the store's 2 user records open with neither key") == true
    }
}

@Test func rebuild_whenTheRecoveredStoreHasAnotherKeysCheckValue_refusesAndDoesNotResume() throws {
    let harness = VaultHarness(masterKey: keyA)
    try waitForKeyCheck(harness)
    let other = VaultHarness(masterKey: keyB)
    var resumed = false
    #expect(throws: KeyCheckError.self) {
        try other.vault.rebuild(from: harness.persistence.records.withLock { $0 }) { resumed = true }
    }
    #expect(!resumed)
}

@Test func rebuild_ofAStoreWithoutCheckValue_appendsOne() throws {
    let harness = VaultHarness(masterKey: keyA)
    _ = try harness.enroll(.test())
    let records = harness.persistence.records.withLock { $0 }
    var resumed = false
    try harness.vault.rebuild(from: records) { resumed = true }
    #expect(resumed)
    #expect(keyCheckRecords(harness) == 1)
}
