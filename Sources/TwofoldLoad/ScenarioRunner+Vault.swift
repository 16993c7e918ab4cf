import TwofoldOTP
import TwofoldWire

/// The `verify` scenario and its users, straight on the vault's socket (no gateway).
extension ScenarioRunner {
    /// Enrolls one vault-only user (`enroll.begin` + `enroll.confirm`), id `load-<run>-<n>`.
    func enrollVaultUser() async throws(LoadError) -> LoadUser {
        let id = "load-\(runID)-v\(nextSerial())"
        let begun = try await vault("enroll.begin", ["user": .string(id), "account_name": .string(id)])
        guard let secretText = begun["secret"]?.stringValue, let secret = try? Base32.decode(secretText) else {
            throw .unexpected("vault enroll.begin without a Base32 secret")
        }
        let step = TimeStepRule.confirmStep(lastStep: 0, unixMilliseconds: nowMilliseconds)
        let confirmed = try await vault(
            "enroll.confirm", ["user": .string(id), "code": .string(code(secret: secret, step: step))])
        guard confirmed["outcome"]?.stringValue == "confirmed" else {
            throw .unexpected("vault enroll.confirm \(confirmed["outcome"]?.stringValue ?? "without outcome")")
        }
        return LoadUser(id: id, secret: secret, lastStep: step)
    }

    func verifyIteration() async throws(LoadError) {
        guard case (var user, let step)? = checkout(\.verify) else {
            throw dry("verify", size: pools.withLock { $0.verify.size })
        }
        user.lastStep = step
        defer { pools.withLock { [user] in $0.verify.checkin(user) } }
        let answer = try await vault(
            "totp.verify", ["user": .string(user.id), "code": .string(code(secret: user.secret, step: step))])
        let outcome = answer["outcome"]?.stringValue ?? "missing"
        guard outcome == "accepted" else { throw .unexpected("vault totp.verify \(outcome)") }
    }
}
