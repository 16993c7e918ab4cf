import TwofoldProcess
import TwofoldSystem

/// The `load-driver` command line, resolved and checked.
public struct LoadOptions: Sendable {
    public enum Mode: Sendable, Equatable {
        /// N virtual users, each starting its next iteration when the last one ends.
        case closed(concurrency: Int)
        /// A fixed arrival rate (per second), latency counted from each intended start.
        case open(rate: Double)
    }

    public var scenarioName: String
    public var mix: ScenarioMix
    public var mode: Mode
    public var duration: Duration
    public var gateway: SocketAddress?
    public var vaultSocket: String?
    public var adminSocket: String?
    public var smsOutbox: String?
    public var users: Int
    public var sessions: Int
    public var path: String
    public var sessionPath: String
    public var timeout: Duration
    public var loops: Int
    public var maxInFlight: Int
    public var jsonPath: String?
    public var maxErrorRate: Double
    public var phonePrefix: String
    public var progress: Bool

    public static let parser = CommandLineParser(
        command: "load-driver",
        summary: """
            Twofold's load driver: runs a scenario against the running daemons and reports throughput, \
            latency percentiles (p50, p90, p99, p99.9, max) and errors by kind.

            Scenarios: enroll (admin invite -> sign-up -> MFA setup -> confirm -> logout, JSON API; needs \
            --gateway and --admin-socket), login (password, then a code the driver computes, then logout), \
            verify (totp.verify of fresh codes straight on --vault-socket), session (GET --session-path with a \
            full session), recovery (password -> SMS code read from --sms-outbox -> new MFA setup -> logout), \
            get (GET --path, no session), invite (admin invite.create of a fresh email on --admin-socket, \
            nothing else), mixed (a blend given by --mix).

            Closed loop with --concurrency N; open loop with --rate R (per second), where each latency is \
            measured from the request's intended start so stalls are not hidden (coordinated omission).

            TOTP rules: the driver never uses a 30-s step twice for a user, so a pool of U users carries at \
            most U/30 logins (or verifies, or recoveries) per second. The driver enrolls its users first \
            (--users; the gateway's users through the API, the verify users straight in the vault), warns \
            when the pool is too small for --rate, and when the pool runs dry: in open loop the arrival \
            fails as "pool_exhausted"; in closed loop the virtual user waits for the next step (not a \
            failure: throughput then shows the pool's limit).

            Exit status: 0; 1 when the error rate passes --max-error-rate; 64 usage; 69 setup failed \
            (a daemon unreachable or refusing).
            """,
        options: [
            .value(
                "scenario", placeholder: "NAME", default: "verify",
                help: "enroll, login, verify, session, recovery, get, invite or mixed."),
            .value("mix", placeholder: "S=W,...", help: "For mixed: weights, e.g. login=5,session=90,verify=5."),
            .value("concurrency", placeholder: "N", help: "Closed loop: virtual users (default 8)."),
            .value("rate", placeholder: "R", help: "Open loop: iterations per second (e.g. 500 or 500/s)."),
            .value("duration", placeholder: "DURATION", default: "10s", help: "How long to run (e.g. 2s, 1m)."),
            .value("gateway", placeholder: "HOST:PORT", help: "The auth-gateway's HTTP address."),
            .value("vault-socket", placeholder: "PATH", help: "The secret-vault's socket (verify)."),
            .value("admin-socket", placeholder: "PATH", help: "The gateway's admin socket (invites for enroll)."),
            .value("sms-outbox", placeholder: "FILE", help: "The sms-sender's outbox.jsonl (recovery)."),
            .value(
                "users", placeholder: "N",
                help:
                    "Users per pool (login, verify, recovery). Default: enough for --rate over the run, else 200 (5000 for verify)."
            ),
            .value(
                "sessions", placeholder: "N", default: "64", help: "Full sessions the session scenario cycles over."),
            .value("path", placeholder: "PATH", default: "/healthz", help: "What the get scenario fetches."),
            .value(
                "session-path", placeholder: "PATH", default: "/api/v1/me", help: "What the session scenario fetches."),
            .value("timeout", placeholder: "DURATION", default: "10s", help: "Per request."),
            .value("loops", placeholder: "N", default: "2", help: "Event loop threads for the driver's I/O."),
            .value(
                "max-in-flight", placeholder: "N", default: "10000",
                help: "Open loop: iterations outstanding beyond which arrivals fail as overloaded."),
            .value("json", placeholder: "FILE", help: "Also write the summary as JSON to FILE."),
            .value(
                "max-error-rate", placeholder: "FRACTION", default: "0.01",
                help: "Exit 1 when failed / all iterations is above this (0.01 or 1%)."),
            .value(
                "phone-prefix", placeholder: "+DIGITS", default: "+1415",
                help: "Recovery phones are this prefix plus random digits (11 digits in all)."),
            .flag("no-progress", help: "No live progress line (it is shown only when stderr is a terminal)."),
        ])

    public init(_ parsed: ParsedOptions) throws(LoadError) {
        do {
            try self.init(resolving: parsed)
        } catch let error as LoadError {
            throw error
        } catch let error as ProcessError {
            throw .usage(error.message)
        } catch {
            throw .usage("\(error)")
        }
    }

