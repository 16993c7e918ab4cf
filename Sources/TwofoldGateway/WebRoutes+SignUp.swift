import TwofoldDirectory
import TwofoldHTTP
import TwofoldHTTPServer
import TwofoldPages

extension WebRoutes {
    /// The sign-up form's errors, at the input each is about.
    static let signUpFields = [
        "invite.credentials": "temporary-password", "password.mismatch": "new-password-confirm",
        "password.": "new-password", "phone.": "phone",
    ]

    // MARK: Invite sign-up.

    func registerInvite(into router: inout Router<GatewayRoute>) {
        page(.get, "/invite/:token", into: &router) { request in
            let token = request.parameters["token"] ?? ""
            guard auth.pendingInvite(token: token) != nil else { return invalidInvite(request) }
            return WebSupport.html(
                .ok,
                Pages.signUp(
                    chrome(request), token: token, email: "", phone: "", message: nil,
                    minimumPasswordLength: auth.passwords.policy.minimumLength,
                    smsUnavailableCountries: await auth.smsCoverage.unavailableCountryNames(asking: auth.vault)))
        }
        page(.post, "/invite/:token", into: &router) { request in
            let token = request.parameters["token"] ?? ""
            let email = request.field("email")
            let phone = request.field("phone")
            let smsUnavailableCountries = await auth.smsCoverage.unavailableCountryNames(asking: auth.vault)
            func again(_ error: AuthError) -> HTTPResponse {
                WebSupport.html(
                    error.status,
                    Pages.signUp(
                        chrome(request), token: token, email: WebSupport.refill(email, maximumBytes: 400),
                        phone: WebSupport.refill(phone, maximumBytes: 128),
                        message: Self.message(error, at: Self.signUpFields),
                        minimumPasswordLength: auth.passwords.policy.minimumLength,
                        smsUnavailableCountries: smsUnavailableCountries))
            }
            let new = request.field("new_password")
            if let confirmation = request.form["new_password_confirm"], confirmation != new {
                return again(.passwordMismatch)
            }
            do throws(AuthError) {
                let issued = try await auth.acceptInvite(
                    token: token, email: email, temporaryPassword: request.field("temporary_password"),
                    newPassword: new, phone: phone, address: request.address)
                let cookie = support.sessionSetCookie(issued.token)
                // A phone SMS recovery cannot use is pointed out now, next to the phone field.
                if !phone.trimmingWhitespace().isEmpty,
                    let status = try? await auth.phoneStatus(issued.session), status.phoneMasked != nil,
                    status.smsRecovery != "available"
                {
                    return WebSupport.redirect("/signup/phone", cookies: [cookie])
                }
                return WebSupport.redirect(landing(for: issued.session), cookies: [cookie])
            } catch {
                if error.code == "invite.invalid" { return invalidInvite(request) }
                if let page = generalFailure(error, request), error.code != "auth.required" { return page }
                return again(error)
            }
        }
        registerSignUpPhone(into: &router)
    }

    private func invalidInvite(_ request: WebRequest) -> HTTPResponse {
        messagePage(
            .gone, "Invite no longer valid", AuthError.inviteInvalid.message, request.csrf, link: ("/login", "Log in"))
    }

    /// `/signup/phone`: right after the sign-up, when its phone cannot receive recovery SMS. The
    /// user keeps it, saves another or removes it, then goes on to the MFA setup.
    private func registerSignUpPhone(into router: inout Router<GatewayRoute>) {
        page(.get, "/signup/phone", into: &router) { request in
            await signUpPhonePage(request, message: pendingNotice(request), status: .ok)
        }
        page(.post, "/signup/phone", into: &router) { request in
            do throws(AuthError) {
                let saved = try await auth.setSignUpPhone(
                    request.session, phone: request.field("phone"), address: request.address)
                if saved.string("sms_recovery") != "available" {
                    return redirect("/signup/phone", notice: .signUpPhoneSaved)
                }
                return redirect("/mfa/setup", notice: .signUpPhoneSaved)
            } catch {
                if let page = generalFailure(error, request) { return page }
                return await signUpPhonePage(
                    request, message: Self.message(error, at: ["phone.": "phone"]), status: error.status)
            }
        }
        page(.post, "/signup/phone/keep", into: &router) { request in
            guard (try? auth.signUpSession(request.session)) != nil else { return redirectForStage(request) }
            return WebSupport.redirect("/mfa/setup")
        }
        page(.post, "/signup/phone/remove", into: &router) { request in
            do throws(AuthError) {
                try await auth.clearSignUpPhone(request.session, address: request.address)
                return redirect("/mfa/setup", notice: .signUpPhoneRemoved)
            } catch {
                if let page = generalFailure(error, request) { return page }
                return await signUpPhonePage(request, message: .error(error.message), status: error.status)
            }
        }
    }

    private func signUpPhonePage(_ request: WebRequest, message: PageMessage?, status: HTTPStatus) async
        -> HTTPResponse
    {
        do throws(AuthError) {
            let security = try await auth.phoneStatus(try auth.signUpSession(request.session))
            // Nothing to check (any more): on to the setup.
            guard let masked = security.phoneMasked, security.smsRecovery != "available" else {
                return WebSupport.redirect("/mfa/setup")
            }
            let view = Pages.SignUpPhoneView(
                phoneMasked: masked,
                blockedCountryName: security.smsRecovery == "unsupported_country" ? security.countryName : nil)
            return WebSupport.html(status, Pages.signUpPhone(chrome(request), view: view, message: message))
        } catch {
            return generalFailure(error, request) ?? redirectForStage(request)
        }
    }

    // MARK: The operator's password-reset link.

    func registerResetLink(into router: inout Router<GatewayRoute>) {
        page(.get, "/reset/:token", into: &router) { request in
            let token = request.parameters["token"] ?? ""
            guard let (_, user) = auth.passwordResetLink(token: token) else { return invalidResetLink(request) }
            return WebSupport.html(
                .ok,
                Pages.newPassword(
                    chrome(request), context: .resetLink(token: token), email: user.email,
                    minimumPasswordLength: auth.passwords.policy.minimumLength, message: nil))
        }
        page(.post, "/reset/:token", into: &router) { request in
            let token = request.parameters["token"] ?? ""
            guard let (_, user) = auth.passwordResetLink(token: token) else { return invalidResetLink(request) }
            func again(_ error: AuthError) -> HTTPResponse {
                WebSupport.html(
                    error.status,
                    Pages.newPassword(
                        chrome(request), context: .resetLink(token: token), email: user.email,
                        minimumPasswordLength: auth.passwords.policy.minimumLength,
                        message: Self.message(error, at: Self.newPasswordFields)))
            }
            let new = request.field("new_password")
            if let confirmation = request.form["new_password_confirm"], confirmation != new {
                return again(.passwordMismatch)
            }
            do throws(AuthError) {
                let issued = try await auth.usePasswordResetLink(
                    token: token, newPassword: new, address: request.address)
                return redirect(
                    landing(for: issued.session), notice: .resetLinkUsed,
                    cookies: [support.sessionSetCookie(issued.token)])
            } catch {
                if error.code == "reset_link.invalid" { return invalidResetLink(request) }
                if let page = generalFailure(error, request), error.code != "auth.required" { return page }
                return again(error)
            }
        }
    }

    static let newPasswordFields = ["password.mismatch": "new-password-confirm", "password.": "new-password"]

    private func invalidResetLink(_ request: WebRequest) -> HTTPResponse {
        messagePage(
            .gone, "Link no longer valid", AuthError.resetLinkInvalid.message, request.csrf,
            link: ("/login", "Log in"))
    }
}
