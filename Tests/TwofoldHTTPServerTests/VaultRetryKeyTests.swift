import Testing
import TwofoldGateway
import TwofoldWire

/// The idempotency key the gateway sends when a user may send the same code again: the same for
/// the same session, operation and inputs (so the vault answers the retry from its record), and
/// another one as soon as any of them differs.
@Suite struct VaultRetryKeyTests {
    let session = String(repeating: "ab", count: 32)

    @Test func sameSessionOperationAndCode_giveTheSameValidKey() throws {
        let first = VaultConnection.retryKey(session: session, operation: "totp.verify", ["123456"])
        let again = VaultConnection.retryKey(session: session, operation: "totp.verify", ["123456"])
        #expect(first == again)
        #expect(IdempotencyKey(first.rawValue) == first, "a key the wire accepts")
        #expect(first.rawValue.utf8.count == 22)
        #expect(!first.rawValue.contains("123456"))
    }

    @Test func anotherSessionOperationOrInput_givesAnotherKey() {
        let key = VaultConnection.retryKey(session: session, operation: "totp.verify", ["123456"])
        let others = [
            VaultConnection.retryKey(session: String(repeating: "cd", count: 32), operation: "totp.verify", ["123456"]),
            VaultConnection.retryKey(session: session, operation: "recovery.verify", ["123456"]),
            VaultConnection.retryKey(session: session, operation: "totp.verify", ["123457"]),
            // Inputs are separated: ("12", "3456") is not ("123", "456").
            VaultConnection.retryKey(session: session, operation: "enroll.confirm", ["12", "3456"]),
            VaultConnection.retryKey(session: session, operation: "enroll.confirm", ["123", "456"]),
        ]
        for other in others { #expect(other != key) }
        #expect(others[3] != others[4])
    }
}
