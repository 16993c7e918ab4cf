import Testing
import TwofoldSystem
import TwofoldWire

@testable import TwofoldCLI

#if canImport(Glibc)
    import Glibc
#endif

private func run(_ arguments: [String], _ transport: any AdminTransport) -> AdminCommand.Output {
    AdminCommand.execute(arguments, environment: [:]) { _ in transport }
}

@Test func serverErrorCodes_mapToTheirExitStatuses_andPrintTheServersMessage() {
    let cases: [(String, Int32)] = [
        ("admin.invalid", 65), ("request.invalid", 65), ("admin.not_found", 66), ("vault.unavailable", 69),
        ("unavailable", 69), ("admin.conflict", 73), ("invite.not_pending", 73), ("peer.forbidden", 77),
        ("internal", 70), ("op.unknown", 70), ("version.unsupported", 70), ("some.future_code", 70),
        ("storage.failed", 74), ("server.busy", 69), ("admin.cursor_expired", 69),
    ]
    for (code, status) in cases {
        let payload = WireErrorPayload(code: code, message: "Message for \(code).", detail: "user")
        let output = run(["user", "show", "u-1"], StubTransport(.failure(.server(payload))))
        #expect(output.status == status, "\(code)")
        #expect(output.standardError == "twofold: Message for \(code).\n", "\(code)")
        #expect(output.standardOutput.isEmpty)
    }
}

@Test func serverMessage_withControlCharacters_isSanitizedBeforeReachingTheTerminal() {
    let payload = WireErrorPayload(code: "admin.invalid", message: "bad \u{1B}[31mname\u{7}")
    #expect(AdminError.server(payload).message == "bad ?[31mname?")
}

@Test func connectFailures_mapByErrno() {
    let cases: [(Int32, Int32, String)] = [
        (EACCES, 77, "permission denied: run as root or as a member of the admin group"),
        (EPERM, 77, "permission denied: run as root or as a member of the admin group"),
        (ENOENT, 69, "is auth-gateway running?"), (ECONNREFUSED, 69, "is auth-gateway running?"),
        (ETIMEDOUT, 69, "cannot reach the gateway at /s.sock"), (EAGAIN, 69, "cannot reach the gateway at /s.sock"),
        (ENAMETOOLONG, 64, "longer than 107 bytes"), (EINVAL, 64, "not a usable socket path"),
    ]
    for (errno, status, fragment) in cases {
        let error = AdminError.connectFailed(path: "/s.sock", error: SystemError(call: "connect", errno: errno))
        #expect(error.exitStatus == status, "errno \(errno)")
        #expect(error.message.contains(fragment), "errno \(errno): \(error.message)")
    }
}

@Test func localFailures_haveTheirStatuses() {
    #expect(AdminError.noAnswer(path: "/s.sock").exitStatus == 69)
    #expect(AdminError.unexpectedAnswer("x").exitStatus == 70)
    #expect(AdminError.local("x").exitStatus == 70)
    #expect(AdminError.usage("x").exitStatus == 64)
    #expect(run(["user", "list"], StubTransport(.failure(.noAnswer(path: "/s.sock")))).status == 69)
}

@Test func resultMissingAField_isAnUnexpectedAnswer_withStatus70_namingTheField() {
    let output = run(["user", "list"], StubTransport(result: ["users": .array([.object(["id": "u-1"])])]))
    #expect(output.status == 70)
    #expect(output.standardError.contains("result.users[0].email"))
    #expect(output.standardOutput.isEmpty)
}

@Test func json_printsTheResultAsOneLineOfCanonicalJSON_thatParsesBack() throws {
    let result: [String: JSONValue] = ["users": .array([Fixtures.user(), Fixtures.user(email: "zoë@example.com")])]
    let output = run(["user", "list", "--json"], StubTransport(result: result))
    #expect(output.status == 0)
    #expect(output.standardOutput.hasSuffix("}\n"))
    #expect(output.standardOutput.filter { $0 == "\n" }.count == 1)
    #expect(try JSONValue.parse(Array(output.standardOutput.utf8)) == .object(result))
    #expect(output.standardOutput.hasPrefix("{\"users\":[{\"accounts\":[{\"id\":\"a-00112233aabbccdd\""))
}

