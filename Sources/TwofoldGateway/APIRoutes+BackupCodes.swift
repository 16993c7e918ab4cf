import TwofoldDirectory
import TwofoldHTTP
import TwofoldHTTPServer
import TwofoldWire

extension APIRoutes {
    /// Backup codes in the JSON API (`protocol/openapi.json`, tag `backup-codes`): the same flows
    /// as the pages. A set made with a setup is in `/mfa/confirm`'s answer; these routes count,
    /// replace and use them.
    func registerBackupCodes(into router: inout Router<GatewayRoute>) {
        endpoint(.get, "/backup-codes", into: &router) { request throws(AuthError) in
            let status = try await auth.securityStatus(request.session)
            return WebSupport.json(.ok, ["backup_codes_left": .integer(Int64(status.backupCodesLeft ?? 0))])
        }
        endpoint(.post, "/backup-codes", fields: [.code(required: false)], into: &router) {
            request throws(AuthError) in
            let set = try await auth.generateBackupCodes(
                request.session, code: try request.optionalString("code"), address: request.address)
            return WebSupport.json(.ok, set.apiFields)
        }
        endpoint(.post, "/recovery/backup-code", fields: [.code()], into: &router) { request throws(AuthError) in
            let issued = try await auth.verifyBackupCode(
                request.session, code: try request.string("code"), address: request.address)
            return WebSupport.json(.ok, Self.sessionFields(issued))
        }
    }

    /// `/mfa/confirm`'s answer: the full session and the backup codes made with the setup (handed
    /// over here, so they no longer wait in memory), or `backup_codes_withheld` when the vault
    /// withheld them (a retried confirmation) or sent none usable.
    func confirmedFields(_ issued: IssuedSession) -> [String: JSONValue] {
        var fields = fullSessionFields(issued)
        let set = (try? auth.takeBackupCodes(issued.session))?.codes ?? .withheld
        fields.merge(set.apiFields) { _, new in new }
        return fields
    }
}
