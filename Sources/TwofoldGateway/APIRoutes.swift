import TwofoldDirectory
import TwofoldHTTP
import TwofoldHTTPServer
import TwofoldWire

/// One JSON API request: the bearer session (if any) and the body's object.
struct APIRequest: Sendable {
    let incoming: IncomingRequest
    let parameters: RouteParameters
    let session: SessionRecord?
    let body: [String: JSONValue]
    let address: String?

    /// A required string field, or `request.invalid` naming it.
    func string(_ name: String) throws(AuthError) -> String {
        guard case .string(let value) = body[name] else {
            throw AuthError.invalidRequest("Field '\(name)' is missing or not a string.")
        }
        return value
    }

    /// An optional string field (absent or null is nil; another type is `request.invalid`).
    func optionalString(_ name: String) throws(AuthError) -> String? {
        switch body[name] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        default: throw AuthError.invalidRequest("Field '\(name)' must be a string.")
        }
    }
}

/// The JSON API (`/api/v1`, `protocol/openapi.json`): the same flows as the pages. Clients
/// authenticate with `Authorization: Bearer <session_token>`; cookies are ignored here, so no
/// CSRF token is needed, but a request that carries an `Origin` must come from the public origin.
struct APIRoutes: Sendable {
    let auth: AuthService
    let support: WebSupport

    typealias Handler = @Sendable (APIRequest) async throws(AuthError) -> HTTPResponse

    /// Registers a route whose body must match `fields` (none: `{}`; GET routes take no body).
    func endpoint(
        _ method: HTTPMethod, _ path: String, fields: [APIField] = [], into router: inout Router<GatewayRoute>,
        _ handler: @escaping Handler
    ) {
        let auth = self.auth
        let support = self.support
        router.add(
            method, "/api/v1" + path,
            GatewayRoute(name: "/api/v1" + path) { incoming, parameters, respond in
                Task {
                    do throws(AuthError) {
                        if method != .get, !support.originAllowed(incoming, requireHeader: false) {
                            throw AuthError("csrf.origin", .forbidden, "Cross-origin requests are not allowed.")
                        }
                        var body: [String: JSONValue] = [:]
                        if method != .get {
                            // Every state-changing route requires a body (protocol/openapi.json);
                            // `{}` when there is nothing to say.
                            guard !incoming.request.body.isEmpty else {
                                throw AuthError.invalidRequest("A JSON object body is required ({} when empty).")
                            }
                            guard case .object(let object)? = try? JSONValue.parse(incoming.request.body) else {
                                throw AuthError.invalidRequest("The body must be a JSON object.")
                            }
                            try APIField.validate(object, against: fields)
                            body = object
                        }
                        let session = auth.session(forToken: WebSupport.bearerToken(incoming))
                        let request = APIRequest(
                            incoming: incoming, parameters: parameters, session: session, body: body,
                            address: support.clientAddress(incoming))
                        respond(try await handler(request))
                    } catch {
                        respond(WebSupport.json(error: error))
                    }
                }
            })
    }

    static func sessionFields(_ issued: IssuedSession) -> [String: JSONValue] {
        ["session_token": .string(issued.token), "stage": .string(issued.session.stage.rawValue)]
    }

    static func accountObject(_ account: AccountRecord?) -> JSONValue {
        guard let account else { return .null }
        return .object(["id": .string(account.id), "name": .string(account.name)])
    }

    /// The session fields plus the user's accounts and the one picked (when exactly one).
    func fullSessionFields(_ issued: IssuedSession) -> [String: JSONValue] {
        var fields = Self.sessionFields(issued)
        let user = auth.directory.user(id: issued.session.userID)
        let accounts = (user?.accounts ?? []).compactMap { auth.directory.account(id: $0) }
        fields["accounts"] = .array(accounts.map { Self.accountObject($0) })
        fields["account"] = Self.accountObject(issued.session.accountID.flatMap { auth.directory.account(id: $0) })
        return fields
    }

