import Testing
import TwofoldWire

@testable import TwofoldGateway

/// The gateway's small rules that need no server: throttling, origins and cookies, log redaction.
@Suite struct GatewayRulesTests {
    @Test func throttle_letsFiveWrongPasswordsThrough_thenDoublesTheWait() {
        let throttle = LoginThrottle()
        for _ in 0..<4 { throttle.recordFailure(email: "a@example.com", address: "10.0.0.1", now: 1_000) }
        #expect(throttle.retryAfter(email: "a@example.com", address: "10.0.0.1", now: 1_000) == nil)
        throttle.recordFailure(email: "a@example.com", address: "10.0.0.1", now: 1_000)
        #expect(throttle.retryAfter(email: "a@example.com", address: "10.0.0.1", now: 1_000) == 1_000)
        #expect(throttle.retryAfter(email: "a@example.com", address: "10.0.0.1", now: 2_000) == nil)
        throttle.recordFailure(email: "a@example.com", address: "10.0.0.1", now: 2_000)
        #expect(throttle.retryAfter(email: "a@example.com", address: "10.0.0.1", now: 2_000) == 2_000)
        // Another email from another address is not affected.
        #expect(throttle.retryAfter(email: "b@example.com", address: "10.0.0.2", now: 2_000) == nil)
    }

    @Test func throttle_neverLocksForever_andForgetsAfterAQuietHalfHour() {
        let throttle = LoginThrottle()
        for index in 0..<200 {
            throttle.recordFailure(email: "a@example.com", address: "x\(index)", now: Int64(index))
        }
        let wait = throttle.retryAfter(email: "a@example.com", address: "y", now: 200)
        #expect(wait != nil && wait! <= 5 * 60 * 1000, "capped at five minutes")
        #expect(throttle.retryAfter(email: "a@example.com", address: "y", now: 200 + 31 * 60 * 1000) == nil)
    }

    @Test func throttle_success_clearsTheEmailButNotTheAddress() {
        let throttle = LoginThrottle()
        for _ in 0..<25 { throttle.recordFailure(email: "a@example.com", address: "10.0.0.1", now: 0) }
        throttle.recordSuccess(email: "a@example.com")
        #expect(throttle.retryAfter(email: "a@example.com", address: "10.0.0.9", now: 0) == nil)
        #expect(throttle.retryAfter(email: "c@example.com", address: "10.0.0.1", now: 0) != nil, "20 free per address")
    }

    @Test(arguments: [
        ("https://login.example.com", "https://login.example.com", true),
        ("https://Login.Example.com/base/", "https://login.example.com", true),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080", true),
        ("http://localhost:8080/", "http://localhost:8080", true),
        ("http://[::1]:8080", "http://[::1]:8080", true),
        ("http://login.example.com", "http://login.example.com", false),
    ])
    func settings_deriveTheOriginAndWhetherCookiesAreSecure(url: String, origin: String, secure: Bool) {
        var settings = AuthSettings()
        settings.publicURL = url
        #expect(settings.publicOrigin == origin)
        #expect(settings.securedCookies == secure)
        let support = WebSupport(settings: settings)
        #expect(support.sessionCookie == (secure ? "__Host-twofold" : "twofold"))
        let cookie = support.sessionSetCookie("t")
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"))
        #expect(cookie.contains("Secure") == secure)
    }

    @Test func accessLog_hidesInviteTokens_andLeavesOtherPathsAlone() {
        #expect(GatewayDaemon.redactingTokens("/invite/abcDEF123") == "/invite/…")
        #expect(GatewayDaemon.redactingTokens("/api/v1/invites/abcDEF123/accept") == "/api/v1/invites/…/accept")
        #expect(GatewayDaemon.redactingTokens("/login/code") == "/login/code")
    }

    @Test func codes_loseTheSpacesAppsShow() {
        #expect(AuthService.digits(" 123 456 ") == "123456")
        #expect(AuthService.digits("123-456") == "123456")
        #expect(
            AuthService.digits(String(repeating: "9", count: 40)).count == 16, "bounded before it reaches the vault")
    }

    @Test func refill_dropsForbiddenCharacters_andAnythingTooLongToBeValid() {
        #expect(WebSupport.refill("ann\u{0000}@exa\u{202E}mple.com\u{0085}", maximumBytes: 400) == "ann@example.com")
        #expect(WebSupport.refill("שלום@example.com", maximumBytes: 400) == "שלום@example.com")
        #expect(WebSupport.refill(String(repeating: "a", count: 401), maximumBytes: 400) == "")
    }

    @Test func apiFields_refuseUnknownMissingMistypedAndOutOfShapeValues() {
        let fields: [APIField] = [
            .email(), .code(required: false), .string("enrollment_id", length: 32...32, pattern: APIField.hex(32)),
        ]
        let valid: [String: JSONValue] = [
            "email": "a@example.com", "code": .null, "enrollment_id": .string(String(repeating: "0a", count: 16)),
        ]
        #expect(throws: Never.self) { try APIField.validate(valid, against: fields) }
        var cases: [(String, [String: JSONValue])] = [
            ("unknown field", valid.merging(["admin": true]) { $1 }),
            ("missing field", valid.filter { $0.key != "email" }),
            ("null where not nullable", valid.merging(["email": .null]) { $1 }),
            ("wrong type", valid.merging(["code": 123_456]) { $1 }),
            ("too short", valid.merging(["email": "a@"]) { $1 }),
            ("too long in scalars", valid.merging(["email": .string(String(repeating: "é", count: 201))]) { $1 }),
            ("pattern", valid.merging(["enrollment_id": .string(String(repeating: "0A", count: 16))]) { $1 }),
        ]
        // One Character of 100 scalars is 100 scalars for the length rule, as JSON Schema counts.
        cases.append(
            (
                "combining marks",
                valid.merging(["code": .string("1" + String(repeating: "\u{0301}", count: 100))]) { $1 }
            ))
        for (why, body) in cases {
            #expect(throws: AuthError.self, "\(why)") { try APIField.validate(body, against: fields) }
        }
    }

    @Test func lockout_messages_sayHowLongOrWhatToDo() {
        #expect(AuthError.locked(retryAfterMs: 30_000).message.contains("30 seconds"))
        #expect(AuthError.locked(retryAfterMs: 1).message.contains("1 second."))
        #expect(AuthError.locked(retryAfterMs: nil).message.contains("contact your representative"))
        #expect(AuthError.locked(retryAfterMs: nil).status.code == 429)
    }
}

@Suite struct SMSCoverageTests {
    @Test func theVaultsList_isReadFromItsHealthAnswer() {
        let answer: [String: JSONValue] = ["sms_blocked_countries": .array([.string("FR"), .string("DE")])]
        #expect(SMSCoverage.codes(in: answer) == ["FR", "DE"])
        #expect(SMSCoverage.codes(in: [:]) == nil, "an older vault without the field: keep the default")
        #expect(SMSCoverage.codes(in: ["sms_blocked_countries": .array([.integer(33)])]) == nil)
        #expect(SMSCoverage.codes(in: ["sms_blocked_countries": .array([])]) == [])
    }

    @Test func codes_areShownByCountryName_sorted_andUnknownCodesAsThemselves() {
        #expect(SMSCoverage.names(of: ["FR", "DE", "BD"]) == ["Bangladesh", "France", "Germany"])
        #expect(SMSCoverage.names(of: ["ZZ", "FR"]) == ["France", "ZZ"])
    }
}
