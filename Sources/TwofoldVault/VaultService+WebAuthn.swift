import TwofoldIPC
import TwofoldSystem
import TwofoldWebAuthn
import TwofoldWire

/// The `webauthn.*` operations on the wire (`protocol/vault.md`, Passkeys). Binary values travel
/// as base64url without padding, each bounded in characters before it is decoded.
extension VaultService {
    static let webauthnOperations: Set<String> = [
        "webauthn.register.begin", "webauthn.register.finish", "webauthn.assert.begin", "webauthn.assert.finish",
        "webauthn.credentials.list", "webauthn.credentials.remove",
    ]

    struct RegisterBeginArgs: Decodable {
        let user: String
        let code: String?
        let name: String?
    }
    struct RegisterFinishArgs: Decodable {
        let user: String
        let challengeID: String
        let clientDataJSON: String
        let attestationObject: String
        let transports: [String]?
        let name: String?
        enum CodingKeys: String, CodingKey {
            case user, transports, name
            case challengeID = "challenge_id"
            case clientDataJSON = "client_data_json"
            case attestationObject = "attestation_object"
        }
    }
    struct AssertBeginArgs: Decodable { let user: String? }
    struct AssertFinishArgs: Decodable {
        let user: String?
        let challengeID: String
        let credentialID: String
        let clientDataJSON: String
        let authenticatorData: String
        let signature: String
        let userHandle: String?
        enum CodingKeys: String, CodingKey {
            case user, signature
            case challengeID = "challenge_id"
            case credentialID = "credential_id"
            case clientDataJSON = "client_data_json"
            case authenticatorData = "authenticator_data"
            case userHandle = "user_handle"
        }
    }
    struct RemoveArgs: Decodable {
        let user: String
        let credentialID: String
        enum CodingKeys: String, CodingKey {
            case user
            case credentialID = "credential_id"
        }
    }

    /// Decoded sizes accepted (the verifier applies its own, equal or tighter, bounds again).
    enum Limits {
        static let clientDataJSON = 8192
        static let attestationObject = 64 * 1024
        static let authenticatorData = 4096
        static let signature = 1024
        static let credentialID = CredentialID.maxLength
        static let userHandle = UserHandle.maxLength
        static let challengeID = 64
        static let transports = 8
    }

    func handleWebAuthn(
        _ request: WireRequest, peer: PeerCredentials,
        reply: @escaping @Sendable (Result<[String: JSONValue], VaultError>) -> Void
    ) throws(VaultError) {
        switch request.operation {
        case "webauthn.register.begin":
            let args = try decode(request, RegisterBeginArgs.self)
            let user = try user(args.user)
            vault.beginPasskeyRegistration(
                user: user, code: args.code, name: args.name, idempotency: claim(request, peer, user)
            ) { result in reply(result.map(Self.fields(of:))) }
        case "webauthn.register.finish":
            let args = try decode(request, RegisterFinishArgs.self)
            let user = try user(args.user)
            let transports = args.transports ?? []
            guard transports.count <= Limits.transports, transports.allSatisfy({ $0.utf8.count <= 32 }) else {
                throw VaultError(.invalidArguments, "field 'args.transports' has at most 8 short names")
            }
            let response = RegistrationResponse(
                clientDataJSON: try Self.binary(args.clientDataJSON, "client_data_json", Limits.clientDataJSON),
                attestationObject: try Self.binary(
                    args.attestationObject, "attestation_object", Limits.attestationObject))
            vault.finishPasskeyRegistration(
                user: user, challengeID: try Self.challengeID(args.challengeID), response: response,
                transports: transports, name: args.name, idempotency: claim(request, peer, user)
            ) { result in reply(result.map { ["credential": .object(Self.fields(of: $0))] }) }
        case "webauthn.assert.begin":
            let args = try decode(request, AssertBeginArgs.self)
            let user = try args.user.map { raw throws(VaultError) in try self.user(raw) }
            reply(.success(Self.fields(of: try vault.beginPasskeyAssertion(user: user))))
        case "webauthn.assert.finish":
            let args = try decode(request, AssertFinishArgs.self)
            let requested = try args.user.map { raw throws(VaultError) in try self.user(raw) }
            let handle = try args.userHandle.map { text throws(VaultError) in
                try Self.binary(text, "user_handle", Limits.userHandle)
            }
            let response = AssertionResponse(
                credentialID: try Self.binary(args.credentialID, "credential_id", Limits.credentialID),
                clientDataJSON: try Self.binary(args.clientDataJSON, "client_data_json", Limits.clientDataJSON),
                authenticatorData: try Self.binary(
                    args.authenticatorData, "authenticator_data", Limits.authenticatorData),
                signature: try Self.binary(args.signature, "signature", Limits.signature), userHandle: handle)
            // The claim is scoped by the user the assertion is for: the named one, or the handle's.
            let scoped = requested ?? handle.flatMap { String(validating: $0, as: UTF8.self) }.flatMap(UserID.init)
            vault.finishPasskeyAssertion(
                user: requested, challengeID: try Self.challengeID(args.challengeID), response: response,
                idempotency: scoped.flatMap { claim(request, peer, $0) }
            ) { result in reply(result.map(Self.fields(of:))) }
        case "webauthn.credentials.list":
            let args = try decode(request, UserArgs.self)
            let passkeys = try vault.passkeys(user: try user(args.user))
            reply(.success(["credentials": .array(passkeys.map { .object(Self.fields(of: $0)) })]))
        case "webauthn.credentials.remove":
            let args = try decode(request, RemoveArgs.self)
            let user = try user(args.user)
            let id = try Self.binary(args.credentialID, "credential_id", Limits.credentialID)
            vault.removePasskey(user: user, credentialID: id, idempotency: claim(request, peer, user)) { result in
                reply(result.map { [:] })
            }
        default:
            throw VaultError(.internalError, "no handler for \(request.operation)")
        }
    }

