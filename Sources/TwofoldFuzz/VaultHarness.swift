import Dispatch
import Synchronization
import TwofoldOTP
import TwofoldProcess
import TwofoldSystem
import TwofoldVault
import TwofoldWebAuthn
import TwofoldWire

extension FuzzHarness {
    /// Issue 15's entry point 7: vault operations, envelope to answer.
    static let vault = FuzzHarness(
        name: "vault",
        summary: "up to 8 vault requests (built from fields, or raw envelopes) through WireRequestReader and "
            + "VaultService to a fresh Vault on an in-memory store: every request answered once, with its id, by an "
            + "envelope a client decodes to the same response; errors carry a stable code, never 'internal' while "
            + "storage works, never the code sent"
    ) { input throws(FuzzFailure) in
        try VaultHarness.run(&input)
    }
}

/// Feeds a fresh vault a short session of requests. Each step either reads a raw envelope from
/// the input, or builds one: an operation (any the vault offers, or an unknown one) and, per
/// argument key, nothing, a value of the wrong type, text from the input, or a value that makes
/// the call succeed (the user, the enrollment id and a correct code for the seed the vault
/// returned, a phone number), so the fuzzer reaches the state after enrollment as well.
enum VaultHarness {
    static let keys = ["user", "account_name", "enrollment_id", "code", "phone", "actor", "reason"]
    static let envelopeCodes: Set<String> = [
        "frame.empty", "frame.too_large", "frame.truncated", "json.invalid_utf8", "json.malformed",
        "request.not_object", "request.invalid", "version.unsupported", "op.unknown", "internal", "unavailable",
        "deadline.exceeded",
    ]

