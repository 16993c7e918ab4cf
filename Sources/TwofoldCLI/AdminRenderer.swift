/// Renders a command's result for people: tables for lists, key/value blocks for one record, and
/// for `invite create` the link and temporary password set apart with "shown once" wording (the
/// gateway keeps only hashes of them, so this is the operator's one chance to copy them).
public enum AdminRenderer {
    /// - Throws: `unexpectedAnswer` when the result lacks a field the text needs.
    public static func render(_ action: AdminAction, _ result: AdminResult) throws(AdminError) -> String {
        switch action {
        case .inviteCreate:
            return try inviteCreated(result)
        case .inviteImport:
            return ""  // `InviteImport` reports as it goes.
        case .inviteList:
            return inviteTable(try result.field("invites", as: [AdminInvite].self))
        case .inviteRevoke:
            let invite = try result.field("invite", as: AdminInvite.self)
            return "Invite \(AdminText.sanitized(invite.id)) revoked; its link no longer works.\n\n"
                + inviteFields(invite).render()
        case .userList:
            return userTable(try result.field("users", as: [AdminUser].self))
        case .userShow:
            let user = try result.field("user", as: AdminUser.self)
            let mfa = try result.optionalField("mfa", as: AdminMFAStatus.self)
            return userFields(user, mfa: mfa).render()
        case .userDisable:
            let user = try result.field("user", as: AdminUser.self)
            return "User \(name(user)) disabled; their sessions were ended.\n"
        case .userEnable:
            let user = try result.field("user", as: AdminUser.self)
            return "User \(name(user)) enabled.\n"
        case .userResetMFA:
            let user = try result.field("user", as: AdminUser.self)
            return "MFA reset for \(name(user)); their sessions were ended. "
                + "They will set up an authenticator at their next login.\n"
        case .userResetPassword:
            return try resetLinkCreated(result)
        case .accountCreate:
            let account = try result.field("account", as: AdminAccount.self)
            return "Account \(AdminText.sanitized(account.id)) created: \(AdminText.sanitized(account.name))\n"
        case .accountList:
            return accountTable(try result.field("accounts", as: [AdminAccount].self))
        case .accountRename:
            let account = try result.field("account", as: AdminAccount.self)
            return "Account \(AdminText.sanitized(account.id)) is now named \(AdminText.sanitized(account.name))\n"
        case .accountAddMember, .accountRemoveMember:
            let account = try result.field("account", as: AdminAccount.self)
            let user = try result.field("user", as: AdminUser.self)
            let change = action == .accountAddMember ? "is now a member of" : "is no longer a member of"
            let count = account.members == 1 ? "1 member" : "\(account.members) members"
            return "\(name(user)) \(change) \(AdminText.sanitized(account.name)) (\(count)).\n"
        }
    }

    static func inviteCreated(_ result: AdminResult) throws(AdminError) -> String {
        let invite = try result.field("invite", as: AdminInvite.self)
        let link = try result.field("link", as: String.self)
        let password = try result.field("temporary_password", as: String.self)
        var secrets = AdminFields()
        secrets.append("Invite link", link)
        secrets.append("Temporary password", password)
        return "Invite \(AdminText.sanitized(invite.id)) created for \(AdminText.sanitized(invite.email)).\n\n"
            + inviteFields(invite).render()
            + "\nShown once: the gateway cannot show the link or the temporary password again.\n"
            + "Send them to the person by separate channels.\n\n"
            + secrets.render(indent: "    ")
    }

    static func resetLinkCreated(_ result: AdminResult) throws(AdminError) -> String {
        let user = try result.field("user", as: AdminUser.self)
        let link = try result.field("link", as: String.self)
        let expiresAt = try result.field("expires_at", as: Int64.self)
        var secrets = AdminFields()
        secrets.append("Reset link", link)
        return "Password-reset link created for \(name(user)). It works once, until \(AdminText.time(expiresAt)); "
            + "an earlier link of theirs no longer works.\n"
            + "\nShown once: the gateway cannot show the link again. Send it to the person yourself.\n"
            + "After choosing a new password, they still log in with their authenticator app (or set one up).\n\n"
            + secrets.render(indent: "    ")
    }

