import Testing

@testable import TwofoldCrypto

@Test func secretBytes_neverPrintsItsContents() {
    let secret = SecretBytes(Array("JBSWY3DPEHPK3PXP".utf8))
    #expect(secret.description == "SecretBytes(16 bytes)")
    #expect("\(secret)" == "SecretBytes(16 bytes)")
    #expect(String(reflecting: secret) == "SecretBytes(16 bytes)")
}

@Test func secretBytes_equalityComparesContents() {
    #expect(SecretBytes([1, 2, 3]) == SecretBytes([1, 2, 3]))
    #expect(SecretBytes([1, 2, 3]) != SecretBytes([1, 2, 4]))
    #expect(SecretBytes([1, 2, 3]) != SecretBytes([1, 2]))
    #expect(SecretBytes([]) == SecretBytes([]))
}

@Test func random_producesDistinctValuesOfTheAskedLength() {
    let a = SecureRandom.bytes(count: 20)
    let b = SecureRandom.bytes(count: 20)
    #expect(a.count == 20 && a != b)
    #expect(SecretBytes.random(count: 32).count == 32)
}

@Test func uniformInt_staysInRangeAndCoversIt() {
    var seen = Set<UInt32>()
    for _ in 0..<2000 {
        let value = SecureRandom.uniformInt(below: 10)
        #expect(value < 10)
        seen.insert(value)
    }
    #expect(seen.count == 10)
}

@Test func constantTimeEquals_comparesLengthAndContents() {
    #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
    #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 0]))
    #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
    #expect(ConstantTime.equals([UInt8](), [UInt8]()))
}