@Test func json_worksForEveryCommand_evenWithoutTextRendering() throws {
    // `invite import` reads a file and reports per row (InviteImportTests).
    // The listings fetch every page and print one list (AdminListingTests).
    let listings: Set<AdminAction> = [.inviteList, .userList, .accountList]
    for action in AdminAction.allCases where action != .inviteImport && !listings.contains(action) {
        var arguments = action.rawValue.split(separator: " ").map(String.init) + action.positionals + ["--json"]
        for option in action.options where option.required { arguments += ["--\(option.name)", "x"] }
        let output = run(arguments, StubTransport(result: ["anything": 1]))
        #expect(output.status == 0, "\(action)")
        #expect(output.standardOutput == "{\"anything\":1}\n", "\(action)")
    }
}

@Test func inviteCreate_printsTheLinkAndPasswordOnce_withShownOnceWording() throws {
    let transport = StubTransport(result: [
        "invite": Fixtures.invite(), "link": "https://login.example.com/invite/tok_abc",
        "temporary_password": "Wobbly-Lantern-42",
    ])
    let output = run(["invite", "create", "--email", "bob@example.com", "--account", "Acme"], transport)
    #expect(output.status == 0)
    let text = output.standardOutput
    #expect(text.hasPrefix("Invite i-8899aabbccddeeff created for bob@example.com.\n"))
    #expect(text.contains("Shown once"))
    #expect(text.contains("    Invite link:         https://login.example.com/invite/tok_abc\n"))
    #expect(text.contains("    Temporary password:  Wobbly-Lantern-42\n"))
    #expect(text.components(separatedBy: "Wobbly-Lantern-42").count == 2)
    #expect(text.contains("Expires:   2026-01-08 00:00 UTC\n"))
    #expect(transport.requests.withLock { $0.map(\.operation) } == ["invite.create"])
}

@Test func userShow_withoutVault_saysMFAIsUnknown() throws {
    let output = run(["user", "show", "u-1"], StubTransport(result: ["user": Fixtures.user(), "mfa": .null]))
    #expect(output.status == 0)
    #expect(output.standardOutput.contains("MFA:       unknown (vault unavailable)\n"))
    #expect(!output.standardOutput.contains("Phone"))
}

@Test func userShow_withVaultStatus_showsMFAPhoneAndRecovery() throws {
    let output = run(["user", "show", "u-1"], StubTransport(result: ["user": Fixtures.user(), "mfa": Fixtures.mfa]))
    #expect(
        output.standardOutput == """
            User:          u-0123456789abcdef01234567
            Email:         ann@example.com
            Status:        active
            Accounts:      Acme
            Created:       2026-01-01 00:00 UTC
            Sessions:      1
            MFA:           enrolled
            Phone:         +1 ••••••••71 (United States)
            SMS recovery:  available

            """)
}

@Test func userShow_withBackupCodesCounted_showsHowManyAreLeft() throws {
    guard case .object(var mfa) = Fixtures.mfa else { return }
    for (left, shown) in [(7, "7 left"), (0, "none left")] {
        mfa["backup_codes_left"] = .integer(Int64(left))
        let output = run(
            ["user", "show", "u-1"], StubTransport(result: ["user": Fixtures.user(), "mfa": .object(mfa)]))
        #expect(output.status == 0)
        #expect(output.standardOutput.hasSuffix("SMS recovery:  available\nBackup codes:  \(shown)\n"))
    }
}