    static func inviteFields(_ invite: AdminInvite) -> AdminFields {
        var fields = AdminFields()
        fields.append("Invite", invite.id)
        fields.append("Email", invite.email)
        fields.append("Accounts", AdminText.accounts(invite.accounts))
        fields.append("Status", invite.status)
        fields.append("Created", AdminText.time(invite.createdAt))
        fields.append("Expires", AdminText.time(invite.expiresAt))
        if let usedAt = invite.usedAt { fields.append("Used", AdminText.time(usedAt)) }
        if let user = invite.user { fields.append("User", user) }
        if let revokedAt = invite.revokedAt { fields.append("Revoked", AdminText.time(revokedAt)) }
        return fields
    }

    static func inviteTable(_ invites: [AdminInvite]) -> String {
        guard !invites.isEmpty else { return "No invites.\n" }
        var table = AdminTable(headers: ["ID", "EMAIL", "STATUS", "ACCOUNTS", "CREATED", "EXPIRES"])
        for invite in invites {
            table.append([
                invite.id, invite.email, invite.status, AdminText.accounts(invite.accounts),
                AdminText.time(invite.createdAt), AdminText.time(invite.expiresAt),
            ])
        }
        return table.render()
    }

    static func userTable(_ users: [AdminUser]) -> String {
        guard !users.isEmpty else { return "No users.\n" }
        var table = AdminTable(headers: ["ID", "EMAIL", "STATUS", "ACCOUNTS", "SESSIONS", "CREATED"])
        for user in users {
            table.append([
                user.id, user.email, user.status, AdminText.accounts(user.accounts), String(user.sessions),
                AdminText.time(user.createdAt),
            ])
        }
        return table.render()
    }

    static func accountTable(_ accounts: [AdminAccount]) -> String {
        guard !accounts.isEmpty else { return "No accounts.\n" }
        var table = AdminTable(headers: ["ID", "NAME", "MEMBERS", "CREATED"])
        for account in accounts {
            table.append([account.id, account.name, String(account.members), AdminText.time(account.createdAt)])
        }
        return table.render()
    }

    static func userFields(_ user: AdminUser, mfa: AdminMFAStatus?) -> AdminFields {
        var fields = AdminFields()
        fields.append("User", user.id)
        fields.append("Email", user.email)
        fields.append("Status", user.status)
        fields.append("Accounts", AdminText.accounts(user.accounts))
        fields.append("Created", AdminText.time(user.createdAt))
        fields.append("Sessions", String(user.sessions))
        guard let mfa else {
            fields.append("MFA", "unknown (vault unavailable)")
            return fields
        }
        var state = mfa.enrolled ? "enrolled" : "not set up"
        if mfa.pending { state += ", setup in progress" }
        if mfa.locked { state += ", codes locked" }
        fields.append("MFA", state)
        if let phone = mfa.phoneMasked {
            let country = mfa.phoneCountryName.map { " (\($0))" } ?? ""
            fields.append("Phone", phone + country)
        } else {
            fields.append("Phone", "none")
        }
        fields.append("SMS recovery", smsRecovery(mfa.smsRecovery))
        if let left = mfa.backupCodesLeft {
            fields.append("Backup codes", left == 0 ? "none left" : "\(left) left")
        }
        if let passkeys = mfa.passkeys {
            fields.append("Passkeys", passkeys == 0 ? "none" : "\(passkeys)")
        }
        return fields
    }

    static func smsRecovery(_ value: String) -> String {
        switch value {
        case "available": "available"
        case "no_phone": "not possible: no phone on file"
        case "unsupported_country": "not possible: SMS is not sent to this phone's country"
        case "unsupported_number": "not possible: not a geographic number"
        default: value
        }
    }

    private static func name(_ user: AdminUser) -> String {
        "\(AdminText.sanitized(user.email)) (\(AdminText.sanitized(user.id)))"
    }
}
