/// Before the measured run: the users and sessions the scenarios draw from. Setup is not
/// measured (its requests are timed, but the recorder is reset afterwards).
extension ScenarioRunner {
    /// Fills the pools the mix needs; `say` gets one line per phase. Fails on the first error,
    /// since a run against a half-built pool would measure the wrong thing.
    public func prepare(say: @Sendable (String) -> Void) async throws(LoadError) {
        let scenarios = options.mix.scenarios
        if scenarios.contains(.verify) {
            say("enrolling \(options.users) verify users straight in the vault…")
            let users = try await makeUsers(options.users, concurrency: 64) { () async throws(LoadError) in
                try await self.enrollVaultUser()
            }
            pools.withLock { $0.verify = UserPool(users: users) }
        }
        if scenarios.contains(.login) || scenarios.contains(.session) {
            let count = scenarios.contains(.login) ? max(options.users, options.sessions) : options.sessions
            say("enrolling \(count) users through the gateway (invite, sign-up, MFA setup)…")
            let users = try await makeUsers(count, concurrency: 16) { () async throws(LoadError) in
                try await self.enrollUser()
            }
            pools.withLock { $0.login = UserPool(users: users) }
        }
        if scenarios.contains(.recovery) {
            say("enrolling \(options.users) recovery users (each with a phone of its own)…")
            let users = try await makeUsers(options.users, concurrency: 16) { () async throws(LoadError) in
                try await self.enrollUser()
            }
            pools.withLock { $0.recovery = UserPool(users: users) }
        }
        await waitForFreshStep(say: say)
        if scenarios.contains(.session) {
            say("opening \(options.sessions) full sessions…")
            var tokens: [String] = []
            for _ in 0..<options.sessions {
                guard case (var user, let step)? = checkout(\.login) else { throw dry("login", size: options.sessions) }
                defer { pools.withLock { [user] in $0.login.checkin(user) } }
                tokens.append(try await logIn(&user, step: step))
            }
            pools.withLock { $0.sessions = tokens }
        }
    }

    /// Users enrolled in the last seconds of a step confirm with that step (an earlier one could
    /// leave the vault's window in transit), so they cannot log in or verify before the next
    /// one: when any such user is in a pool, waits for the next step (a few seconds at most),
    /// so the run does not start with a pool that looks dry.
    func waitForFreshStep(say: @Sendable (String) -> Void) async {
        let current = TimeStepRule.step(atUnixMilliseconds: clock.unixMilliseconds)
        let latest = pools.withLock { pools in
            [pools.login.latestStep, pools.verify.latestStep].compactMap { $0 }.max()
        }
        guard let latest, latest >= current else { return }
        let wait = Int64(latest + 1) * TimeStepRule.period * 1000 - clock.unixMilliseconds
        guard wait > 0 else { return }
        say("waiting \(wait) ms for the next 30-s step (users enrolled late in this one have used it)")
        try? await Task.sleep(for: .milliseconds(wait))
    }

    /// Runs `make` `count` times, `concurrency` at once.
    func makeUsers(
        _ count: Int, concurrency: Int, _ make: @escaping @Sendable () async throws(LoadError) -> LoadUser
    ) async throws(LoadError) -> [LoadUser] {
        let outcome = await withTaskGroup(of: Result<LoadUser, LoadError>.self) {
            group -> Result<[LoadUser], LoadError> in
            var users: [LoadUser] = []
            var started = 0
            func startOne() {
                started += 1
                group.addTask {
                    do throws(LoadError) {
                        return .success(try await make())
                    } catch {
                        return .failure(error)
                    }
                }
            }
            for _ in 0..<min(concurrency, count) { startOne() }
            for await result in group {
                switch result {
                case .success(let user):
                    users.append(user)
                    if started < count { startOne() }
                case .failure(let error):
                    group.cancelAll()
                    return Result<[LoadUser], LoadError>.failure(error)
                }
            }
            return .success(users)
        }
        return try outcome.get()
    }
}