    /// Base64url without padding, of at most `limit` bytes once decoded; measured before decoding.
    static func binary(_ text: String, _ field: String, _ limit: Int) throws(VaultError) -> [UInt8] {
        guard text.utf8.count <= (limit * 4 + 2) / 3, let bytes = Base64URL.decode(text), bytes.count <= limit else {
            throw VaultError(
                .invalidArguments, "field 'args.\(field)' must be base64url without padding, at most \(limit) bytes")
        }
        return bytes
    }

    static func challengeID(_ text: String) throws(VaultError) -> String {
        guard (1...Limits.challengeID).contains(text.utf8.count) else {
            throw VaultError(.invalidArguments, "field 'args.challenge_id' must be 1 to 64 characters")
        }
        return text
    }

    static func fields(of start: PasskeyCeremonyStart) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "challenge_id": .string(start.challengeID), "challenge": .string(start.challenge),
            "rp_id": .string(start.rpID),
            "credentials": .array(
                start.credentials.map { credential in
                    .object([
                        "id": .string(credential.id), "transports": .array(credential.transports.map { .string($0) }),
                    ])
                }),
            "user_verification": .string(start.userVerification), "timeout_ms": .integer(start.timeoutMillis),
            "expires_at": .integer(start.expiresAtMillis),
        ]
        if let handle = start.userHandle { fields["user_handle"] = .string(handle) }
        return fields
    }

    static func fields(of info: PasskeyInfo) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "id": .string(info.id), "name": .string(info.name),
            "transports": .array(info.transports.map { .string($0) }), "created_at": .integer(info.createdAtMillis),
        ]
        if let used = info.lastUsedAtMillis { fields["last_used_at"] = .integer(used) }
        return fields
    }

    static func fields(of outcome: PasskeyAssertionOutcome) -> [String: JSONValue] {
        var fields: [String: JSONValue] = ["outcome": .string(outcome.name)]
        switch outcome {
        case .accepted(let user, let credential, let verified):
            fields["user"] = .string(user.rawValue)
            fields["credential_id"] = .string(credential)
            fields["user_verified"] = .bool(verified)
        case .invalid(let reason, let failures, let wait):
            fields["reason"] = .string(reason)
            if let failures { fields["failures"] = .integer(Int64(failures)) }
            if let wait { fields["retry_after_ms"] = .integer(wait) }
        case .locked(let wait):
            if let wait { fields["retry_after_ms"] = .integer(wait) }
        }
        return fields
    }
}
