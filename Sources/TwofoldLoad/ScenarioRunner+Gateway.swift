import TwofoldOTP
import TwofoldWire

/// The scenarios that go through the gateway's JSON API (`/api/v1`, see the gateway's HTTP
/// contract). Request names are path templates, so no token reaches the summary.
extension ScenarioRunner {
    /// Creates one user the way a person does: an invite from the admin socket, sign-up with
    /// it, MFA setup and confirm (with a code computed from the secret the setup showed), then
    /// logout. The user gets a phone of its own. Returns it with the step its confirm used.
    func enrollUser() async throws(LoadError) -> LoadUser {
        let email = "load-\(runID)-\(nextSerial())@example.com"
        let invite = try await admin("invite.create", ["email": .string(email), "accounts": .array([])])
        guard let link = invite["link"]?.stringValue, let temporary = invite["temporary_password"]?.stringValue,
            let token = link.split(separator: "/").last.map(String.init), !token.isEmpty
        else { throw .unexpected("admin invite.create without link or temporary_password") }
        let password = Self.randomPassword()
        let phone = randomPhone()
        let accepted = try await call(
            HTTPClientRequest(
                method: "POST", path: "/api/v1/invites/\(token)/accept", name: "POST /api/v1/invites/{token}/accept",
                json: .object([
                    "email": .string(email), "temporary_password": .string(temporary),
                    "new_password": .string(password), "phone": .string(phone),
                ])),
            expect: 201)
        guard let setupToken = accepted["session_token"]?.stringValue, let id = accepted["user"]?["id"]?.stringValue
        else { throw .unexpected("invite accept without session_token or user.id") }
        var user = LoadUser(id: id, email: email, password: password, secret: [], phone: phone, lastStep: 0)
        let fullToken = try await setUpMFA(for: &user, token: setupToken)
        try await logout(fullToken)
        return user
    }

    /// MFA setup and confirm with a session of stage setup or recovery: updates the user's
    /// secret and last step, returns the full session's token.
    func setUpMFA(for user: inout LoadUser, token: String) async throws(LoadError) -> String {
        let setup = try await call(
            HTTPClientRequest(method: "POST", path: "/api/v1/mfa/setup", bearer: token, json: .object([:])), expect: 200
        )
        guard let enrollment = setup["enrollment_id"]?.stringValue, let secretText = setup["secret"]?.stringValue,
            let secret = try? Base32.decode(secretText)
        else { throw .unexpected("mfa/setup without enrollment_id or a Base32 secret") }
        let step = TimeStepRule.confirmStep(lastStep: user.lastStep, unixMilliseconds: nowMilliseconds)
        user.secret = secret
        user.lastStep = step
        let confirmed = try await call(
            HTTPClientRequest(
                method: "POST", path: "/api/v1/mfa/confirm", bearer: token,
                json: .object(["enrollment_id": .string(enrollment), "code": .string(code(secret: secret, step: step))])
            ),
            expect: 200)
        guard confirmed["stage"]?.stringValue == "full", let full = confirmed["session_token"]?.stringValue else {
            throw .unexpected("mfa/confirm did not give a full session")
        }
        return full
    }

    func logout(_ token: String) async throws(LoadError) {
        _ = try await call(
            HTTPClientRequest(method: "POST", path: "/api/v1/logout", bearer: token, json: .object([:])), expect: 204)
    }

    /// Password then code: the full session's token. `user.lastStep` is advanced to the step
    /// used as soon as the code is sent.
    func logIn(_ user: inout LoadUser, step: UInt64) async throws(LoadError) -> String {
        let passwordToken = try await passwordStage(user)
        // The password hash may have queued for seconds: take the step current now if later.
        let now = TimeStepRule.step(atUnixMilliseconds: nowMilliseconds)
        let used = max(step, now, user.lastStep + 1)
        user.lastStep = used
        let answer = try await call(
            HTTPClientRequest(
                method: "POST", path: "/api/v1/login/code", bearer: passwordToken,
                json: .object(["code": .string(code(secret: user.secret, step: used))])),
            expect: 200)
        guard answer["stage"]?.stringValue == "full", let token = answer["session_token"]?.stringValue else {
            throw .unexpected("login/code did not give a full session")
        }
        return token
    }

