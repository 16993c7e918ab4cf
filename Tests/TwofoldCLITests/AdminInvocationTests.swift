import Testing
import TwofoldWire

@testable import TwofoldCLI

private func parsed(_ arguments: [String], environment: [String: String] = [:]) throws -> AdminInvocation {
    guard case .run(let invocation) = try AdminInvocation.parse(arguments, environment: environment) else {
        throw AdminError.local("expected a command, got help")
    }
    return invocation
}

private func usageError(_ arguments: [String]) -> AdminError? {
    do {
        _ = try AdminInvocation.parse(arguments)
        return nil
    } catch {
        return error
    }
}

private func helpText(_ arguments: [String]) throws -> String? {
    guard case .help(let text) = try AdminInvocation.parse(arguments) else { return nil }
    return text
}

@Test func adminSocket_isAcceptedBeforeTheGroup_betweenTheWords_andAfterTheCommand() throws {
    #expect(try parsed(["--admin-socket", "/a.sock", "user", "list"]).socketPath == "/a.sock")
    #expect(try parsed(["user", "--admin-socket", "/b.sock", "list"]).socketPath == "/b.sock")
    #expect(try parsed(["user", "list", "--admin-socket=/c.sock"]).socketPath == "/c.sock")
}

@Test func adminSocket_fallsBackToTheEnvironment_thenToTheDefault() throws {
    let environment = [AdminInvocation.socketEnvironmentVariable: "/env.sock"]
    #expect(try parsed(["user", "list"], environment: environment).socketPath == "/env.sock")
    #expect(
        try parsed(["user", "list", "--admin-socket", "/x.sock"], environment: environment).socketPath == "/x.sock")
    #expect(try parsed(["user", "list"]).socketPath == "/run/twofold-gateway/admin.sock")
    let empty = [AdminInvocation.socketEnvironmentVariable: ""]
    #expect(try parsed(["user", "list"], environment: empty).socketPath == "/run/twofold-gateway/admin.sock")
}

@Test func inviteCreate_collectsRepeatedAccountsInOrder_andConvertsExpiresToMilliseconds() throws {
    let invocation = try parsed([
        "invite", "create", "--email", "ann@example.com", "--account", "Acme", "--account=a-0011223344556677",
        "--expires", "7d", "--json",
    ])
    #expect(invocation.json)
    let request = try AdminRequest(invocation)
    #expect(request.operation == "invite.create")
    #expect(
        request.args == [
            "email": "ann@example.com", "accounts": .array(["Acme", "a-0011223344556677"]), "ttl_ms": 604_800_000,
        ])
}

@Test func inviteCreate_withoutAccountsOrExpiry_sendsAnEmptyListAndNoTTL() throws {
    let request = try AdminRequest(try parsed(["invite", "create", "--email", "ann@example.com"]))
    #expect(request.args == ["email": "ann@example.com", "accounts": .array([])])
}

@Test func expires_acceptsMinutesHoursAndDays_andRejectsOtherText() throws {
    #expect(try AdminRequest.milliseconds("30m") == 1_800_000)
    #expect(try AdminRequest.milliseconds("12h") == 43_200_000)
    #expect(try AdminRequest.milliseconds("90d") == 7_776_000_000)
    for bad in ["7 days", "d", "-1d", "", "1w", "99999999999999999999d"] {
        #expect(throws: AdminError.self) { try AdminRequest.milliseconds(bad) }
        #expect((try? AdminRequest.milliseconds(bad)) == nil)
    }
    let error = AdminCommand.execute(
        ["invite", "create", "--email", "a@b.example", "--expires", "soon"], environment: [:]
    ) { _ in UnusedTransport() }
    #expect(error.status == 64)
}

