import Foundation
import Testing
import TwofoldDirectory
import TwofoldHTTP
import TwofoldHTTPServer
import TwofoldSystem
import TwofoldWire

@testable import TwofoldGateway

/// The pages' routes as a browser reaches them (cookie, CSRF token, origin), over the harness's
/// `AuthService` and fake vault, without a server: what is hard to reach end to end, such as a
/// set the vault withheld.
struct WebClient {
    let harness: GatewayHarness
    let support: WebSupport
    let router: Router<GatewayRoute>
    /// Only its clock is read; it never runs.
    let loop: EventLoop

    init(_ harness: GatewayHarness) throws {
        self.harness = harness
        support = WebSupport(settings: harness.auth.settings)
        var router = Router<GatewayRoute>()
        WebRoutes(auth: harness.auth, support: support).register(into: &router)
        self.router = router
        loop = try EventLoop(name: "web-client")
    }

    /// One request carrying `issued`'s session cookie; a POST carries its CSRF token and the
    /// public origin, with `form`.
    func send(_ method: HTTPMethod, _ path: String, as issued: IssuedSession?, form: [String: String] = [:]) async
        -> HTTPResponse
    {
        var headers: HTTPHeaders = ["Host": "127.0.0.1:8080"]
        if let issued { headers.add("Cookie", "\(support.sessionCookie)=\(issued.token)") }
        var body: [UInt8] = []
        if method == .post {
            headers.add("Origin", harness.auth.settings.publicOrigin)
            headers.add("Content-Type", "application/x-www-form-urlencoded")
            var fields = form
            fields["csrf"] = issued?.session.csrf ?? ""
            let encoded = fields.map { key, value in
                let allowed = CharacterSet.alphanumerics
                let escape = { (text: String) in text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "" }
                return escape(key) + "=" + escape(value)
            }
            body = Array(encoded.joined(separator: "&").utf8)
        }
        let request = HTTPRequest(
            head: HTTPRequestHead(method: method, path: path, headers: headers, contentLength: body.count), body: body)
        guard case .found(let route, let parameters) = router.match(method, path: path) else {
            return HTTPResponse(status: .notFound)
        }
        let incoming = IncomingRequest(
            request: request, remoteAddress: nil, eventLoop: loop, receivedAt: loop.clock.now())
        return await withCheckedContinuation { continuation in
            route.handler(incoming, parameters) { continuation.resume(returning: $0) }
        }
    }
}

extension HTTPResponse {
    var text: String { String(decoding: body, as: UTF8.self) }
    var location: String? { headers["Location"] }
    /// The session token a `Set-Cookie` of the session cookie carries, if any.
    func sessionToken(_ support: WebSupport) -> String? {
        headers.values(for: "Set-Cookie").compactMap { cookie -> String? in
            guard cookie.hasPrefix(support.sessionCookie + "=") else { return nil }
            let value = cookie.dropFirst(support.sessionCookie.count + 1).prefix { $0 != ";" }
            return value.isEmpty ? nil : String(value)
        }.first
    }
}

@Suite struct BackupCodeRouteTests {
    let codes = BackupCodeTests.codes

    /// A user mid-setup (`purpose`), the vault scripted to confirm with `confirmResult`; the page
    /// session after the confirmation.
    func confirmed(
        _ client: WebClient, purpose: String, confirmResult: [String: JSONValue]
    ) async throws -> (IssuedSession, HTTPResponse) {
        let harness = client.harness
        let user = try await harness.addUser("ann@example.com", accounts: [try await harness.addAccount("Acme")])
        let setup = try await harness.session(for: user, stage: .setup, purpose: purpose)
        harness.vault.on("enroll.confirm", reply: BackupCodeTests.confirmed(confirmResult))
        let answer = await client.send(
            .post, "/mfa/setup", as: setup,
            form: ["code": "123456", "enrollment_id": "00112233445566778899aabbccddeeff"])
        let token = try #require(answer.sessionToken(client.support))
        let session = try #require(harness.directory.session(id: DirectoryToken.hash(token)))
        return (IssuedSession(token: token, session: session), answer)
    }

