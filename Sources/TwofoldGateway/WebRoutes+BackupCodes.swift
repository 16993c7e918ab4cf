import TwofoldDirectory
import TwofoldHTTP
import TwofoldHTTPServer
import TwofoldPages

extension WebRoutes {
    // MARK: Backup codes.

    /// "Save your backup codes" after a setup or "Generate new codes" (shown while the set waits in
    /// memory for the session, `BackupCodeShelf`), its download, "Continue", and signing in with a
    /// backup code from "Can't access your multi-factor authentication app?".
    func registerBackupCodes(into router: inout Router<GatewayRoute>) {
        page(.get, "/mfa/backup-codes", into: &router) { request in
            backupCodesPage(request, message: nil, status: .ok)
        }
        page(.get, Pages.backupCodesDownloadPath, into: &router) { request in
            guard let waiting = try? auth.waitingBackupCodes(request.session), let codes = waiting.codes.codes,
                let session = request.session, let user = auth.directory.user(id: session.userID)
            else {
                return messagePage(
                    .notFound, "Nothing to download",
                    "Backup codes are shown only once, and these are no longer available. You can generate new ones "
                        + "in My Profile → Security.", request.csrf, link: ("/", "Continue"))
            }
            let text = Pages.backupCodesText(issuer: auth.settings.issuer, account: user.email, codes: codes)
            return HTTPResponse(
                status: .ok,
                headers: [
                    "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store",
                    "Content-Disposition": #"attachment; filename="\#(Pages.downloadName(auth.settings.issuer))""#,
                ], body: Array(text.utf8))
        }
        page(.post, "/mfa/backup-codes/continue", into: &router) { request in
            guard let session = request.session, session.stage == .full else { return redirectForStage(request) }
            let taken = try? auth.takeBackupCodes(session)
            switch taken?.next {
            case .setupDone?: return redirect(landing(for: session), notice: .setupDone)
            case .recovered?: return redirect(landing(for: session), notice: .recovered)
            case .mfaReset?: return redirect("/profile/security#security-mfa", notice: .mfaReset)
            case .security?: return redirect("/profile/security#security-backup-codes", notice: .backupCodesNew)
            case nil: return WebSupport.redirect(landing(for: session))
            }
        }
        page(.post, "/mfa/backup-codes/generate", into: &router) { request in
            // A withheld set: the new one leads where the withheld one would have.
            let next = (try? auth.waitingBackupCodes(request.session))?.next ?? .security
            do throws(AuthError) {
                _ = try await auth.generateBackupCodes(
                    request.session, code: request.field("code"), keeping: next, address: request.address)
                return WebSupport.redirect("/mfa/backup-codes")
            } catch {
                if let page = generalFailure(error, request) { return page }
                return backupCodesPage(
                    request, message: Self.message(error, at: Self.codeFields("backup-generate-code")),
                    status: error.status)
            }
        }
        page(.post, "/profile/security/backup-codes", into: &router) { request in
            do throws(AuthError) {
                _ = try await auth.generateBackupCodes(
                    request.session, code: request.field("code"), keeping: .security, address: request.address)
                return WebSupport.redirect("/mfa/backup-codes")
            } catch {
                if let page = generalFailure(error, request) { return page }
                return await securityPage(
                    request, message: Self.message(error, at: Self.codeFields("backup-codes-code")),
                    form: .backupCodes, status: error.status)
            }
        }
        page(.get, "/login/recovery/backup-code", into: &router) { request in
            guard request.session?.stage == .password else { return redirectForStage(request) }
            return WebSupport.html(
                .ok, Pages.recoveryBackupCode(chrome(request), email: signingIn(request), message: nil))
        }
        page(.post, "/login/recovery/backup-code", into: &router) { request in
            do throws(AuthError) {
                let issued = try await auth.verifyBackupCode(
                    request.session, code: request.field("code"), address: request.address)
                return issuedRedirect(issued)
            } catch {
                if let page = generalFailure(error, request) { return page }
                var fields = Self.codeFields("backup-code")
                fields["backup."] = "backup-code"
                return WebSupport.html(
                    error.status,
                    Pages.recoveryBackupCode(
                        chrome(request), email: signingIn(request), message: Self.message(error, at: fields)))
            }
        }
    }

    /// The set waiting for this session, or (none waiting) the page the session belongs on.
    private func backupCodesPage(_ request: WebRequest, message: PageMessage?, status: HTTPStatus) -> HTTPResponse {
        guard let session = request.session, session.stage == .full else { return redirectForStage(request) }
        guard let waiting = try? auth.waitingBackupCodes(session) else {
            return WebSupport.redirect(landing(for: session))
        }
        let view = Pages.BackupCodesView(codes: waiting.codes.codes, generated: waiting.next == .security)
        return WebSupport.html(status, Pages.backupCodes(chrome(request, signedIn: true), view: view, message: message))
    }

    /// Whether "Can't access your multi-factor authentication app?" offers "Use a backup code":
    /// unless the vault says none is left.
    func offersBackupCodes(_ status: RecoveryStatus?) -> Bool {
        status?.backupCodesLeft != 0
    }
}
