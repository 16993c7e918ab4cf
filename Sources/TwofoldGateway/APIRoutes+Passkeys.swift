import TwofoldHTTP
import TwofoldHTTPServer
import TwofoldWire

/// The JSON API's passkey routes (`protocol/openapi.json`, tag `passkeys`): the same flows as the
/// pages. A client runs `navigator.credentials.create/get` (or a platform API) with `public_key`,
/// the options in their WebAuthn JSON form, and posts the answer base64url with `challenge_id`.
extension APIRoutes {
    /// base64url without padding, `1...limit` characters.
    static func base64URL(_ name: String, required: Bool = true, limit: Int) -> APIField {
        .string(
            name, required: required, nullable: !required, length: 1...limit,
            pattern: { value in
                value.utf8.allSatisfy {
                    ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z"))
                        || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z"))
                        || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "-")
                        || $0 == UInt8(ascii: "_")
                }
            })
    }

    static let challengeIDField = APIField.string("challenge_id", length: 32...32, pattern: APIField.hex(32))
    static let assertionFields: [APIField] = [
        challengeIDField, base64URL("credential_id", limit: 1400), base64URL("client_data_json", limit: 12_000),
        base64URL("authenticator_data", limit: 12_000), base64URL("signature", limit: 1400),
        base64URL("user_handle", required: false, limit: 100),
    ]

    static func ceremonyFields(_ start: PasskeyCeremonyStart) -> [String: JSONValue] {
        ["challenge_id": .string(start.challengeID), "public_key": start.options]
    }

    static func passkeyObject(_ info: PasskeyInfo) -> JSONValue {
        var fields: [String: JSONValue] = [
            "id": .string(info.id), "name": .string(info.name), "created_at": .integer(info.createdAt),
        ]
        if let used = info.lastUsedAt { fields["last_used_at"] = .integer(used) }
        return .object(fields)
    }

    static func assertion(_ request: APIRequest) throws(AuthError) -> PasskeyAssertion {
        PasskeyAssertion(
            challengeID: try request.string("challenge_id"), credentialID: try request.string("credential_id"),
            clientDataJSON: try request.string("client_data_json"),
            authenticatorData: try request.string("authenticator_data"), signature: try request.string("signature"),
            userHandle: try request.optionalString("user_handle"))
    }

    func registerPasskeys(into router: inout Router<GatewayRoute>) {
        endpoint(.post, "/login/passkey/options", into: &router) { request throws(AuthError) in
            WebSupport.json(.ok, Self.ceremonyFields(try await auth.passkeySignInStart(request.session)))
        }
        endpoint(.post, "/login/passkey", fields: Self.assertionFields, into: &router) { request throws(AuthError) in
            let issued = try await auth.verifyPasskey(
                request.session, try Self.assertion(request), address: request.address)
            return WebSupport.json(.ok, fullSessionFields(issued))
        }
        endpoint(.post, "/login/passwordless/options", into: &router) { _ throws(AuthError) in
            WebSupport.json(.ok, Self.ceremonyFields(try await auth.passwordlessStart()))
        }
        endpoint(.post, "/login/passwordless", fields: Self.assertionFields, into: &router) {
            request throws(AuthError) in
            let issued = try await auth.passwordlessLogin(
                try Self.assertion(request), replacing: request.session, address: request.address)
            return WebSupport.json(.ok, fullSessionFields(issued))
        }
        endpoint(.get, "/passkeys", into: &router) { request throws(AuthError) in
            let passkeys = try await auth.passkeys(request.session)
            return WebSupport.json(.ok, ["passkeys": .array(passkeys.map(Self.passkeyObject))])
        }
        endpoint(
            .post, "/passkeys/registration/options",
            fields: [.password("password"), .code(), .string("name", required: false, nullable: true, length: 0...64)],
            into: &router
        ) { request throws(AuthError) in
            let start = try await auth.passkeyRegistrationStart(
                request.session, password: try request.string("password"), code: try request.string("code"),
                name: try request.optionalString("name"), address: request.address)
            return WebSupport.json(.ok, Self.ceremonyFields(start))
        }
        endpoint(
            .post, "/passkeys",
            fields: [
                Self.challengeIDField, Self.base64URL("client_data_json", limit: 12_000),
                Self.base64URL("attestation_object", limit: 40_000),
                .string("name", required: false, nullable: true, length: 0...64),
            ], into: &router
        ) { request throws(AuthError) in
            let registration = PasskeyRegistration(
                challengeID: try request.string("challenge_id"), clientDataJSON: try request.string("client_data_json"),
                attestationObject: try request.string("attestation_object"), transports: [],
                name: try request.optionalString("name"))
            let info = try await auth.passkeyRegistrationFinish(request.session, registration, address: request.address)
            return WebSupport.json(.created, ["passkey": Self.passkeyObject(info)])
        }
        endpoint(.delete, "/passkeys/:id", into: &router) { request throws(AuthError) in
            try await auth.removePasskey(request.session, id: request.parameters["id"] ?? "", address: request.address)
            return HTTPResponse(status: .noContent)
        }
    }
}
