import Synchronization
import TwofoldCrypto
import TwofoldOTP
import TwofoldSystem
import TwofoldWire

/// Runs iterations of the scenarios for any number of concurrent tasks: owns the user pools
/// (behind one lock), the clients and the recorder. An iteration returns its failure (or nil);
/// every request inside it is also timed on its own.
public final class ScenarioRunner: Sendable {
    struct Pools {
        var login = UserPool()
        var verify = UserPool()
        var recovery = UserPool()
        var sessions: [String] = []
        var sessionCursor = 0
    }

    let options: LoadOptions
    let clients: LoadClients
    let recorder: LoadRecorder
    let clock: any LoadClock
    let outbox: OutboxWatcher?
    let pools = Mutex(Pools())
    /// A tag in every email and vault id this run creates, so runs never collide.
    let runID: String
    private let serial = Atomic<Int>(0)

    public init(options: LoadOptions, clients: LoadClients, recorder: LoadRecorder, clock: any LoadClock) {
        self.options = options
        self.clients = clients
        self.recorder = recorder
        self.clock = clock
        outbox = options.smsOutbox.map { OutboxWatcher(path: $0) }
        runID = SecureRandom.bytes(count: 4).map { String(UInt16($0) | 0x100, radix: 16).dropFirst() }.joined()
    }

    /// One iteration of `scenario`; nil on success.
    public func run(_ scenario: Scenario) async -> LoadError? {
        do {
            switch scenario {
            case .enroll: try await enrollIteration()
            case .login: try await loginIteration()
            case .verify: try await verifyIteration()
            case .session: try await sessionIteration()
            case .recovery: try await recoveryIteration()
            case .get: try await getIteration()
            case .invite: try await inviteIteration()
            }
            return nil
        } catch {
            return error
        }
    }

    /// Pool sizes, for the summary.
    public var poolSizes: [String: Int] {
        pools.withLock { pools in
            [
                "login": pools.login.size, "verify": pools.verify.size, "recovery": pools.recovery.size,
                "sessions": pools.sessions.count,
            ]
        }
    }

    /// Checkouts refused because a pool was dry, per pool.
    public var dryCheckouts: [String: Int] {
        pools.withLock { pools in
            [
                "login": pools.login.dryCheckouts, "verify": pools.verify.dryCheckouts,
                "recovery": pools.recovery.dryCheckouts,
            ]
        }
    }

    // MARK: Shared helpers.

    /// A number unique within the run.
    func nextSerial() -> Int { serial.wrappingAdd(1, ordering: .relaxed).oldValue }

    /// The code of `step` for `secret`.
    func code(secret: [UInt8], step: UInt64) -> String {
        TOTP.code(secret: secret, unixTime: TimeStepRule.unixTime(ofStep: step), parameters: OTPParameters())
    }

    var nowMilliseconds: Int64 { clock.unixMilliseconds }

    /// Sends `request`, files its round trip, and returns the JSON body of an answer with
    /// status `expect` (`.null` for an empty body); anything else is an `http` error carrying
    /// the API's error code.
    func call(_ request: HTTPClientRequest, expect: Int, json: Bool = true) async throws(LoadError) -> JSONValue {
        let exchange = try await clients.send(request).get()
        recorder.recordOperation(request.name, latency: exchange.completedAt &- exchange.sentAt)
        let response = exchange.response
        let body = response.body.isEmpty ? JSONValue.null : (try? JSONValue.parse(response.body))
        guard response.status == expect else {
            throw .http(request: request.name, status: response.status, apiCode: body?["error"]?["code"]?.stringValue)
        }
        guard json else { return .null }
        guard let body else { throw .unexpected("\(request.name) answered a body that is not JSON") }
        return body
    }

    /// One vault call, filed under `vault <op>`; the result object of a success.
    func vault(_ operation: String, _ args: [String: JSONValue]) async throws(LoadError) -> JSONValue {
        let exchange = await clients.vaultCall(operation, args: args)
        recorder.recordOperation("vault \(operation)", latency: exchange.completedAt &- exchange.sentAt)
        return try Self.result(of: exchange, name: "vault \(operation)")
    }

    /// One admin-socket call, filed under `admin <op>`.
    func admin(_ operation: String, _ args: [String: JSONValue]) async throws(LoadError) -> JSONValue {
        let exchange = await clients.adminCall(operation, args: args)
        recorder.recordOperation("admin \(operation)", latency: exchange.completedAt &- exchange.sentAt)
        return try Self.result(of: exchange, name: "admin \(operation)")
    }

    static func result(of exchange: WireExchange, name: String) throws(LoadError) -> JSONValue {
        switch exchange.result {
        case .failure(let error):
            switch error.code {
            case "unavailable": throw .closed("\(name): the socket is unavailable")
            case "response.timeout": throw .timeout(name)
            case "response.invalid": throw .protocolViolation("\(name): \(error.message)")
            default: throw .unexpected("\(name) \(error.code)")
            }
        case .success(let response):
            switch response.outcome {
            case .success(let result): return .object(result)
            case .failure(let payload): throw .unexpected("\(name) \(payload.code)")
            }
        }
    }

    /// A fresh random password (24 Base32 characters, 120 bits): never a common one.
    static func randomPassword() -> String { Base32.encode(SecureRandom.bytes(count: 15)) }

    /// A random number under the configured prefix, 11 digits after the `+`, so each user has
    /// its own (the vault limits SMS sends per number as well as per user).
    func randomPhone() -> String {
        let prefix = options.phonePrefix
        let missing = max(0, 12 - prefix.count)
        let digits = SecureRandom.bytes(count: missing).map { String($0 % 10) }.joined()
        return prefix + digits
    }
}
