import TwofoldDirectory
import TwofoldHTTP
import TwofoldWire

/// The JSON API of "Forgot password?" and of the operator's password-reset link
/// (`protocol/openapi.json`, tag `password`): the same steps and answers as the pages. The
/// attempt is carried by its `reset_token` as the bearer token of each later step.
extension APIRoutes {
    static func progressFields(_ progress: ForgotPasswordProgress) -> [String: JSONValue] {
        var fields: [String: JSONValue] = ["step": .string(progress.step)]
        if let masked = progress.phoneMasked { fields["phone_masked"] = .string(masked) }
        if let problem = progress.smsProblem {
            fields["sms_error"] = .object(["code": .string(problem.code), "message": .string(problem.message)])
        }
        return fields
    }

    func registerPasswordReset(into router: inout Router<GatewayRoute>) {
        endpoint(.post, "/password/forgot", fields: [.email()], into: &router) { request throws(AuthError) in
            let (token, progress) = try await auth.startForgotPassword(
                email: try request.string("email"), address: request.address)
            var fields = Self.progressFields(progress)
            fields["reset_token"] = .string(token)
            return WebSupport.json(.ok, fields)
        }
        endpoint(.post, "/password/forgot/code", fields: [.code()], into: &router) { request throws(AuthError) in
            let progress = try await auth.verifyForgotPasswordCode(
                token: WebSupport.bearerToken(request.incoming), code: try request.string("code"),
                address: request.address)
            return WebSupport.json(.ok, Self.progressFields(progress))
        }
        endpoint(.post, "/password/forgot/sms/send", into: &router) { request throws(AuthError) in
            let progress = try await auth.resendForgotPasswordSMS(
                token: WebSupport.bearerToken(request.incoming), address: request.address)
            return WebSupport.json(.ok, Self.progressFields(progress))
        }
        endpoint(.post, "/password/forgot/sms", fields: [.code()], into: &router) { request throws(AuthError) in
            let progress = try await auth.verifyForgotPasswordSMS(
                token: WebSupport.bearerToken(request.incoming), code: try request.string("code"),
                address: request.address)
            return WebSupport.json(.ok, Self.progressFields(progress))
        }
        endpoint(.post, "/password/forgot/password", fields: [.password("new_password")], into: &router) {
            request throws(AuthError) in
            try await auth.finishForgotPassword(
                token: WebSupport.bearerToken(request.incoming), newPassword: try request.string("new_password"),
                address: request.address)
            return HTTPResponse(status: .noContent)
        }
        endpoint(.post, "/reset-links/:token/accept", fields: [.password("new_password")], into: &router) {
            request throws(AuthError) in
            // openapi.json gives the token its shape: another one is a malformed request.
            let token = request.parameters["token"] ?? ""
            guard DirectoryToken.isWellFormed(token) else {
                throw AuthError.invalidRequest("That is not the token of a password-reset link.")
            }
            let issued = try await auth.usePasswordResetLink(
                token: token, newPassword: try request.string("new_password"), address: request.address)
            return WebSupport.json(.ok, Self.sessionFields(issued))
        }
        endpoint(.put, "/profile/name", fields: [.string("name", length: 0...200)], into: &router) {
            request throws(AuthError) in
            try await auth.setName(request.session, name: try request.string("name"), address: request.address)
            let user = try auth.signedIn(request.session).user
            return WebSupport.json(.ok, ["name": user.name.map { .string($0) } ?? .null])
        }
    }
}
