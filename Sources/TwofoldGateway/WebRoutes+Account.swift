import TwofoldDirectory
import TwofoldHTTP
import TwofoldHTTPServer
import TwofoldPages
import TwofoldPhone

extension WebRoutes {
    // MARK: MFA setup.

    func registerSetup(into router: inout Router<GatewayRoute>) {
        page(.get, "/mfa/setup", into: &router) { request in
            // `?new=1` starts over with a new QR code (a code from the previous one is then stale).
            let fresh = (try? request.incoming.request.queryParameters())?["new"] == "1"
            return await setupPage(request, message: nil, status: .ok, fresh: fresh)
        }
        page(.post, "/mfa/setup", into: &router) { request in
            do throws(AuthError) {
                let issued = try await auth.confirmSetup(
                    request.session, enrollmentID: request.field("enrollment_id"), code: request.field("code"),
                    address: request.address)
                return issuedRedirect(issued)
            } catch {
                if let page = generalFailure(error, request) { return page }
                // Expired or replaced setups show a new QR code with the message.
                return await setupPage(request, message: .error(error.message), status: error.status)
            }
        }
    }

    private func setupPage(
        _ request: WebRequest, message: PageMessage?, status: HTTPStatus, fresh: Bool = false
    ) async -> HTTPResponse {
        do throws(AuthError) {
            let setup = try await auth.beginSetup(request.session, address: request.address, fresh: fresh)
            guard let session = request.session, let user = auth.directory.user(id: session.userID) else {
                return redirectForStage(request)
            }
            let reason: Pages.SetupReason =
                switch session.purpose {
                case "signup": .signUp
                case "reset": .reset
                case "recovery": .recovery
                default: session.stage == .recovery ? .recovery : .required
                }
            return WebSupport.html(
                status,
                Pages.mfaSetup(
                    chrome(request), reason: reason, qrSVG: setup.qrSVG, secret: setup.secret, accountName: user.email,
                    enrollmentID: setup.enrollmentID, message: message))
        } catch {
            return generalFailure(error, request) ?? redirectForStage(request)
        }
    }

    // MARK: Signed in: accounts, home, Security tab.

