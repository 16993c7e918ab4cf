import TwofoldDirectory
import TwofoldHTTP
import TwofoldHTTPServer
import TwofoldPages

/// One HTML request as a page handler sees it: the session (if any), the parsed form of a post,
/// and the CSRF token its forms must carry.
struct WebRequest: Sendable {
    let incoming: IncomingRequest
    let parameters: RouteParameters
    let session: SessionRecord?
    let form: URLEncodedForm
    /// The token the page's forms carry: the session's, or the pre-session cookie's.
    let csrf: String
    /// Set when the pre-session CSRF cookie must be (re)issued with this response.
    let csrfCookie: String?
    let address: String?

    func field(_ name: String) -> String { form[name] ?? "" }
}

/// The server-rendered pages (no JavaScript): routes, CSRF and origin checks, and the mapping
/// of each flow's outcome to a page or a redirect. Same semantics as `APIRoutes`.
struct WebRoutes: Sendable {
    let auth: AuthService
    let support: WebSupport

    typealias Handler = @Sendable (WebRequest) async -> HTTPResponse

    func register(into router: inout Router<GatewayRoute>) {
        page(.get, "/", into: &router) { request in
            guard let session = request.session else { return WebSupport.redirect("/login") }
            return WebSupport.redirect(landing(for: session))
        }
        registerLogin(into: &router)
        registerRecovery(into: &router)
        registerSetup(into: &router)
        registerSignedIn(into: &router)
        registerInvite(into: &router)
        registerForgotPassword(into: &router)
        registerResetLink(into: &router)
        registerPasskeys(into: &router)
        registerBackupCodes(into: &router)
    }

    /// Registers a page. A POST is refused (403) unless its origin and CSRF token check out.
    func page(
        _ method: HTTPMethod, _ pattern: String, into router: inout Router<GatewayRoute>, _ handler: @escaping Handler
    ) {
        let support = self.support
        let auth = self.auth
        router.add(
            method, pattern,
            GatewayRoute(name: pattern) { incoming, parameters, respond in
                Task {
                    let session = auth.session(forToken: support.cookieToken(incoming))
                    var csrf = session?.csrf
                    var csrfCookie: String?
                    if csrf == nil {
                        if let existing = incoming.request.cookies[support.csrfCookie],
                            DirectoryToken.isWellFormed(existing)
                        {
                            csrf = existing
                        } else {
                            let fresh = DirectoryToken.make()
                            csrf = fresh
                            csrfCookie = support.csrfSetCookie(fresh)
                        }
                    }
                    var form = URLEncodedForm()
                    if method == .post {
                        guard let parsed = try? incoming.request.formParameters() else {
                            respond(messagePage(.badRequest, "Bad request", "The form could not be read.", csrf ?? ""))
                            return
                        }
                        form = parsed
                        let sent = form["csrf"] ?? ""
                        let refusal: FormRefusal? =
                            if !support.originAllowed(incoming, requireHeader: true) {
                                .otherSite
                            } else if csrfCookie != nil && session == nil {
                                .noCookies
                            } else if let expected = csrf, sent.utf8.count == expected.utf8.count,
                                ConstantTimeText.equals(sent, expected)
                            {
                                nil
                            } else {
                                session == nil ? .sessionEnded : .outOfDate
                            }
                        if let refusal {
                            respond(refusalPage(refusal, csrf: csrf ?? "", cookies: csrfCookie.map { [$0] } ?? []))
                            return
                        }
                    }
                    let request = WebRequest(
                        incoming: incoming, parameters: parameters, session: session, form: form, csrf: csrf ?? "",
                        csrfCookie: csrfCookie, address: support.clientAddress(incoming))
                    var response = await handler(request)
                    if let csrfCookie { response.headers.add("Set-Cookie", csrfCookie) }
                    // A confirmation is shown once: the page that answers after the redirect ends it.
                    if incoming.request.cookies[support.noticeCookie] != nil,
                        !(300..<400).contains(response.status.code)
                    {
                        response.headers.add("Set-Cookie", support.noticeDeleteCookie())
                    }
                    respond(response)
                }
            })
    }

    /// Why a form post was refused before its handler ran.
    enum FormRefusal {
        /// The `Origin` (or `Referer`) is not the public origin: a cross-site request.
        case otherSite
        /// Neither a session nor the pre-session cookie came with it: the browser kept no cookie
        /// (the session ended and its cookie went, or cookies are blocked).
        case noCookies
        /// The form belonged to a session that has ended (or to an earlier pre-session cookie).
        case sessionEnded
        /// The session is live but the form belongs to another one (opened before a sign-in or
        /// sign-out in another tab).
        case outOfDate
    }

