import Synchronization
import TwofoldCLI
import TwofoldWire

/// Answers every request with one canned result and remembers the requests it got.
final class StubTransport: AdminTransport {
    let answer: Result<AdminResult, AdminError>
    let requests = Mutex<[AdminRequest]>([])

    init(_ answer: Result<AdminResult, AdminError>) { self.answer = answer }

    convenience init(result: [String: JSONValue]) { self.init(.success(AdminResult(result))) }

    func perform(_ request: AdminRequest) -> Result<AdminResult, AdminError> {
        requests.withLock { $0.append(request) }
        return answer
    }
}

/// For runs that must end before any request is sent.
struct UnusedTransport: AdminTransport {
    func perform(_ request: AdminRequest) -> Result<AdminResult, AdminError> {
        .failure(.local("the transport should not have been used"))
    }
}

/// Canned records, shaped like protocol/admin.md's examples.
enum Fixtures {
    static let created: Int64 = 1_767_225_600_000  // 2026-01-01 00:00 UTC
    static let acme: JSONValue = .object(["id": "a-00112233aabbccdd", "name": "Acme"])

    static func account(name: String = "Acme", members: Int64 = 2) -> JSONValue {
        .object([
            "id": "a-00112233aabbccdd", "name": .string(name), "members": .integer(members),
            "created_at": .integer(created),
        ])
    }

    static func user(email: String = "ann@example.com", status: String = "active") -> JSONValue {
        .object([
            "id": "u-0123456789abcdef01234567", "email": .string(email), "status": .string(status),
            "accounts": .array([acme]), "created_at": .integer(created), "sessions": 1,
        ])
    }

    static func invite(status: String = "pending") -> JSONValue {
        .object([
            "id": "i-8899aabbccddeeff", "email": "bob@example.com", "accounts": .array([acme]),
            "status": .string(status), "created_at": .integer(created), "expires_at": .integer(created + 604_800_000),
        ])
    }

    static let mfa: JSONValue = .object([
        "enrolled": true, "pending": false, "locked": false, "phone_masked": "+1 ••••••••71",
        "phone_country_name": "United States", "sms_recovery": "available",
    ])
}
