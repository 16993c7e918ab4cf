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
            return await setupPage(request, message: pendingNotice(request), status: .ok, fresh: fresh)
        }
        page(.post, "/mfa/setup", into: &router) { request in
            let purpose = request.session?.purpose
            let stage = request.session?.stage
            do throws(AuthError) {
                let issued = try await auth.confirmSetup(
                    request.session, enrollmentID: request.field("enrollment_id"), code: request.field("code"),
                    address: request.address)
                // The confirmation goes where the user started: the Security tab after a reset.
                let cookies = [support.sessionSetCookie(issued.token)]
                // The backup codes made with it are shown first; "Continue" then goes on from there.
                if (try? auth.waitingBackupCodes(issued.session)) != nil {
                    return WebSupport.redirect("/mfa/backup-codes", cookies: cookies)
                }
                if purpose == "reset" {
                    return redirect("/profile/security#security-mfa", notice: .mfaReset, cookies: cookies)
                }
                let notice: WebNotice = stage == .recovery || purpose == "recovery" ? .recovered : .setupDone
                return redirect(landing(for: issued.session), notice: notice, cookies: cookies)
            } catch {
                if let page = generalFailure(error, request) { return page }
                // Expired or replaced setups show a new QR code with the message.
                return await setupPage(
                    request, message: Self.message(error, at: Self.setupFields), status: error.status)
            }
        }
    }

    /// Every refusal of a setup code is about the code field: it is where the user looks next.
    static let setupFields = ["code.": "code", "setup.": "code"]

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
            let view = Pages.SetupView(
                qrSVG: setup.qrSVG, secret: setup.secret, uri: setup.uri, accountName: user.email,
                enrollmentID: setup.enrollmentID)
            return WebSupport.html(
                status, Pages.mfaSetup(chrome(request), reason: reason, setup: view, message: message))
        } catch {
            return generalFailure(error, request) ?? redirectForStage(request)
        }
    }

    // MARK: Signed in: accounts, home, My Profile.

    func registerSignedIn(into router: inout Router<GatewayRoute>) {
        page(.get, "/accounts", into: &router) { request in
            guard let signedIn = try? auth.signedIn(request.session) else { return redirectForStage(request) }
            return WebSupport.html(
                .ok,
                Pages.chooseAccount(
                    chrome(request, signedIn: true),
                    accounts: signedIn.accounts.map { Pages.AccountChoice(id: $0.id, name: $0.name) },
                    selectedID: signedIn.account?.id, message: pendingNotice(request)))
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
                    accountCount: signedIn.accounts.count, message: pendingNotice(request)))
        }
        page(.get, "/profile", into: &router) { request in
            profilePage(request, message: pendingNotice(request), status: .ok)
        }
        page(.post, "/profile/name", into: &router) { request in
            do throws(AuthError) {
                try await auth.setName(request.session, name: request.field("name"), address: request.address)
                return redirect("/profile", notice: .nameSaved)
            } catch {
                if let page = generalFailure(error, request) { return page }
                return profilePage(request, message: Self.message(error, at: ["name.": "name"]), status: error.status)
            }
        }
        registerSecurity(into: &router)
    }

    private func profilePage(_ request: WebRequest, message: PageMessage?, status: HTTPStatus) -> HTTPResponse {
        guard let signedIn = try? auth.signedIn(request.session) else { return redirectForStage(request) }
        let view = Pages.ProfileView(
            email: signedIn.user.email, name: signedIn.user.name,
            accounts: signedIn.accounts.map { Pages.AccountChoice(id: $0.id, name: $0.name) },
            currentAccountID: signedIn.account?.id)
        return WebSupport.html(status, Pages.profile(chrome(request, signedIn: true), view: view, message: message))
    }

    /// My Profile → Security. Each change redirects to the tab at its own section, whose
    /// confirmation is then on screen (post/redirect/get); a refusal shows the tab with the error
    /// at the input it is about.
    private func registerSecurity(into router: inout Router<GatewayRoute>) {
        page(.get, "/profile/security", into: &router) { request in
            let notice = pendingNotice(request)
            let section: Pages.SecurityForm? =
                switch request.incoming.request.cookies[support.noticeCookie].flatMap(WebNotice.init(rawValue:)) {
                case .mfaReset?: .resetMFA
                case .phoneSaved?: .phone
                case .phoneRemoved?: .phone
                case .passwordChanged?: .password
                case .passkeyAdded?, .passkeyRemoved?: .passkeys
                case .backupCodesNew?: .backupCodes
                default: nil
                }
            return await securityPage(request, message: notice, form: section, status: .ok)
        }
        page(.post, "/profile/security/reset-mfa", into: &router) { request in
            do throws(AuthError) {
                let issued = try await auth.requestMFAReset(
                    request.session, password: request.field("password"), address: request.address)
                return issuedRedirect(issued)
            } catch {
                if let page = generalFailure(error, request) { return page }
                return await securityPage(
                    request, message: Self.message(error, at: ["login.": "reset-password"]), form: .resetMFA,
                    status: error.status)
            }
        }
        page(.post, "/profile/security/phone", into: &router) { request in
            do throws(AuthError) {
                _ = try await auth.setPhone(
                    request.session, phone: request.field("phone"), code: request.form["code"],
                    address: request.address)
                return redirect("/profile/security#security-phone", notice: .phoneSaved)
            } catch {
                if let page = generalFailure(error, request) { return page }
                return await securityPage(
                    request, message: Self.message(error, at: ["phone.": "phone", "code.": "phone-code"]),
                    form: .phone, status: error.status)
            }
        }
        page(.post, "/profile/security/phone/remove", into: &router) { request in
            do throws(AuthError) {
                try await auth.clearPhone(request.session, code: request.form["code"], address: request.address)
                return redirect("/profile/security#security-phone", notice: .phoneRemoved)
            } catch {
                if let page = generalFailure(error, request) { return page }
                return await securityPage(
                    request, message: Self.message(error, at: Self.codeFields("remove-code")), form: .removePhone,
                    status: error.status)
            }
        }
        page(.post, "/profile/security/password", into: &router) { request in
            let new = request.field("new_password")
            let fields = [
                "login.": "current-password", "password.mismatch": "new-password-confirm", "password.": "new-password",
            ]
            if let confirmation = request.form["new_password_confirm"], confirmation != new {
                return await securityPage(
                    request, message: Self.message(.passwordMismatch, at: fields), form: .password,
                    status: .unprocessableContent)
            }
            do throws(AuthError) {
                let issued = try await auth.changePassword(
                    request.session, current: request.field("current_password"), new: new, address: request.address)
                return redirect(
                    "/profile/security#security-password", notice: .passwordChanged,
                    cookies: [support.sessionSetCookie(issued.token)])
            } catch {
                if let page = generalFailure(error, request) { return page }
                return await securityPage(
                    request, message: Self.message(error, at: fields), form: .password, status: error.status)
            }
        }
    }

    func securityPage(
        _ request: WebRequest, message: PageMessage?, form: Pages.SecurityForm?, status: HTTPStatus
    ) async -> HTTPResponse {
        do throws(AuthError) {
            let signedIn = try auth.signedIn(request.session)
            let security = try await auth.securityStatus(request.session)
            let view = Pages.SecurityView(
                email: signedIn.user.email, phoneMasked: security.phoneMasked, phoneCountryName: security.countryName,
                smsRecovery: security.smsRecovery, mfaEnrolled: security.enrolled,
                backupCodesLeft: security.backupCodesLeft, passkeys: try await passkeyRows(request))
            return WebSupport.html(
                status,
                Pages.security(
                    chrome(request, signedIn: true), view: view, message: message, messageFor: form,
                    minimumPasswordLength: auth.passwords.policy.minimumLength))
        } catch {
            return generalFailure(error, request) ?? redirectForStage(request)
        }
    }
}
