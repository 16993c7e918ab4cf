import Testing

@testable import TwofoldLoad

@Suite struct UserPoolTests {
    /// The very start of step 58,766,400 (0 ms into it).
    static let stepStart: Int64 = 1_762_992_000_000

    static func user(_ name: String, lastStep: UInt64) -> LoadUser {
        LoadUser(id: name, secret: [1, 2, 3], lastStep: lastStep)
    }

    func take(_ pool: inout UserPool, unixMilliseconds: Int64) -> (user: LoadUser, step: UInt64)? {
        pool.checkout(unixMilliseconds: unixMilliseconds)
    }

    @Test func checkout_givesTheCurrentStepToAUserWhoHasNotUsedIt() throws {
        let step = TimeStepRule.step(atUnixMilliseconds: Self.stepStart)
        var pool = UserPool(users: [Self.user("a", lastStep: step - 1)])
        let (user, given) = try #require(take(&pool, unixMilliseconds: Self.stepStart + 10_000))
        #expect(user.id == "a")
        #expect(given == step)
    }

    @Test func aUser_neverGetsTheSameStepTwice() throws {
        let step = TimeStepRule.step(atUnixMilliseconds: Self.stepStart)
        var pool = UserPool(users: [Self.user("a", lastStep: step - 1)])
        var (user, given) = try #require(take(&pool, unixMilliseconds: Self.stepStart))
        user.lastStep = given
        pool.checkin(user)
        // Same step, 29.9 s later: refused, and counted as a dry checkout.
        #expect(take(&pool, unixMilliseconds: Self.stepStart + 29_900) == nil)
        #expect(pool.dryCheckouts == 1)
        // The next step: free again, with the next step.
        let (_, next) = try #require(take(&pool, unixMilliseconds: Self.stepStart + 30_000))
        #expect(next == step + 1)
    }

    @Test func checkedOutUsers_areNotHandedOutAgain() throws {
        let step = TimeStepRule.step(atUnixMilliseconds: Self.stepStart)
        var pool = UserPool(users: [Self.user("a", lastStep: step - 1), Self.user("b", lastStep: step - 1)])
        let first = try #require(take(&pool, unixMilliseconds: Self.stepStart))
        let second = try #require(take(&pool, unixMilliseconds: Self.stepStart))
        #expect(first.user.id != second.user.id)
        #expect(take(&pool, unixMilliseconds: Self.stepStart) == nil)
        #expect(pool.size == 2)
        #expect(pool.available == 0)
    }

    @Test func aNewPool_putsTheUsersWhoAreFreeFirstInFront() throws {
        let step = TimeStepRule.step(atUnixMilliseconds: Self.stepStart)
        var pool = UserPool(users: [Self.user("late", lastStep: step), Self.user("early", lastStep: step - 1)])
        let (user, _) = try #require(take(&pool, unixMilliseconds: Self.stepStart))
        #expect(user.id == "early")
    }

    @Test func ineligibleFrontUser_makesThePoolDry() {
        var pool = UserPool(users: [Self.user("a", lastStep: 0)])
        let refused = pool.checkout(unixMilliseconds: Self.stepStart) { _ in false }
        #expect(refused == nil)
        #expect(pool.available == 1)
    }

    @Test func confirmStep_isThePreviousStepEarlyInAStepAndNeverAReplay() {
        let step = TimeStepRule.step(atUnixMilliseconds: Self.stepStart)
        #expect(TimeStepRule.confirmStep(lastStep: 0, unixMilliseconds: Self.stepStart + 1_000) == step - 1)
        // Late in the step the previous one could leave the vault's window in transit.
        #expect(TimeStepRule.confirmStep(lastStep: 0, unixMilliseconds: Self.stepStart + 26_000) == step)
        // A user who already used the current step confirms with the next one.
        #expect(TimeStepRule.confirmStep(lastStep: step, unixMilliseconds: Self.stepStart + 1_000) == step + 1)
    }

    @Test func reenrollStep_freesAUserWhoUsedTheCurrentStep_butNotOneAhead() {
        let step = TimeStepRule.step(atUnixMilliseconds: Self.stepStart)
        let early = Self.stepStart + 1_000
        // Enrolled late in this step (confirmed with it): a recovery may re-enroll at once with
        // the next step, which a login could not use yet.
        #expect(TimeStepRule.loginStep(lastStep: step, unixMilliseconds: early) == nil)
        #expect(TimeStepRule.reenrollStep(lastStep: step, unixMilliseconds: early) == step + 1)
        #expect(TimeStepRule.reenrollStep(lastStep: step - 5, unixMilliseconds: early) == step - 1)
        // Already at the next step: one more would be outside the vault's window.
        #expect(TimeStepRule.reenrollStep(lastStep: step + 1, unixMilliseconds: early) == nil)
    }

    @Test func checkout_withTheReenrollRule_handsOutUsersALoginCouldNot() throws {
        let step = TimeStepRule.step(atUnixMilliseconds: Self.stepStart)
        var pool = UserPool(users: [Self.user("a", lastStep: step)])
        #expect(pool.checkout(unixMilliseconds: Self.stepStart + 1_000) == nil)
        let taken = pool.checkout(unixMilliseconds: Self.stepStart + 1_000, for: .reenroll)
        let (user, given) = try #require(taken)
        #expect(user.id == "a")
        #expect(given == step + 1)
    }

    @Test func latestStep_isTheHighestStepAWaitingUserHasUsed() {
        var pool = UserPool()
        #expect(pool.latestStep == nil)
        pool = UserPool(users: [Self.user("a", lastStep: 7), Self.user("b", lastStep: 9), Self.user("c", lastStep: 8)])
        #expect(pool.latestStep == 9)
        #expect(pool.checkoutAny()?.id == "a")
        #expect(pool.checkoutAny()?.id == "c")
        #expect(pool.latestStep == 9, "sorted by step: b is still waiting at the back")
        #expect(pool.checkoutAny()?.id == "b")
        #expect(pool.latestStep == nil)
    }

    @Test func poolCapacity_isOneStepPerUserPer30Seconds() {
        #expect(TimeStepRule.sustainableRate(users: 300) == 10)
        #expect(TimeStepRule.usersNeeded(rate: 10) == 300)
        #expect(TimeStepRule.usersNeeded(rate: 0.1) == 3)
    }

    @Test func recoveryBudget_followsTheVaultsCooldownAndDailyQuota() {
        let now = Self.stepStart
        var user = LoadUser(id: "a", secret: [], phone: "+14155550100", lastStep: 0)
        #expect(ScenarioRunner.canSendRecovery(user, nowMilliseconds: now))
        user.recoverySends = [now - 30_000]
        #expect(!ScenarioRunner.canSendRecovery(user, nowMilliseconds: now))
        user.recoverySends = (1...5).map { now - Int64($0) * 3_600_000 }
        #expect(!ScenarioRunner.canSendRecovery(user, nowMilliseconds: now))
        user.recoverySends = (1...5).map { now - 86_400_000 - Int64($0) }
        #expect(ScenarioRunner.canSendRecovery(user, nowMilliseconds: now))
        user.phone = nil
        #expect(!ScenarioRunner.canSendRecovery(user, nowMilliseconds: now))
    }
}

extension LoadUser: CustomTestStringConvertible {
    public var testDescription: String { "LoadUser(\(id), lastStep: \(lastStep))" }
}