    /// The page for a refused form post: what happened, in words that match the cause (a lost
    /// session is not a cross-site request), and where to go.
    func refusalPage(_ refusal: FormRefusal, csrf: String, cookies: [String]) -> HTTPResponse {
        switch refusal {
        case .otherSite:
            return messagePage(
                .forbidden, "Form refused",
                "This form came from another site, so it was not accepted. Open \(auth.settings.issuer) yourself "
                    + "and try again.", csrf, cookies: cookies, link: ("/", "Go to \(auth.settings.issuer)"))
        case .noCookies:
            return messagePage(
                .forbidden, "Your session has ended",
                "Your browser did not send the cookie of your session with this form: the session has ended, or "
                    + "cookies are blocked for this site. Log in again (and allow cookies for this site if this "
                    + "happens again).", csrf, cookies: cookies, link: ("/login", "Log in again"))
        case .sessionEnded:
            return messagePage(
                .forbidden, "Your session has ended",
                "Your session ended before you sent this form: a login waits 5 minutes for the verification "
                    + "code, and a session ends after 30 minutes without activity. Log in again.", csrf,
                cookies: cookies, link: ("/login", "Log in again"))
        case .outOfDate:
            return messagePage(
                .forbidden, "This form is out of date",
                "This page was opened before you logged in or out in another window, so its form was not accepted. "
                    + "Reload the page and try again.", csrf, cookies: cookies, link: ("/", "Continue"))
        }
    }

    /// The confirmation waiting for this page, if a redirect left one.
    func pendingNotice(_ request: WebRequest) -> PageMessage? {
        request.incoming.request.cookies[support.noticeCookie].flatMap(WebNotice.init(rawValue:)).map {
            .notice($0.text)
        }
    }

    /// A redirect that leaves `notice` for the page it leads to.
    func redirect(_ location: String, notice: WebNotice?, cookies: [String] = []) -> HTTPResponse {
        WebSupport.redirect(location, cookies: cookies + (notice.map { [support.noticeSetCookie($0)] } ?? []))
    }

    /// `error` as a message about the input its code concerns: `fields` maps an error code, or a
    /// code prefix ending in ".", to the input's id.
    static func message(_ error: AuthError, at fields: [String: String]) -> PageMessage {
        let field =
            fields[error.code]
            ?? fields.filter { $0.key.hasSuffix(".") && error.code.hasPrefix($0.key) }.max { $0.key < $1.key }?.value
        return .error(error.message, field: field)
    }

    /// Errors of a one-time code form, at its code input `id`.
    static func codeFields(_ id: String = "code") -> [String: String] {
        ["code.": id, "recovery.code_invalid": id, "recovery.code_expired": id]
    }

    /// Where a session of each stage belongs.
    func landing(for session: SessionRecord) -> String {
        switch session.stage {
        case .password: return "/login/code"
        case .setup, .recovery: return "/mfa/setup"
        case .full:
            let user = auth.directory.user(id: session.userID)
            if session.accountID == nil, (user?.accounts.count ?? 0) > 1 { return "/accounts" }
            return "/home"
        }
    }

    /// After a flow refused a step because of the session: a page request goes back to where the
    /// session belongs; a form post from the wrong stage (or without a session) goes to sign-in.
    func redirectForStage(_ request: WebRequest) -> HTTPResponse {
        guard let session = request.session else {
            return WebSupport.redirect("/login", cookies: [support.sessionDeleteCookie()])
        }
        // A stray post from the wrong stage goes to sign-in but keeps the session it has.
        if request.incoming.head.method == .post { return WebSupport.redirect("/login") }
        return WebSupport.redirect(landing(for: session))
    }

    func chrome(_ request: WebRequest, signedIn: Bool = false) -> PageChrome {
        var chrome = PageChrome(issuer: auth.settings.issuer, csrf: request.csrf)
        if signedIn, let session = request.session, let user = auth.directory.user(id: session.userID) {
            chrome.signedInEmail = user.email
            chrome.accountName = session.accountID.flatMap { auth.directory.account(id: $0)?.name }
        }
        return chrome
    }

    func messagePage(
        _ status: HTTPStatus, _ title: String, _ text: String, _ csrf: String, cookies: [String] = [],
        link: (String, String)? = ("/", "Continue")
    ) -> HTTPResponse {
        let chrome = PageChrome(issuer: auth.settings.issuer, csrf: csrf)
        let page = Pages.message(chrome, title: title, text: text, link: link.map { (href: $0.0, label: $0.1) })
        var response = WebSupport.html(status, page, cookies: cookies)
        if status.code == 503 { response.headers.set("Retry-After", "1") }
        return response
    }

    /// Pages for errors that are not about the form being filled (outage, storage, wrong stage).
    func generalFailure(_ error: AuthError, _ request: WebRequest) -> HTTPResponse? {
        switch error.code {
        case "auth.required", "auth.stage": return redirectForStage(request)
        case "service.unavailable", "server.busy", "server.storage", "sms.unavailable":
            return messagePage(error.status, "Temporarily unavailable", error.message, request.csrf)
        default: return nil
        }
    }

    func issuedRedirect(_ issued: IssuedSession) -> HTTPResponse {
        WebSupport.redirect(landing(for: issued.session), cookies: [support.sessionSetCookie(issued.token)])
    }

    // MARK: Login and code.

