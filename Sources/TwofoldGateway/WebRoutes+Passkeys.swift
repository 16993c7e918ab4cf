import TwofoldHTTP
import TwofoldHTTPServer
import TwofoldPages
import TwofoldWire

/// The passkey pages (issue 18): "Use a passkey" after the password, "Sign in with a passkey" on
/// the login page, and adding and removing passkeys on the Security tab. Each ceremony is a
/// begin (a plain form post: the vault issues the challenge) that shows a page whose one script
/// asks the browser, then a finish (the page's form, filled by the script) that the vault decides.
extension WebRoutes {
    func registerPasskeys(into router: inout Router<GatewayRoute>) {
        page(.post, "/login/passkey", into: &router) { request in
            do throws(AuthError) {
                let start = try await auth.passkeySignInStart(request.session)
                return ceremonyPage(
                    request, .get, start, title: "Use your passkey",
                    lead: "Use the passkey you added for \(auth.settings.issuer): your device will ask for your "
                        + "screen lock or security key.", action: "/login/passkey/finish", button: "Use your passkey",
                    back: ("/login/code", "Enter a verification code instead"))
            } catch {
                return await codePageRefusal(error, request)
            }
        }
        page(.post, "/login/passkey/finish", into: &router) { request in
            do throws(AuthError) {
                let issued = try await auth.verifyPasskey(
                    request.session, assertion(request), address: request.address)
                return issuedRedirect(issued)
            } catch {
                return await codePageRefusal(error, request)
            }
        }
        page(.post, "/login/passwordless", into: &router) { request in
            do throws(AuthError) {
                let start = try await auth.passwordlessStart()
                return ceremonyPage(
                    request, .get, start, title: "Sign in with a passkey",
                    lead: "Choose your passkey for \(auth.settings.issuer) when your device asks. It signs you in "
                        + "without your password or a code.", action: "/login/passwordless/finish",
                    button: "Sign in with a passkey", back: ("/login", "Log in with your password instead"))
            } catch {
                return loginPageRefusal(error, request)
            }
        }
        page(.post, "/login/passwordless/finish", into: &router) { request in
            do throws(AuthError) {
                let issued = try await auth.passwordlessLogin(
                    assertion(request), replacing: request.session, address: request.address)
                return issuedRedirect(issued)
            } catch {
                return loginPageRefusal(error, request)
            }
        }
        registerPasskeyManagement(into: &router)
    }

    private func registerPasskeyManagement(into router: inout Router<GatewayRoute>) {
        let fields = [
            "login.": "passkey-password", "code.": "passkey-code", "passkey.name_invalid": "passkey-name",
        ]
        page(.post, "/profile/security/passkeys", into: &router) { request in
            do throws(AuthError) {
                let start = try await auth.passkeyRegistrationStart(
                    request.session, password: request.field("password"), code: request.field("code"),
                    name: request.form["name"], address: request.address)
                return ceremonyPage(
                    request, .create, start, title: "Add a passkey",
                    lead: "Your device will ask you to create a passkey for \(auth.settings.issuer), with your screen "
                        + "lock or a security key.", action: "/profile/security/passkeys/finish",
                    button: "Create the passkey", back: ("/profile/security#security-passkeys", "Cancel"),
                    signedIn: true)
            } catch {
                if let page = generalFailure(error, request) { return page }
                return await securityPage(
                    request, message: Self.message(error, at: fields), form: .passkeys, status: error.status)
            }
        }
        page(.post, "/profile/security/passkeys/finish", into: &router) { request in
            do throws(AuthError) {
                let registration = PasskeyRegistration(
                    challengeID: request.field("challenge_id"), clientDataJSON: request.field("client_data_json"),
                    attestationObject: request.field("attestation_object"),
                    transports: request.field("transports").split(separator: ",").prefix(8).map(String.init),
                    name: request.form["name"])
                _ = try await auth.passkeyRegistrationFinish(request.session, registration, address: request.address)
                return redirect("/profile/security#security-passkeys", notice: .passkeyAdded)
            } catch {
                if let page = generalFailure(error, request) { return page }
                return await securityPage(
                    request, message: .error(error.message), form: .passkeys, status: error.status)
            }
        }
        page(.post, "/profile/security/passkeys/remove", into: &router) { request in
            do throws(AuthError) {
                try await auth.removePasskey(
                    request.session, id: request.field("credential_id"), address: request.address)
                return redirect("/profile/security#security-passkeys", notice: .passkeyRemoved)
            } catch {
                if let page = generalFailure(error, request) { return page }
                return await securityPage(
                    request, message: .error(error.message), form: .passkeys, status: error.status)
            }
        }
    }

    /// The assertion the page's script posted.
    private func assertion(_ request: WebRequest) -> PasskeyAssertion {
        PasskeyAssertion(
            challengeID: request.field("challenge_id"), credentialID: request.field("credential_id"),
            clientDataJSON: request.field("client_data_json"), authenticatorData: request.field("authenticator_data"),
            signature: request.field("signature"), userHandle: request.form["user_handle"])
    }

    /// A ceremony page, under the one policy that allows this origin's script.
    private func ceremonyPage(
        _ request: WebRequest, _ ceremony: Pages.PasskeyCeremony, _ start: PasskeyCeremonyStart, title: String,
        lead: String, action: String, button: String, back: (String, String), signedIn: Bool = false
    ) -> HTTPResponse {
        let page = Pages.passkeyCeremony(
            chrome(request, signedIn: signedIn), ceremony: ceremony, title: title, lead: lead,
            optionsJSON: String(decoding: start.options.jsonBytes, as: UTF8.self), challengeID: start.challengeID,
            action: action, button: button, back: (href: back.0, label: back.1))
        var response = WebSupport.html(.ok, page)
        response.headers.set("Content-Security-Policy", GatewayAssets.passkeyPagePolicy)
        return response
    }

    /// A refused second-factor passkey: back to the code page, with the reason.
    private func codePageRefusal(_ error: AuthError, _ request: WebRequest) async -> HTTPResponse {
        if let page = generalFailure(error, request) { return page }
        return WebSupport.html(
            error.status,
            Pages.verificationCode(
                chrome(request), email: signingIn(request), message: .error(error.message),
                offerPasskey: await offersPasskey(request)))
    }

    /// A refused passwordless sign-in: back to the login page, with the reason.
    private func loginPageRefusal(_ error: AuthError, _ request: WebRequest) -> HTTPResponse {
        if let page = generalFailure(error, request), error.code != "auth.required" { return page }
        return WebSupport.html(
            error.status,
            Pages.login(chrome(request), email: "", message: .error(error.message), offerPasskeys: auth.passkeysOffered)
        )
    }

    /// Whether the code step offers "Use a passkey": the user has one (the vault's `status`).
    func offersPasskey(_ request: WebRequest) async -> Bool {
        guard auth.passkeysOffered, let session = request.session, session.stage == .password,
            let status = try? await auth.vaultStatus(session.userID)
        else { return false }
        return (status.int("passkeys") ?? 0) > 0
    }

    /// The Security tab's passkey list, or nil where passkeys cannot work (no section then).
    func passkeyRows(_ request: WebRequest) async throws(AuthError) -> [PasskeyRow]? {
        guard auth.passkeysOffered else { return nil }
        return try await auth.passkeys(request.session).map {
            PasskeyRow(id: $0.id, name: $0.name, createdAtMillis: $0.createdAt, lastUsedAtMillis: $0.lastUsedAt)
        }
    }
}