@Test func otherCommands_printAOneLineConfirmation() throws {
    let user = Fixtures.user()
    let cases: [([String], [String: JSONValue], String)] = [
        (["user", "disable", "u-1"], ["user": user], "User ann@example.com (u-0123456789abcdef01234567) disabled"),
        (["user", "enable", "u-1"], ["user": user], "User ann@example.com (u-0123456789abcdef01234567) enabled.\n"),
        (["user", "reset-mfa", "u-1", "--reason", "r"], ["user": user], "set up an authenticator at their next login"),
        (
            ["account", "create", "Acme"], ["account": Fixtures.account(members: 0)],
            "Account a-00112233aabbccdd created: Acme\n"
        ),
        (["account", "rename", "Acme", "Beta"], ["account": Fixtures.account(name: "Beta")], "now named Beta\n"),
        (
            ["account", "add-member", "Acme", "u-1"], ["account": Fixtures.account(), "user": user],
            "ann@example.com (u-0123456789abcdef01234567) is now a member of Acme (2 members).\n"
        ),
        (
            ["account", "remove-member", "Acme", "u-1"], ["account": Fixtures.account(members: 1), "user": user],
            "is no longer a member of Acme (1 member).\n"
        ),
        (["invite", "revoke", "i-1"], ["invite": Fixtures.invite(status: "revoked")], "Status:    revoked\n"),
    ]
    for (arguments, result, fragment) in cases {
        let output = run(arguments, StubTransport(result: result))
        #expect(output.status == 0, "\(arguments)")
        #expect(output.standardOutput.contains(fragment), "\(arguments): \(output.standardOutput)")
    }
}

@Test func userResetPassword_printsTheLinkOnce_andSaysTheSecondFactorIsStillNeeded() throws {
    let link = "https://login.example.com/reset/Qx7vJ2mN9pR4sT6wY8zA1bC3dE5fG7hK9mN2pQ4rS6t"
    let output = run(
        ["user", "reset-password", "ann@example.com", "--reason", "forgot it, called back"],
        StubTransport(result: ["user": Fixtures.user(), "link": .string(link), "expires_at": 1_767_312_000_000]))
    #expect(output.status == 0)
    #expect(
        output.standardOutput.hasPrefix(
            "Password-reset link created for ann@example.com (u-0123456789abcdef01234567). It works once, until "
                + "2026-01-02 00:00 UTC"))
    #expect(output.standardOutput.contains("Shown once"))
    #expect(output.standardOutput.contains("they still log in with their authenticator app"))
    #expect(output.standardOutput.hasSuffix("    Reset link:  \(link)\n"))
    #expect(output.standardOutput.components(separatedBy: link).count == 2)
}

@Test func userResetPassword_needsAReason() {
    let output = run(["user", "reset-password", "ann@example.com"], StubTransport(result: [:]))
    #expect(output.status == 64)
    #expect(output.standardError.contains("needs --reason"))
}

@Test func lists_renderAlignedTables_orSayTheyAreEmpty() throws {
    let accounts = run(
        ["account", "list"],
        StubTransport(result: [
            "accounts": .array([Fixtures.account(), Fixtures.account(name: "Beta Industries", members: 12)])
        ]))
    #expect(
        accounts.standardOutput == """
            ID                  NAME             MEMBERS  CREATED
            a-00112233aabbccdd  Acme             2        2026-01-01 00:00 UTC
            a-00112233aabbccdd  Beta Industries  12       2026-01-01 00:00 UTC

            """)
    let invites = run(["invite", "list"], StubTransport(result: ["invites": .array([Fixtures.invite()])]))
    #expect(invites.standardOutput.hasPrefix("ID                  EMAIL            STATUS   ACCOUNTS  CREATED"))
    let users = run(["user", "list"], StubTransport(result: ["users": .array([Fixtures.user()])]))
    #expect(users.standardOutput.contains("u-0123456789abcdef01234567  ann@example.com  active  Acme      1 "))
    #expect(run(["user", "list"], StubTransport(result: ["users": .array([])])).standardOutput == "No users.\n")
    #expect(run(["invite", "list"], StubTransport(result: ["invites": .array([])])).standardOutput == "No invites.\n")
    #expect(
        run(["account", "list"], StubTransport(result: ["accounts": .array([])])).standardOutput == "No accounts.\n")
}

@Test func userShow_withPasskeysCounted_showsHowMany() throws {
    guard case .object(var mfa) = Fixtures.mfa else { return }
    mfa["backup_codes_left"] = .integer(3)
    for (count, shown) in [(2, "2"), (0, "none")] {
        mfa["passkeys"] = .integer(Int64(count))
        let output = run(
            ["user", "show", "u-1"], StubTransport(result: ["user": Fixtures.user(), "mfa": .object(mfa)]))
        #expect(output.status == 0)
        #expect(output.standardOutput.hasSuffix("Backup codes:  3 left\nPasskeys:      \(shown)\n"))
    }
}