    /// `POST /api/v1/login`: the token of a session of stage password.
    func passwordStage(_ user: LoadUser) async throws(LoadError) -> String {
        let answer = try await call(
            HTTPClientRequest(
                method: "POST", path: "/api/v1/login",
                json: .object(["email": .string(user.email ?? ""), "password": .string(user.password ?? "")])),
            expect: 200)
        guard answer["stage"]?.stringValue == "password", let token = answer["session_token"]?.stringValue else {
            throw .unexpected("login stage \(answer["stage"]?.stringValue ?? "missing"), expected password")
        }
        return token
    }

    func enrollIteration() async throws(LoadError) {
        let user = try await enrollUser()
        pools.withLock { pools in
            pools.login.add(user)
        }
    }

    func loginIteration() async throws(LoadError) {
        guard case (var user, let step)? = checkout(\.login) else {
            throw dry("login", size: pools.withLock { $0.login.size })
        }
        defer { pools.withLock { [user] in $0.login.checkin(user) } }
        let token = try await logIn(&user, step: step)
        try await logout(token)
    }

    func sessionIteration() async throws(LoadError) {
        let token = pools.withLock { pools -> String? in
            guard !pools.sessions.isEmpty else { return nil }
            defer { pools.sessionCursor += 1 }
            return pools.sessions[pools.sessionCursor % pools.sessions.count]
        }
        guard let token else { throw .setup("no sessions were opened") }
        _ = try await call(
            HTTPClientRequest(method: "GET", path: options.sessionPath, bearer: token), expect: 200)
    }

    func inviteIteration() async throws(LoadError) {
        let email = "invite-\(runID)-\(nextSerial())@example.com"
        _ = try await admin("invite.create", ["email": .string(email), "accounts": .array([])])
    }

    func getIteration() async throws(LoadError) {
        _ = try await call(HTTPClientRequest(method: "GET", path: options.path), expect: 200, json: false)
    }

    /// The vault allows a recovery SMS per user once a minute and five a day.
    static func canSendRecovery(_ user: LoadUser, nowMilliseconds: Int64) -> Bool {
        guard user.phone != nil else { return false }
        let today = user.recoverySends.filter { nowMilliseconds - $0 < 86_400_000 }
        return today.count < 5 && (today.max().map { nowMilliseconds - $0 >= 61_000 } ?? true)
    }

    func recoveryIteration() async throws(LoadError) {
        guard let outbox else { throw .usage("recovery needs --sms-outbox") }
        let now = nowMilliseconds
        guard
            var (user, _) = pools.withLock({ pools in
                // No code of the old seed is sent: a user is free as soon as its new seed can be
                // confirmed inside the vault's window.
                pools.recovery.checkout(unixMilliseconds: now, for: .reenroll) {
                    Self.canSendRecovery($0, nowMilliseconds: now)
                }
            })
        else {
            throw dry(
                "recovery", size: pools.withLock { $0.recovery.size }, note: " (5 SMS per user a day, 1 a minute)")
        }
        defer { pools.withLock { [user] in $0.recovery.checkin(user) } }
        guard let phone = user.phone else { throw .setup("a recovery user without phone") }
        let passwordToken = try await passwordStage(user)
        let seen = outbox.codeCount(for: phone)
        user.recoverySends.append(nowMilliseconds)
        _ = try await call(
            HTTPClientRequest(method: "POST", path: "/api/v1/recovery/send", bearer: passwordToken, json: .object([:])),
            expect: 200)
        guard let smsCode = await outbox.waitForCode(for: phone, after: seen, timeout: options.timeout) else {
            throw .smsMissing("no recovery SMS in the outbox within the timeout")
        }
        let verified = try await call(
            HTTPClientRequest(
                method: "POST", path: "/api/v1/recovery/verify", bearer: passwordToken,
                json: .object(["code": .string(smsCode)])),
            expect: 200)
        guard verified["stage"]?.stringValue == "recovery", let recoveryToken = verified["session_token"]?.stringValue
        else { throw .unexpected("recovery/verify did not give a recovery session") }
        let full = try await setUpMFA(for: &user, token: recoveryToken)
        try await logout(full)
    }

    /// Takes a user that may log in now from the pool at `keyPath`.
    func checkout(_ keyPath: WritableKeyPath<Pools, UserPool> & Sendable) -> (LoadUser, UInt64)? {
        let now = nowMilliseconds
        return pools.withLock { pools in pools[keyPath: keyPath].checkout(unixMilliseconds: now) }
    }

    func dry(_ pool: String, size: Int, note: String = "") -> LoadError {
        .poolExhausted(
            "all \(size) \(pool) users are busy or used the current 30-s step\(note): \(size) users carry about "
                + "\(Int(TimeStepRule.sustainableRate(users: size)))/s; pass --users")
    }
}