@Test func everyCommand_buildsItsOperationAndArguments() throws {
    let cases: [([String], String, [String: JSONValue])] = [
        (["invite", "list"], "invite.list", [:]),
        (["invite", "revoke", "i-1"], "invite.revoke", ["invite": "i-1"]),
        (["user", "list"], "user.list", [:]),
        (["user", "show", "ann@example.com"], "user.show", ["user": "ann@example.com"]),
        (["user", "disable", "u-1"], "user.disable", ["user": "u-1"]),
        (["user", "enable", "u-1"], "user.enable", ["user": "u-1"]),
        (
            ["user", "reset-mfa", "u-1", "--reason", "lost phone; video call"], "user.reset_mfa",
            ["user": "u-1", "reason": "lost phone; video call"]
        ),
        (["account", "create", "Acme Corp"], "account.create", ["name": "Acme Corp"]),
        (["account", "list"], "account.list", [:]),
        (["account", "rename", "Acme", "Acme Inc"], "account.rename", ["account": "Acme", "name": "Acme Inc"]),
        (["account", "add-member", "Acme", "u-1"], "member.add", ["account": "Acme", "user": "u-1"]),
        (
            ["account", "remove-member", "a-1", "ann@example.com"], "member.remove",
            ["account": "a-1", "user": "ann@example.com"]
        ),
    ]
    for (arguments, operation, args) in cases {
        let request = try AdminRequest(try parsed(arguments))
        #expect(request.operation == operation, "\(arguments)")
        #expect(request.args == args, "\(arguments)")
        #expect(request.args["actor"] == nil)
    }
    // invite.create has its own test; invite.import sends batches read from a file (InviteImportTests).
    #expect(Set(cases.map { $0.1 } + ["invite.create", "invite.import"]).count == AdminAction.allCases.count)
}

@Test func doubleDash_letsANameStartWithADash() throws {
    let invocation = try parsed(["account", "create", "--json", "--", "-weird-"])
    #expect(invocation.positionals == ["-weird-"])
    #expect(invocation.json)
}

@Test func usageErrors_nameTheProblem_andExitWith64() {
    let cases: [([String], String)] = [
        ([], "missing command"),
        (["--admin-socket", "/a.sock", "frobnicate"], "unknown command 'frobnicate'"),
        (["user"], "'twofold user' needs a command"),
        (["user", "delete", "u-1"], "unknown user command 'delete'"),
        (["invite", "create"], "needs --email"),
        (["user", "reset-mfa", "u-1"], "needs --reason"),
        (["user", "show"], "needs USER"),
        (["account", "rename", "Acme"], "needs NEW_NAME"),
        (["user", "show", "u-1", "u-2"], "unexpected argument 'u-2'"),
        (["user", "list", "--verbose"], "unknown option '--verbose'"),
        (["user", "list", "-v"], "unknown option '-v'"),
        (["user", "list", "--email", "a@b.example"], "option '--email' does not apply to 'twofold user list'"),
        (["invite", "create", "--email", "a@b.example", "--email", "c@d.example"], "is given more than once"),
        (["user", "list", "--admin-socket"], "option '--admin-socket' needs a value"),
        (["user", "list", "--json=yes"], "unknown option '--json'"),
    ]
    for (arguments, fragment) in cases {
        let error = usageError(arguments)
        #expect(error?.exitStatus == 64, "\(arguments)")
        #expect(error?.message.contains(fragment) == true, "\(arguments): \(error?.message ?? "no error")")
    }
}

@Test func usageErrors_neverEchoOptionValues() {
    let error = usageError(["user", "list", "--reason", "my secret reason"])
    #expect(error?.message.contains("secret") == false)
}

@Test func help_atEachLevel_describesThatLevel() throws {
    let overview = try #require(try helpText(["--help"]))
    #expect(overview.contains("twofold invite create --email EMAIL [--account ACCOUNT]..."))
    #expect(overview.contains("twofold account remove-member ACCOUNT USER"))
    let group = try #require(try helpText(["user", "-h"]))
    #expect(group.hasPrefix("Usage: twofold user <command>"))
    #expect(group.contains("twofold user reset-mfa USER --reason TEXT"))
    #expect(!group.contains("invite create"))
    let action = try #require(try helpText(["invite", "create", "--help"]))
    #expect(action.hasPrefix("Usage: twofold invite create --email EMAIL"))
    #expect(action.contains("--expires <DURATION>"))
    #expect(action.contains("TWOFOLD_ADMIN_SOCKET"))
    for text in [overview, group, action] {
        #expect(!text.split(separator: "\n").contains { $0.hasSuffix(" ") })
    }
}

@Test func help_winsOverOtherwiseBadArguments() throws {
    #expect(try helpText(["user", "show", "--bogus", "--help"])?.hasPrefix("Usage: twofold user show USER") == true)
    #expect(try helpText(["user", "nope", "--help"])?.hasPrefix("Usage: twofold user <command>") == true)
    #expect(try helpText(["--help", "--admin-socket"]) != nil)
}

@Test func help_isPrintedToStandardOutput_withStatus0() {
    let output = AdminCommand.execute(["account", "--help"], environment: [:]) { _ in UnusedTransport() }
    #expect(output.status == 0)
    #expect(output.standardOutput.hasPrefix("Usage: twofold account"))
    #expect(output.standardError.isEmpty)
}