    func registerSignedIn(into router: inout Router<GatewayRoute>) {
        page(.get, "/accounts", into: &router) { request in
            guard let signedIn = try? auth.signedIn(request.session) else { return redirectForStage(request) }
            return WebSupport.html(
                .ok,
                Pages.chooseAccount(
                    chrome(request, signedIn: true),
                    accounts: signedIn.accounts.map { Pages.AccountChoice(id: $0.id, name: $0.name) },
                    selectedID: signedIn.account?.id))
        }
        page(.post, "/accounts", into: &router) { request in
            do throws(AuthError) {
                _ = try await auth.selectAccount(
                    request.session, accountID: request.field("account"), address: request.address)
                return WebSupport.redirect("/home")
            } catch {
                if let page = generalFailure(error, request) { return page }
                return messagePage(
                    error.status, "Not allowed", error.message, request.csrf, link: ("/accounts", "Back"))
            }
        }
        page(.get, "/home", into: &router) { request in
            guard let signedIn = try? auth.signedIn(request.session) else { return redirectForStage(request) }
            if signedIn.account == nil, signedIn.accounts.count > 1 { return WebSupport.redirect("/accounts") }
            return WebSupport.html(
                .ok,
                Pages.home(
                    chrome(request, signedIn: true), email: signedIn.user.email, accountName: signedIn.account?.name,
                    accountCount: signedIn.accounts.count, message: nil))
        }
        page(.get, "/profile/security", into: &router) { request in
            await securityPage(request, message: nil, form: nil, status: .ok)
        }
        page(.post, "/profile/security/reset-mfa", into: &router) { request in
            do throws(AuthError) {
                let issued = try await auth.requestMFAReset(
                    request.session, password: request.field("password"), address: request.address)
                return issuedRedirect(issued)
            } catch {
                if let page = generalFailure(error, request) { return page }
                return await securityPage(
                    request, message: .error(error.message), form: .resetMFA, status: error.status)
            }
        }
        page(.post, "/profile/security/phone", into: &router) { request in
            do throws(AuthError) {
                _ = try await auth.setPhone(
                    request.session, phone: request.field("phone"), code: request.form["code"],
                    address: request.address)
                return await securityPage(
                    request, message: .notice("Your recovery phone was saved."), form: .phone, status: .ok)
            } catch {
                if let page = generalFailure(error, request) { return page }
                return await securityPage(request, message: .error(error.message), form: .phone, status: error.status)
            }
        }
        page(.post, "/profile/security/phone/remove", into: &router) { request in
            do throws(AuthError) {
                try await auth.clearPhone(request.session, code: request.form["code"], address: request.address)
                return await securityPage(
                    request, message: .notice("Your recovery phone was removed."), form: .removePhone, status: .ok)
            } catch {
                if let page = generalFailure(error, request) { return page }
                return await securityPage(
                    request, message: .error(error.message), form: .removePhone, status: error.status)
            }
        }
        page(.post, "/profile/security/password", into: &router) { request in
            let new = request.field("new_password")
            if let confirmation = request.form["new_password_confirm"], confirmation != new {
                return await securityPage(
                    request, message: .error("The two new passwords do not match."), form: .password,
                    status: .unprocessableContent)
            }
            do throws(AuthError) {
                let issued = try await auth.changePassword(
                    request.session, current: request.field("current_password"), new: new, address: request.address)
                var response = await securityPage(
                    request, message: .notice("Your password was changed. Other sessions were signed out."),
                    form: .password, status: .ok, csrf: issued.session.csrf)
                response.headers.add("Set-Cookie", support.sessionSetCookie(issued.token))
                return response
            } catch {
                if let page = generalFailure(error, request) { return page }
                return await securityPage(
                    request, message: .error(error.message), form: .password, status: error.status)
            }
        }
    }

    private func securityPage(
        _ request: WebRequest, message: PageMessage?, form: Pages.SecurityForm?, status: HTTPStatus,
        csrf: String? = nil
    ) async -> HTTPResponse {
        do throws(AuthError) {
            let signedIn = try auth.signedIn(request.session)
            let security = try await auth.securityStatus(request.session)
            var chrome = chrome(request, signedIn: true)
            if let csrf { chrome.csrf = csrf }
            let view = Pages.SecurityView(
                email: signedIn.user.email, phoneMasked: security.phoneMasked, phoneCountryName: security.countryName,
                smsRecovery: security.smsRecovery, mfaEnrolled: security.enrolled)
            return WebSupport.html(status, Pages.security(chrome, view: view, message: message, messageFor: form))
        } catch {
            return generalFailure(error, request) ?? redirectForStage(request)
        }
    }

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
                        phone: WebSupport.refill(phone, maximumBytes: 128), message: .error(error.message),
                        minimumPasswordLength: auth.passwords.policy.minimumLength,
                        smsUnavailableCountries: smsUnavailableCountries))
            }
            let new = request.field("new_password")
            if let confirmation = request.form["new_password_confirm"], confirmation != new {
                return again(
                    AuthError("password.mismatch", .unprocessableContent, "The two new passwords do not match."))
            }
            do throws(AuthError) {
                let issued = try await auth.acceptInvite(
                    token: token, email: email, temporaryPassword: request.field("temporary_password"),
                    newPassword: new, phone: phone, address: request.address)
                return issuedRedirect(issued)
            } catch {
                if error.code == "invite.invalid" { return invalidInvite(request) }
                if let page = generalFailure(error, request), error.code != "auth.required" { return page }
                return again(error)
            }
        }
    }

    private func invalidInvite(_ request: WebRequest) -> HTTPResponse {
        messagePage(
            .gone, "Invite no longer valid", AuthError.inviteInvalid.message, request.csrf, link: ("/login", "Log in"))
    }
}