    private func registerLogin(into router: inout Router<GatewayRoute>) {
        page(.get, "/login", into: &router) { request in
            if let session = request.session, session.stage != .password {
                return WebSupport.redirect(landing(for: session))
            }
            return WebSupport.html(
                .ok,
                Pages.login(
                    chrome(request), email: "", message: pendingNotice(request), offerPasskeys: auth.passkeysOffered))
        }
        page(.post, "/login", into: &router) { request in
            let email = request.field("email")
            do throws(AuthError) {
                let issued = try await auth.login(
                    email: email, password: request.field("password"), address: request.address)
                return issuedRedirect(issued)
            } catch {
                if let page = generalFailure(error, request), error.code != "auth.required" { return page }
                return WebSupport.html(
                    error.status,
                    Pages.login(
                        chrome(request), email: WebSupport.refill(email, maximumBytes: 400),
                        message: Self.message(error, at: ["login.failed": "password"]),
                        offerPasskeys: auth.passkeysOffered))
            }
        }
        page(.get, "/login/code", into: &router) { request in
            guard request.session?.stage == .password else { return redirectForStage(request) }
            return WebSupport.html(
                .ok,
                Pages.verificationCode(
                    chrome(request), email: signingIn(request), message: pendingNotice(request),
                    offerPasskey: await offersPasskey(request)))
        }
        page(.post, "/login/code", into: &router) { request in
            do throws(AuthError) {
                let issued = try await auth.verifyCode(
                    request.session, code: request.field("code"), address: request.address)
                return issuedRedirect(issued)
            } catch {
                if let page = generalFailure(error, request) { return page }
                return WebSupport.html(
                    error.status,
                    Pages.verificationCode(
                        chrome(request), email: signingIn(request), message: Self.message(error, at: Self.codeFields()),
                        offerPasskey: await offersPasskey(request)))
            }
        }
        page(.post, "/logout", into: &router) { request in
            if let session = request.session { await auth.logout(session, address: request.address) }
            return redirect("/login", notice: .loggedOut, cookies: [support.sessionDeleteCookie()])
        }
    }

    // MARK: "Can't access your multi-factor authentication app?"

    private func registerRecovery(into router: inout Router<GatewayRoute>) {
        page(.get, "/login/recovery", into: &router) { request in
            do throws(AuthError) {
                let status = try await auth.recoveryStatus(request.session)
                return WebSupport.html(
                    .ok,
                    Pages.recovery(
                        chrome(request), availability: availability(status), email: signingIn(request), message: nil,
                        backupCodes: offersBackupCodes(status)))
            } catch {
                return generalFailure(error, request) ?? redirectForStage(request)
            }
        }
        page(.post, "/login/recovery/send", into: &router) { request in
            do throws(AuthError) {
                _ = try await auth.sendRecoveryCode(request.session, address: request.address)
                return WebSupport.redirect("/login/recovery/code")
            } catch {
                if error.code == "sms.unavailable" {
                    return messagePage(
                        error.status, "Text messages unavailable", error.message, request.csrf,
                        link: ("/login/recovery", "Try again"))
                }
                if let page = generalFailure(error, request) { return page }
                let status = try? await auth.recoveryStatus(request.session)
                let shown = status.map(availability) ?? .noPhone
                if error.code == "recovery.cooldown", case .available = shown {
                    // A code is already on its way: let the user enter it.
                    return WebSupport.redirect("/login/recovery/code")
                }
                return WebSupport.html(
                    error.status,
                    Pages.recovery(
                        chrome(request), availability: shown, email: signingIn(request), message: .error(error.message),
                        backupCodes: offersBackupCodes(status))
                )
            }
        }
        page(.get, "/login/recovery/code", into: &router) { request in
            do throws(AuthError) {
                let status = try await auth.recoveryStatus(request.session)
                return WebSupport.html(
                    .ok,
                    Pages.recoveryCode(
                        chrome(request), phoneMasked: status.phoneMasked ?? "", email: signingIn(request), message: nil)
                )
            } catch {
                return generalFailure(error, request) ?? redirectForStage(request)
            }
        }
        page(.post, "/login/recovery/code", into: &router) { request in
            do throws(AuthError) {
                let issued = try await auth.verifyRecoveryCode(
                    request.session, code: request.field("code"), address: request.address)
                return issuedRedirect(issued)
            } catch {
                if let page = generalFailure(error, request) { return page }
                let status = try? await auth.recoveryStatus(request.session)
                return WebSupport.html(
                    error.status,
                    Pages.recoveryCode(
                        chrome(request), phoneMasked: status?.phoneMasked ?? "", email: signingIn(request),
                        message: Self.message(error, at: Self.codeFields())))
            }
        }
    }

    /// The email of the user a half-finished sign-in belongs to ("Signing in as …. Not you?").
    func signingIn(_ request: WebRequest) -> String? {
        request.session.flatMap { auth.directory.user(id: $0.userID)?.email }
    }

    func availability(_ status: RecoveryStatus) -> Pages.RecoveryAvailability {
        switch status.availability {
        case "available": return .available(phoneMasked: status.phoneMasked ?? "")
        case "unsupported_country": return .unsupportedCountry(countryName: status.countryName ?? "your country")
        case "unsupported_number": return .unsupportedNumber
        default: return .noPhone
        }
    }
}