    @Test func aConfirmedSetup_showsItsSetOnce_downloadsIt_andContinuesWhereTheSetupLed() async throws {
        let harness = try GatewayHarness()
        let client = try WebClient(harness)
        let (issued, answer) = try await confirmed(
            client, purpose: "reset", confirmResult: ["backup_codes": BackupCodeTests.codeValues])
        #expect(answer.status.code == 303)
        #expect(answer.location == "/mfa/backup-codes")
        let page = await client.send(.get, "/mfa/backup-codes", as: issued)
        #expect(page.status.code == 200)
        #expect(page.headers["Cache-Control"] == "no-store")
        for code in codes { #expect(page.text.contains(code)) }
        let file = await client.send(.get, "/mfa/backup-codes.txt", as: issued)
        #expect(file.status.code == 200)
        #expect(file.headers["Cache-Control"] == "no-store")
        #expect(file.headers["Content-Type"] == "text/plain; charset=utf-8")
        #expect(file.headers["Content-Disposition"] == #"attachment; filename="twofold-backup-codes.txt""#)
        #expect(file.text.split(separator: "\n").filter { codes.contains(String($0)) }.count == 10)
        #expect(await client.send(.get, "/mfa/backup-codes.txt", as: nil).status.code == 404)

        let done = await client.send(.post, "/mfa/backup-codes/continue", as: issued)
        #expect(done.location == "/profile/security#security-mfa", "a reset goes back to the Security tab")
        #expect(await client.send(.get, "/mfa/backup-codes", as: issued).location == "/home")
        #expect(await client.send(.get, "/mfa/backup-codes.txt", as: issued).status.code == 404)
        await harness.close()
    }

    @Test func aWithheldSet_isSaidSo_andGenerateNewCodesShowsANewOne() async throws {
        let harness = try GatewayHarness()
        let client = try WebClient(harness)
        let (issued, _) = try await confirmed(client, purpose: "signup", confirmResult: ["backup_codes_withheld": true])
        let page = await client.send(.get, "/mfa/backup-codes", as: issued)
        #expect(page.status.code == 200)
        #expect(page.text.contains("could not be shown"))
        #expect(page.text.contains(#"action="/mfa/backup-codes/generate""#))
        #expect(await client.send(.get, "/mfa/backup-codes.txt", as: issued).status.code == 404, "nothing to download")

        harness.vault.on("backup.generate", reply: .error("totp.code_rejected", detail: "replayed"))
        let refused = await client.send(.post, "/mfa/backup-codes/generate", as: issued, form: ["code": "123456"])
        #expect(refused.status.code == 401)
        #expect(refused.text.contains("That code has already been used."))
        #expect(refused.text.contains(#"id="backup-generate-code-error""#), "the error is at the field")

        harness.vault.on("backup.generate", reply: .success(["backup_codes": BackupCodeTests.codeValues]))
        let made = await client.send(.post, "/mfa/backup-codes/generate", as: issued, form: ["code": "654321"])
        #expect(made.location == "/mfa/backup-codes")
        let shown = await client.send(.get, "/mfa/backup-codes", as: issued)
        for code in codes { #expect(shown.text.contains(code)) }
        let done = await client.send(.post, "/mfa/backup-codes/continue", as: issued)
        #expect(done.location == "/home", "the sign-up's setup still leads home")
        await harness.close()
    }

    @Test func securityTab_countsTheCodes_andGenerateNewCodesLeadsBackToIt() async throws {
        let harness = try GatewayHarness()
        let client = try WebClient(harness)
        let user = try await harness.addUser("ann@example.com", accounts: [try await harness.addAccount("Acme")])
        let full = try await harness.session(for: user, stage: .full)
        harness.vault.on(
            "status",
            reply: .success([
                "enrolled": true, "pending": false, "locked": false, "sms_recovery": "no_phone",
                "backup_codes_left": 3,
            ]))
        let tab = await client.send(.get, "/profile/security", as: full)
        #expect(tab.text.contains("3 left"))
        harness.vault.on("backup.generate", reply: .error("totp.code_required"))
        let refused = await client.send(.post, "/profile/security/backup-codes", as: full, form: ["code": ""])
        #expect(refused.status.code == 401)
        #expect(refused.text.contains(#"id="backup-codes-code-error""#))
        harness.vault.on("backup.generate", reply: .success(["backup_codes": BackupCodeTests.codeValues]))
        let made = await client.send(.post, "/profile/security/backup-codes", as: full, form: ["code": "123456"])
        #expect(made.location == "/mfa/backup-codes")
        let page = await client.send(.get, "/mfa/backup-codes", as: full)
        #expect(page.text.contains("Your previous backup codes no longer work."))
        let done = await client.send(.post, "/mfa/backup-codes/continue", as: full)
        #expect(done.location == "/profile/security#security-backup-codes")
        #expect(done.headers.values(for: "Set-Cookie").contains { $0.contains("backup-codes-new") })
        await harness.close()
    }

    @Test func theRecoveryPage_offersABackupCode_unlessNoneIsLeft() async throws {
        let harness = try GatewayHarness()
        let client = try WebClient(harness)
        let user = try await harness.addUser("ann@example.com")
        let password = try await harness.session(for: user, stage: .password)
        for (left, offered) in [(JSONValue.integer(2), true), (.integer(0), false), (.null, true)] {
            var status: [String: JSONValue] = ["enrolled": true, "sms_recovery": "unsupported_country"]
            if left != .null { status["backup_codes_left"] = left }
            harness.vault.on("status", reply: .success(status))
            let page = await client.send(.get, "/login/recovery", as: password)
            #expect(page.status.code == 200)
            #expect(page.text.contains(#"href="/login/recovery/backup-code""#) == offered)
        }
        harness.vault.on("backup.verify", reply: VaultResults.outcome("invalid", ["failures": 1]))
        let wrong = await client.send(.post, "/login/recovery/backup-code", as: password, form: ["code": "x"])
        #expect(wrong.status.code == 401)
        #expect(wrong.text.contains(#"id="backup-code-error""#))
        #expect(wrong.text.contains("4 attempts left"))
        harness.vault.on("backup.verify", reply: VaultResults.outcome("accepted", ["backup_codes_left": 1]))
        let accepted = await client.send(.post, "/login/recovery/backup-code", as: password, form: ["code": "y"])
        #expect(accepted.location == "/mfa/setup")
        await harness.close()
    }
}