    private init(resolving parsed: ParsedOptions) throws {
        scenarioName = parsed.string("scenario") ?? "verify"
        if scenarioName == "mixed" {
            guard let text = parsed.string("mix") else {
                throw LoadError.usage("mixed needs --mix, e.g. login=5,session=90")
            }
            mix = try ScenarioMix(parsing: text)
        } else {
            guard let scenario = Scenario(rawValue: scenarioName) else {
                throw LoadError.usage("unknown scenario '\(scenarioName)'")
            }
            guard parsed.string("mix") == nil else { throw LoadError.usage("--mix goes with --scenario mixed") }
            mix = .single(scenario)
        }
        if let rateText = parsed.string("rate") {
            guard parsed.string("concurrency") == nil else {
                throw LoadError.usage("give either --rate (open loop) or --concurrency (closed loop)")
            }
            let number = rateText.hasSuffix("/s") ? String(rateText.dropLast(2)) : rateText
            guard let rate = Double(number), rate > 0, rate <= 10_000_000 else {
                throw LoadError.usage("--rate must be a positive number of iterations per second")
            }
            mode = .open(rate: rate)
        } else {
            mode = .closed(concurrency: try parsed.int("concurrency", in: 1...100_000) ?? 8)
        }
        duration = try parsed.duration("duration") ?? .seconds(10)
        guard duration > .zero else { throw LoadError.usage("--duration must be positive") }
        if let text = parsed.string("gateway") {
            do {
                gateway = try SocketAddress(parsing: text)
            } catch {
                throw LoadError.usage("--gateway must be HOST:PORT with a numeric host (e.g. 127.0.0.1:8080)")
            }
        }
        vaultSocket = parsed.string("vault-socket")
        adminSocket = parsed.string("admin-socket")
        smsOutbox = parsed.string("sms-outbox")
        sessions = try parsed.int("sessions", in: 1...100_000) ?? 64
        path = parsed.string("path") ?? "/healthz"
        sessionPath = parsed.string("session-path") ?? "/api/v1/me"
        guard path.hasPrefix("/"), sessionPath.hasPrefix("/") else { throw LoadError.usage("paths start with /") }
        timeout = try parsed.duration("timeout") ?? .seconds(10)
        loops = try parsed.int("loops", in: 1...64) ?? 2
        maxInFlight = try parsed.int("max-in-flight", in: 1...1_000_000) ?? 10_000
        jsonPath = parsed.string("json")
        maxErrorRate = try Self.fraction(parsed.string("max-error-rate") ?? "0.01")
        phonePrefix = parsed.string("phone-prefix") ?? "+1415"
        guard phonePrefix.hasPrefix("+"), phonePrefix.dropFirst().allSatisfy(\.isASCII),
            phonePrefix.dropFirst().allSatisfy(\.isNumber), (2...8).contains(phonePrefix.count)
        else { throw LoadError.usage("--phone-prefix is + and 1 to 7 digits") }
        progress = !parsed.flag("no-progress")
        users = try parsed.int("users", in: 1...10_000_000) ?? 0
        if users == 0 { users = Self.defaultUsers(mix: mix, mode: mode, duration: duration) }
        try checkTargets()
    }

    /// Enough users that the pool does not run dry at the asked rate (each user takes one step
    /// per 30 s; a run shorter than a step needs rate × duration), else a fixed default.
    static func defaultUsers(mix: ScenarioMix, mode: Mode, duration: Duration) -> Int {
        let onlyVerify = mix.scenarios == [.verify]
        guard case .open(let rate) = mode else { return onlyVerify ? 5000 : 200 }
        let seconds = min(Double(duration.components.seconds) + 1, Double(TimeStepRule.period))
        let busiest = mix.entries.filter { $0.scenario.consumesTimeStep }.map { mix.share(of: $0.scenario) }.max() ?? 0
        return max(16, Int((rate * busiest * seconds * 1.2).rounded(.up)) + 16)
    }

    /// Parses `0.01` or `1%`.
    static func fraction(_ text: String) throws(LoadError) -> Double {
        let value = text.hasSuffix("%") ? Double(text.dropLast()).map { $0 / 100 } : Double(text)
        guard let value, (0...1).contains(value) else {
            throw .usage("--max-error-rate must be a fraction from 0 to 1 (or a percentage such as 1%)")
        }
        return value
    }

    private func checkTargets() throws(LoadError) {
        let scenarios = mix.scenarios
        if scenarios.contains(where: \.usesGateway), gateway == nil {
            throw .usage(
                "\(scenarios.filter(\.usesGateway).map(\.rawValue).sorted().joined(separator: ", ")) need --gateway")
        }
        if scenarios.contains(.verify), vaultSocket == nil { throw .usage("verify needs --vault-socket") }
        let enrolls = scenarios.contains(where: { [.enroll, .login, .session, .recovery].contains($0) })
        if enrolls, adminSocket == nil {
            throw .usage(
                "enroll, login, session and recovery need --admin-socket (the driver enrolls its users by invite)")
        }
        if scenarios.contains(.invite), adminSocket == nil { throw .usage("invite needs --admin-socket") }
        if scenarios.contains(.recovery), smsOutbox == nil {
            throw .usage("recovery needs --sms-outbox (the sms-sender's outbox.jsonl)")
        }
    }

    /// How many step-consuming iterations per second a pool of `users` carries, against what
    /// the open-loop rate asks of the busiest pool; nil when the pool suffices (or closed loop).
    public var poolWarning: String? {
        guard case .open(let rate) = mode else { return nil }
        for entry in mix.entries where entry.scenario.consumesTimeStep {
            let asked = rate * mix.share(of: entry.scenario)
            let runSeconds = min(Double(duration.components.seconds), Double(TimeStepRule.period))
            let carried = max(TimeStepRule.sustainableRate(users: users), Double(users) / max(runSeconds, 1))
            if asked > carried {
                return """
                    the \(entry.scenario.rawValue) pool is too small: \(users) users carry about \
                    \(Int(carried)) \(entry.scenario.rawValue)s/s (one fresh 30-s TOTP step per user), \
                    asked \(Int(asked))/s; pass --users \(TimeStepRule.usersNeeded(rate: asked))
                    """
            }
        }
        return nil
    }
}