    static func run(_ input: inout FuzzInput) throws(FuzzFailure) {
        let mode = input.byte()
        let clock = FuzzVaultClock()
        let persistence = FuzzPersistence(asynchronous: mode & 1 != 0)
        let sms = FuzzSMS(reachable: mode & 2 == 0)
        guard let crypto = try? VaultCrypto(masterKey: Array(repeating: 7, count: 32)) else {
            throw FuzzFailure(message: "the vault's crypto does not start", file: #fileID, line: #line)
        }
        // Passkeys on, so the webauthn.* operations parse and decide rather than answer not_configured.
        let vault = Vault(
            crypto: crypto, persistence: persistence, clock: clock, sms: sms, audit: VaultAudit(sink: .memory()),
            relyingParty: try? RelyingParty(publicURL: "https://login.example.org"))
        let service = VaultService(vault: vault)
        let operations = service.operations.sorted() + ["enroll", "totp.verify "]
        let reader = WireRequestReader(operations: service.operations)
        var secret: [UInt8] = []
        var enrollmentID = ""
        for step in 0..<(Int(input.byte() % 8) + 1) {
            clock.advance(Int64(input.byte()) * 7_000)
            let frame: [UInt8]
            var sentCode: String?
            if input.byte() & 0x80 != 0 {
                frame = field(&input)
            } else {
                var args: [String: JSONValue] = [:]
                let operation = input.pick(operations)
                for key in keys {
                    let good: JSONValue =
                        switch key {
                        case "user": .string("u-1")
                        case "enrollment_id": .string(enrollmentID)
                        case "code": .string(code(secret, clock))
                        case "phone": .string("+4915112345678")
                        default: .string("ops@example.com")
                        }
                    switch input.byte() % 8 {
                    case 0, 1: break
                    case 2, 3: args[key] = good
                    case 4: args[key] = .string(String(decoding: field(&input), as: UTF8.self))
                    case 5: args[key] = .integer(Int64(input.uint16()) - 1)
                    case 6: args[key] = .null
                    default: args[key] = .array([good])
                    }
                }
                if case .string(let code)? = args["code"], looksLikeACode(code) { sentCode = code }
                let envelope: [String: JSONValue] = [
                    "v": .integer(1), "id": .integer(Int64(step)), "op": .string(operation), "args": .object(args),
                ]
                frame = JSONValue.object(envelope).jsonBytes
            }
            let request: WireRequest
            switch reader.read(frame) {
            case .failure(let rejection):
                try checkEnvelope(rejection.response, id: rejection.id, sentCode: nil)
                continue
            case .success(let read): request = read
            }
            let response = try answer(service, request)
            try checkEnvelope(response, id: request.id, sentCode: sentCode)
            if request.operation == "enroll.begin", case .success(let result) = response.outcome {
                guard case .string(let base32)? = result["secret"], let seed = try? Base32.decode(base32),
                    case .string(let id)? = result["enrollment_id"]
                else { throw FuzzFailure(message: "enroll.begin's result lacks its seed", file: #fileID, line: #line) }
                secret = seed
                enrollmentID = id
            }
        }
    }

    /// The one response `service` gives `request` (waiting at most `FuzzHarness.hangGuard`).
    static func answer(_ service: VaultService, _ request: WireRequest) throws(FuzzFailure) -> WireResponse {
        let responses = Mutex<[WireResponse]>([])
        let answered = DispatchSemaphore(value: 0)
        service.handle(request, peer: PeerCredentials(processID: 1, userID: 0, groupID: 0)) { response in
            responses.withLock { $0.append(response) }
            answered.signal()
        }
        try check(
            answered.wait(timeout: .now() + FuzzHarness.hangGuard) == .success, "\(request.operation): no answer (hung)"
        )
        let all = responses.withLock { $0 }
        try check(all.count == 1, "\(request.operation): \(all.count) answers to one request")
        return all[0]
    }

    static func checkEnvelope(_ response: WireResponse, id: RequestID?, sentCode: String?) throws(FuzzFailure) {
        try check(response.id == id, "the answer's id \(String(describing: response.id)) is not the request's")
        let bytes = response.encoded()
        let decoded: WireResponse
        do {
            decoded = try WireResponse.decode(bytes)
        } catch {
            throw FuzzFailure(
                message: "a client cannot read the answer \(String(decoding: bytes, as: UTF8.self)): \(error)",
                file: #fileID, line: #line)
        }
        try check(decoded == response, "the answer reads back as another: \(String(decoding: bytes, as: UTF8.self))")
        guard case .failure(let error) = response.outcome else { return }
        try check(
            VaultError.Code(rawValue: error.code) != nil || envelopeCodes.contains(error.code),
            "unstable error code \(error.code)")
        try check(error.code != "internal", "'internal' while the storage works: \(error.message)")
        if let sentCode {
            try check(!error.message.contains(sentCode), "the error message repeats the code sent: \(error.message)")
        }
    }

    /// Text shaped like a secret the vault must never echo (an authenticator, recovery or backup
    /// code: 6 or more letters, digits and dashes, with a digit). Other text the fuzzer sends as
    /// `code` may be a fragment of a fixed message ("issing" of "is missing") without any echo.
    static func looksLikeACode(_ text: String) -> Bool {
        text.utf8.count >= 6 && text.utf8.contains(where: { (0x30...0x39).contains($0) })
            && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5A).contains($0 & 0xDF) || $0 == 0x2D }
    }

    static func field(_ input: inout FuzzInput) -> [UInt8] {
        var bytes: [UInt8] = []
        for _ in 0..<input.byte() { bytes.append(input.byte()) }
        return bytes
    }

    static func code(_ secret: [UInt8], _ clock: FuzzVaultClock) -> String {
        secret.isEmpty
            ? "123456" : TOTP.code(secret: secret, unixTime: clock.nowMillis() / 1000, parameters: OTPParameters())
    }
}

final class FuzzVaultClock: VaultClock {
    private let millis = Mutex<Int64>(1_764_000_000_000)
    func nowMillis() -> Int64 { millis.withLock { $0 } }
    func advance(_ delta: Int64) { millis.withLock { $0 += delta } }
}

/// Keeps records in memory; completes inside `append` or, like the real store, on another thread.
final class FuzzPersistence: VaultPersistence {
    private let records = Mutex<[[UInt8]]>([])
    private let asynchronous: Bool

    init(asynchronous: Bool) { self.asynchronous = asynchronous }

    func append(_ payload: [UInt8], completion: @escaping @Sendable ((any Error)?) -> Void) {
        records.withLock { $0.append(payload) }
        complete(completion)
    }

    func compact(_ snapshot: [[UInt8]], completion: @escaping @Sendable ((any Error)?) -> Void) {
        records.withLock { $0 = snapshot }
        complete(completion)
    }

    var failure: String? { nil }
    func checkWritable() throws {}

    private func complete(_ completion: @escaping @Sendable ((any Error)?) -> Void) {
        if asynchronous {
            DispatchQueue.global().async { completion(nil) }
        } else {
            completion(nil)
        }
    }
}

/// The sms-sender: takes every message, or is down (then every send is `notSent`).
final class FuzzSMS: SMSDispatcher {
    let isReachable: Bool
    init(reachable: Bool) { isReachable = reachable }
    func send(
        _ message: SMSMessage, timeout: Duration?, completion: @escaping @Sendable (SMSSendOutcome) -> Void
    ) { completion(isReachable ? .sent : .notSent) }
}
