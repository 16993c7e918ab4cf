/// The users one scenario draws from, first in first out: a user is checked out for one
/// iteration (so no two iterations share a user) and checked back in after it, behind the others.
/// The front user is the one that used a step longest ago, so if it cannot take the current
/// step, no one can: checkout is O(1) and the pool says "dry" instead of scanning.
///
/// Not synchronized: `UserPools` guards it.
public struct UserPool: Sendable {
    private var queue: [LoadUser] = []
    private var head = 0
    /// Users in the pool, checked out ones included.
    public private(set) var size = 0
    /// Checkouts refused because the front user was not eligible yet.
    public private(set) var dryCheckouts = 0

    /// Ordered by last step, so the front is the first user free again (enrollment may have
    /// confirmed some users with the previous step and later ones with the current step).
    public init(users: [LoadUser] = []) {
        for user in users.sorted(by: { $0.lastStep < $1.lastStep }) { add(user) }
    }

    /// Adds a new user at the back (e.g. one the `enroll` scenario just created).
    public mutating func add(_ user: LoadUser) {
        queue.append(user)
        size += 1
    }

    /// Users waiting in the pool (not checked out).
    public var available: Int { queue.count - head }

    /// The latest step any waiting user has used (nil for an empty pool).
    public var latestStep: UInt64? { queue[head...].lazy.map(\.lastStep).max() }

    /// Takes the front user for a login at `unixMilliseconds`, with the step it must use; nil
    /// when the front user has already used the current step (the pool is too small for the
    /// rate: every user is busy or used this step) or fails `isEligible`. `use` says what the
    /// step is for (a login by default).
    public mutating func checkout(
        unixMilliseconds: Int64, for use: StepUse = .login, isEligible: (LoadUser) -> Bool = { _ in true }
    ) -> (user: LoadUser, step: UInt64)? {
        guard head < queue.count,
            let step = use.step(lastStep: queue[head].lastStep, unixMilliseconds: unixMilliseconds),
            isEligible(queue[head])
        else {
            dryCheckouts += 1
            return nil
        }
        let user = queue[head]
        head += 1
        if head > 1024 && head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
        return (user, step)
    }

    /// Takes the front user whatever its last step (for scenarios that use no code, such as
    /// `session` setup); nil when every user is checked out.
    public mutating func checkoutAny() -> LoadUser? {
        guard head < queue.count else { return nil }
        defer { head += 1 }
        return queue[head]
    }

    /// Returns a user after its iteration, with its `lastStep` updated to the step it used
    /// (whether or not the vault accepted it: a step that was sent is spent).
    public mutating func checkin(_ user: LoadUser) {
        queue.append(user)
    }

    /// Every user, checked out ones excluded (for saving the pool at the end of a run).
    public var users: [LoadUser] { Array(queue[head...]) }
}

/// What a checked-out user's step is for, which decides when the user is free again.
public enum StepUse: Sendable {
    /// A code of the user's current seed: a step above the last one used (`TimeStepRule.loginStep`).
    case login
    /// A new seed's first code, as recovery's MFA setup sends (`TimeStepRule.reenrollStep`).
    case reenroll

    func step(lastStep: UInt64, unixMilliseconds: Int64) -> UInt64? {
        switch self {
        case .login: TimeStepRule.loginStep(lastStep: lastStep, unixMilliseconds: unixMilliseconds)
        case .reenroll: TimeStepRule.reenrollStep(lastStep: lastStep, unixMilliseconds: unixMilliseconds)
        }
    }
}
