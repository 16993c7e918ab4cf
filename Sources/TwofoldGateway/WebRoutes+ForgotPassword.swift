import TwofoldHTTP
import TwofoldHTTPServer
import TwofoldPages

/// "Forgot password?" in pages: email → authenticator code → SMS code (when a phone SMS can
/// reach is on file) → new password → the login page. The attempt's token is in its own cookie;
/// every step that succeeds redirects to the next one (post/redirect/get), and a page asked for
/// out of turn redirects to the step the attempt is at.
extension WebRoutes {
    func registerForgotPassword(into router: inout Router<GatewayRoute>) {
        page(.get, "/password/forgot", into: &router) { request in
            WebSupport.html(.ok, Pages.forgotPassword(chrome(request), email: "", message: nil))
        }
        page(.post, "/password/forgot", into: &router) { request in
            let email = request.field("email")
            do throws(AuthError) {
                let (token, progress) = try await auth.startForgotPassword(email: email, address: request.address)
                return WebSupport.redirect(Self.forgotPath(progress.step), cookies: [support.resetSetCookie(token)])
            } catch {
                if let page = generalFailure(error, request) { return page }
                return WebSupport.html(
                    error.status,
                    Pages.forgotPassword(
                        chrome(request), email: WebSupport.refill(email, maximumBytes: 400),
                        message: .error(error.message)))
            }
        }
        page(.get, "/password/forgot/code", into: &router) { request in
            forgotStep(request, "code") { _ in Pages.forgotPasswordCode(chrome(request), message: nil) }
        }
        page(.post, "/password/forgot/code", into: &router) { request in
            do throws(AuthError) {
                let progress = try await auth.verifyForgotPasswordCode(
                    token: resetToken(request), code: request.field("code"), address: request.address)
                return WebSupport.redirect(Self.forgotPath(progress.step))
            } catch {
                if let page = forgotFailure(error, request) { return page }
                return WebSupport.html(
                    error.status,
                    Pages.forgotPasswordCode(
                        chrome(request), message: Self.message(error, at: Self.codeFields())))
            }
        }
        page(.get, "/password/forgot/sms", into: &router) { request in
            forgotStep(request, "sms") { progress in
                // The automatic send's problem, else the confirmation of "Send a new code".
                let message = progress.smsProblem.map { PageMessage.error($0.message) } ?? pendingNotice(request)
                return Pages.forgotPasswordSMS(
                    chrome(request), phoneMasked: progress.phoneMasked ?? "", message: message)
            }
        }
        page(.post, "/password/forgot/sms/send", into: &router) { request in
            do throws(AuthError) {
                _ = try await auth.resendForgotPasswordSMS(token: resetToken(request), address: request.address)
                return redirect("/password/forgot/sms", notice: .smsSent)
            } catch {
                if let page = forgotFailure(error, request) { return page }
                // A code already on its way: the page that takes it, as after a send.
                if error.code == "recovery.cooldown" { return WebSupport.redirect("/password/forgot/sms") }
                let progress = try? auth.forgotPasswordProgress(token: resetToken(request))
                return WebSupport.html(
                    error.status,
                    Pages.forgotPasswordSMS(
                        chrome(request), phoneMasked: progress?.phoneMasked ?? "", message: .error(error.message)))
            }
        }
        page(.post, "/password/forgot/sms", into: &router) { request in
            do throws(AuthError) {
                let progress = try await auth.verifyForgotPasswordSMS(
                    token: resetToken(request), code: request.field("code"), address: request.address)
                return WebSupport.redirect(Self.forgotPath(progress.step))
            } catch {
                if let page = forgotFailure(error, request) { return page }
                let progress = try? auth.forgotPasswordProgress(token: resetToken(request))
                return WebSupport.html(
                    error.status,
                    Pages.forgotPasswordSMS(
                        chrome(request), phoneMasked: progress?.phoneMasked ?? "",
                        message: Self.message(error, at: Self.codeFields())))
            }
        }
        page(.get, "/password/forgot/new", into: &router) { request in
            forgotStep(request, "password") { _ in newPasswordPage(request, message: nil) }
        }
        page(.post, "/password/forgot/new", into: &router) { request in
            let new = request.field("new_password")
            if let confirmation = request.form["new_password_confirm"], confirmation != new {
                return WebSupport.html(
                    .unprocessableContent,
                    newPasswordPage(request, message: Self.message(.passwordMismatch, at: Self.newPasswordFields)))
            }
            do throws(AuthError) {
                try await auth.finishForgotPassword(
                    token: resetToken(request), newPassword: new, address: request.address)
                return redirect(
                    "/login", notice: .passwordReset,
                    cookies: [support.resetDeleteCookie(), support.sessionDeleteCookie()])
            } catch {
                if let page = forgotFailure(error, request) { return page }
                return WebSupport.html(
                    error.status, newPasswordPage(request, message: Self.message(error, at: Self.newPasswordFields)))
            }
        }
    }

    /// The page of each step.
    static func forgotPath(_ step: String) -> String {
        switch step {
        case "sms": "/password/forgot/sms"
        case "password": "/password/forgot/new"
        default: "/password/forgot/code"
        }
    }

    private func resetToken(_ request: WebRequest) -> String? {
        request.incoming.request.cookies[support.resetCookie]
    }

    /// The page of `step` when the attempt is at it; else a redirect to where it is (or to its
    /// start when there is none).
    private func forgotStep(_ request: WebRequest, _ step: String, _ page: (ForgotPasswordProgress) -> String)
        -> HTTPResponse
    {
        guard let progress = try? auth.forgotPasswordProgress(token: resetToken(request)) else {
            return WebSupport.redirect("/password/forgot", cookies: [support.resetDeleteCookie()])
        }
        guard progress.step == step else { return WebSupport.redirect(Self.forgotPath(progress.step)) }
        return WebSupport.html(.ok, page(progress))
    }

    /// Outages, and an attempt that ended or is at another step; nil for what the form shows.
    private func forgotFailure(_ error: AuthError, _ request: WebRequest) -> HTTPResponse? {
        switch error.code {
        case "password_reset.required":
            return messagePage(
                error.status, "Start again", error.message, request.csrf, cookies: [support.resetDeleteCookie()],
                link: ("/password/forgot", "Reset your password"))
        case "password_reset.step":
            guard let progress = try? auth.forgotPasswordProgress(token: resetToken(request)) else {
                return WebSupport.redirect("/password/forgot")
            }
            return WebSupport.redirect(Self.forgotPath(progress.step))
        case "service.unavailable", "server.busy", "server.storage":
            return messagePage(error.status, "Temporarily unavailable", error.message, request.csrf)
        default: return nil
        }
    }

    private func newPasswordPage(_ request: WebRequest, message: PageMessage?) -> String {
        Pages.newPassword(
            chrome(request), context: .forgotPassword, email: forgotEmail(request) ?? "",
            minimumPasswordLength: auth.passwords.policy.minimumLength, message: message)
    }

    /// The email of the attempt's user (known only once the codes were right).
    private func forgotEmail(_ request: WebRequest) -> String? {
        auth.forgotPasswordEmail(token: resetToken(request))
    }
}
