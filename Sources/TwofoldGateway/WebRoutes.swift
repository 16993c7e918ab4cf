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
                        guard support.originAllowed(incoming, requireHeader: true), csrfCookie == nil,
                            let expected = csrf, sent.utf8.count == expected.utf8.count,
                            ConstantTimeText.equals(sent, expected)
                        else {
                            respond(
                                messagePage(
                                    .forbidden, "Form expired",
                                    "This form has expired or came from another site. Go back, reload the page and try again.",
                                    csrf ?? "", cookies: csrfCookie.map { [$0] } ?? [],
                                    link: ("/", "Start again")))
                            return
                        }
                    }
                    let request = WebRequest(
                        incoming: incoming, parameters: parameters, session: session, form: form, csrf: csrf ?? "",
                        csrfCookie: csrfCookie, address: support.clientAddress(incoming))
                    var response = await handler(request)
                    if let csrfCookie { response.headers.add("Set-Cookie", csrfCookie) }
                    respond(response)
                }
            })
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
            return WebSupport.html(.ok, Pages.login(chrome(request), email: "", message: nil))
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
                        message: .error(error.message)
                    ))
            }
        }
        page(.get, "/login/code", into: &router) { request in
            guard request.session?.stage == .password else { return redirectForStage(request) }
            return WebSupport.html(.ok, Pages.verificationCode(chrome(request), message: nil))
        }
        page(.post, "/login/code", into: &router) { request in
            do throws(AuthError) {
                let issued = try await auth.verifyCode(
                    request.session, code: request.field("code"), address: request.address)
                return issuedRedirect(issued)
            } catch {
                if let page = generalFailure(error, request) { return page }
                return WebSupport.html(
                    error.status, Pages.verificationCode(chrome(request), message: .error(error.message)))
            }
        }
        page(.post, "/logout", into: &router) { request in
            if let session = request.session { await auth.logout(session, address: request.address) }
            return WebSupport.redirect("/login", cookies: [support.sessionDeleteCookie()])
        }
    }

    // MARK: "Can't access your multi-factor authentication app?"

    private func registerRecovery(into router: inout Router<GatewayRoute>) {
        page(.get, "/login/recovery", into: &router) { request in
            do throws(AuthError) {
                let status = try await auth.recoveryStatus(request.session)
                return WebSupport.html(
                    .ok, Pages.recovery(chrome(request), availability: availability(status), message: nil))
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
                    error.status, Pages.recovery(chrome(request), availability: shown, message: .error(error.message)))
            }
        }
        page(.get, "/login/recovery/code", into: &router) { request in
            do throws(AuthError) {
                let status = try await auth.recoveryStatus(request.session)
                return WebSupport.html(
                    .ok, Pages.recoveryCode(chrome(request), phoneMasked: status.phoneMasked ?? "", message: nil))
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
                        chrome(request), phoneMasked: status?.phoneMasked ?? "", message: .error(error.message)))
            }
        }
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
