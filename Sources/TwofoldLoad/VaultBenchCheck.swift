/// What `twofold-bench vault` may claim. A verify rate only means something if every code it
/// sent was one the vault should accept: a code outside the ±1 step window answers `invalid`
/// in microseconds, so counting those answers (what the bench did above ~40k/s, when its third
/// pass over the pool sent codes two steps ahead: 85 % accepted) inflates the rate.
public enum VaultBenchCheck {
    public struct Run: Sendable, Equatable {
        /// Verifications answered within the measured period.
        public var answered: Int
        /// Of those, how many were `accepted`.
        public var accepted: Int
        /// The pool of enrolled users ran out of usable codes before the period ended.
        public var poolRanDry: Bool

        public init(answered: Int, accepted: Int, poolRanDry: Bool) {
            self.answered = answered
            self.accepted = accepted
            self.poolRanDry = poolRanDry
        }
    }

    public enum Verdict: Sendable, Equatable {
        case valid
        /// Do not report a rate; the reason says why.
        case refused(String)
    }

    public static func verdict(_ run: Run) -> Verdict {
        if run.poolRanDry {
            return .refused(
                "the pool of enrolled users ran dry after \(run.answered) verifications (each user has two "
                    + "usable steps); enlarge the pool")
        }
        guard run.answered > 0 else { return .refused("no verification was answered") }
        if run.accepted != run.answered {
            return .refused(
                "\(run.answered - run.accepted) of \(run.answered) codes were not accepted: the rate would count "
                    + "refusals")
        }
        return .valid
    }

    /// Hands out users round-robin with the step each code must be for. Enrollment confirmed
    /// each user with the previous step's code, so a user can accept the current step's code
    /// (pass 0) and then the next step's (pass 1), both inside the ±1 window. After two passes the
    /// pool is dry: `next()` returns nil rather than a code the vault must refuse.
    public struct Pool: Sendable {
        private let users: [(name: String, seed: [UInt8])]
        private var index = 0
        private var pass: Int64 = 0

        public init(seeds: [String: [UInt8]]) {
            users = seeds.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        }

        /// True once every usable code has been handed out.
        public var isDry: Bool { users.isEmpty || pass >= 2 }

        public mutating func next() -> (user: String, seed: [UInt8], stepOffset: Int64)? {
            guard !isDry else { return nil }
            defer {
                index += 1
                if index == users.count {
                    index = 0
                    pass += 1
                }
            }
            return (users[index].name, users[index].seed, pass)
        }
    }
}