    func register(into router: inout Router<GatewayRoute>) {
        endpoint(
            .post, "/invites/:token/accept",
            fields: [.email(), .password("temporary_password"), .password("new_password"), .phone(required: false)],
            into: &router
        ) { request throws(AuthError) in
            // openapi.json gives the token its shape: another one is a malformed request, not a
            // link that stopped working.
            guard DirectoryToken.isWellFormed(request.parameters["token"] ?? "") else {
                throw AuthError.invalidRequest("That is not the token of an invite link.")
            }
            let issued = try await auth.acceptInvite(
                token: request.parameters["token"] ?? "", email: try request.string("email"),
                temporaryPassword: try request.string("temporary_password"),
                newPassword: try request.string("new_password"), phone: try request.optionalString("phone"),
                address: request.address)
            var fields = Self.sessionFields(issued)
            let user = auth.directory.user(id: issued.session.userID)
            fields["user"] = .object(["id": .string(issued.session.userID), "email": .string(user?.email ?? "")])
            return WebSupport.json(.created, fields)
        }
        endpoint(.post, "/login", fields: [.email(), .password("password")], into: &router) {
            request throws(AuthError) in
            let issued = try await auth.login(
                email: try request.string("email"), password: try request.string("password"), address: request.address)
            return WebSupport.json(.ok, Self.sessionFields(issued))
        }
        endpoint(.post, "/login/code", fields: [.code()], into: &router) { request throws(AuthError) in
            let issued = try await auth.verifyCode(
                request.session, code: try request.string("code"), address: request.address)
            return WebSupport.json(
                .ok, issued.session.stage == .full ? fullSessionFields(issued) : Self.sessionFields(issued))
        }
        endpoint(.get, "/recovery", into: &router) { request throws(AuthError) in
            let status = try await auth.recoveryStatus(request.session)
            var fields: [String: JSONValue] = ["sms_recovery": .string(status.availability)]
            if let masked = status.phoneMasked { fields["phone_masked"] = .string(masked) }
            if let country = status.countryName { fields["country_name"] = .string(country) }
            if let left = status.backupCodesLeft { fields["backup_codes_left"] = .integer(Int64(left)) }
            return WebSupport.json(.ok, fields)
        }
        endpoint(.post, "/recovery/send", into: &router) { request throws(AuthError) in
            let sent = try await auth.sendRecoveryCode(request.session, address: request.address)
            return WebSupport.json(
                .ok, ["phone_masked": .string(sent.phoneMasked), "expires_at": .integer(sent.expiresAt)])
        }
        endpoint(.post, "/recovery/verify", fields: [.code()], into: &router) { request throws(AuthError) in
            let issued = try await auth.verifyRecoveryCode(
                request.session, code: try request.string("code"), address: request.address)
            return WebSupport.json(.ok, Self.sessionFields(issued))
        }
        endpoint(.post, "/mfa/setup", into: &router) { request throws(AuthError) in
            let setup = try await auth.beginSetup(request.session, address: request.address, fresh: true)
            return WebSupport.json(
                .ok,
                [
                    "enrollment_id": .string(setup.enrollmentID), "secret": .string(setup.secret),
                    "uri": .string(setup.uri), "qr_svg": .string(setup.qrSVG), "expires_at": .integer(setup.expiresAt),
                ])
        }
        endpoint(
            .post, "/mfa/confirm",
            fields: [.string("enrollment_id", length: 32...32, pattern: APIField.hex(32)), .code()],
            into: &router
        ) { request throws(AuthError) in
            let issued = try await auth.confirmSetup(
                request.session, enrollmentID: try request.optionalString("enrollment_id"),
                code: try request.string("code"), address: request.address)
            return WebSupport.json(.ok, confirmedFields(issued))
        }
        endpoint(.post, "/mfa/reset", fields: [.password("password")], into: &router) { request throws(AuthError) in
            let issued = try await auth.requestMFAReset(
                request.session, password: try request.string("password"), address: request.address)
            return WebSupport.json(.ok, Self.sessionFields(issued))
        }
        registerSignedIn(into: &router)
        registerPasswordReset(into: &router)
        registerPasskeys(into: &router)
        registerBackupCodes(into: &router)
    }

    private func registerSignedIn(into router: inout Router<GatewayRoute>) {
        endpoint(.get, "/me", into: &router) { request throws(AuthError) in
            let signedIn = try auth.signedIn(request.session)
            var user: [String: JSONValue] = ["id": .string(signedIn.user.id), "email": .string(signedIn.user.email)]
            if let name = signedIn.user.name { user["name"] = .string(name) }
            return WebSupport.json(
                .ok,
                [
                    "user": .object(user),
                    "stage": .string(signedIn.session.stage.rawValue), "account": Self.accountObject(signedIn.account),
                    "accounts": .array(signedIn.accounts.map { Self.accountObject($0) }),
                ])
        }
        endpoint(
            .post, "/accounts/select",
            fields: [.string("account", length: 18...18, pattern: APIField.hex(16, after: "a-"))],
            into: &router
        ) { request throws(AuthError) in
            let account = try await auth.selectAccount(
                request.session, accountID: try request.string("account"), address: request.address)
            return WebSupport.json(.ok, ["account": Self.accountObject(account)])
        }
        endpoint(.put, "/phone", fields: [.phone(), .code(required: false)], into: &router) {
            request throws(AuthError) in
            let result = try await auth.setPhone(
                request.session, phone: try request.string("phone"), code: try request.optionalString("code"),
                address: request.address)
            var fields: [String: JSONValue] = [:]
            for key in ["phone_masked", "country", "country_name", "sms_recovery"] { fields[key] = result[key] }
            return WebSupport.json(.ok, fields)
        }
        endpoint(.delete, "/phone", fields: [.code(required: false)], into: &router) { request throws(AuthError) in
            try await auth.clearPhone(
                request.session, code: try request.optionalString("code"), address: request.address)
            return HTTPResponse(status: .noContent)
        }
        endpoint(
            .post, "/password", fields: [.password("current_password"), .password("new_password")], into: &router
        ) { request throws(AuthError) in
            let issued = try await auth.changePassword(
                request.session, current: try request.string("current_password"),
                new: try request.string("new_password"), address: request.address)
            return WebSupport.json(.ok, ["session_token": .string(issued.token)])
        }
        endpoint(.post, "/logout", into: &router) { request throws(AuthError) in
            // Without a live session there is nothing to end: 401 as for every other route.
            guard let session = request.session else { throw AuthError.authRequired }
            await auth.logout(session, address: request.address)
            return HTTPResponse(status: .noContent)
        }
    }
}
