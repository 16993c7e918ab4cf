import Testing

@testable import TwofoldProcess

private let parser = CommandLineParser(
    command: "secret-vault",
    summary: "Stores TOTP seeds.",
    options: [
        .value("socket", placeholder: "path", environment: "VAULT_SOCKET", default: "/run/vault.sock", help: "Socket."),
        .value("workers", placeholder: "n", help: "Workers."),
        .value("timeout", placeholder: "duration", default: "5s", help: "Timeout."),
        .flag("fresh", environment: "FRESH", help: "Use a temporary data folder."),
    ])

private func run(_ arguments: [String], environment: [String: String] = [:]) throws -> ParsedOptions {
    guard case .run(let options) = try parser.parse(arguments, environment: environment) else {
        Issue.record("expected options, got help")
        return ParsedOptions(values: [:])
    }
    return options
}

@Test func parse_whenNothingGiven_usesDefaults() throws {
    let options = try run([])
    #expect(options.string("socket") == "/run/vault.sock")
    #expect(options.string("workers") == nil)
    #expect(options.flag("fresh") == false)
}

@Test func parse_commandLineBeatsEnvironmentBeatsDefault() throws {
    let environment = ["VAULT_SOCKET": "/env.sock", "FRESH": "true"]
    #expect(try run([], environment: environment).string("socket") == "/env.sock")
    #expect(try run([], environment: environment).flag("fresh"))
    #expect(try run(["--socket", "/cli.sock"], environment: environment).string("socket") == "/cli.sock")
    #expect(try run(["--socket=/eq.sock"], environment: environment).string("socket") == "/eq.sock")
    #expect(try run(["--fresh=false"], environment: environment).flag("fresh") == false)
}

@Test func parse_whenHelpRequested_returnsUsageWithEveryOption() throws {
    for flag in ["-h", "--help"] {
        guard case .help(let text) = try parser.parse(["--workers", "2", flag]) else {
            Issue.record("expected help")
            continue
        }
        #expect(text.hasPrefix("Usage: secret-vault [options]"))
        for name in ["--socket <path>", "--workers <n>", "--fresh", "[env: VAULT_SOCKET]", "(default: 5s)"] {
            #expect(text.contains(name))
        }
    }
}

@Test(arguments: [
    (["--nope"], "usage.unknown_option"),
    (["-x"], "usage.unknown_option"),
    (["--workers"], "usage.missing_value"),
    (["stray"], "usage.unexpected_argument"),
    (["--fresh=maybe"], "usage.invalid_value"),
])
func parse_whenArgumentsAreBad_throwsUsageError(arguments: [String], code: String) {
    do {
        _ = try parser.parse(arguments)
        Issue.record("expected \(code)")
    } catch {
        #expect(error.stableCode == code)
        #expect(error.exitStatus == 64)
        #expect(!error.message.contains("\n"))
    }
}

@Test func int_whenOutOfRangeOrNotANumber_throwsWithoutEchoingTheValue() throws {
    #expect(try run(["--workers", "4"]).int("workers", in: 1...64) == 4)
    for bad in ["0", "65", "four", "4x"] {
        #expect(throws: ProcessError.self) { try run(["--workers", bad]).int("workers", in: 1...64) }
        do {
            _ = try run(["--workers", bad]).int("workers", in: 1...64)
        } catch let error as ProcessError {
            #expect(!error.message.contains(bad))
        }
    }
}

@Test(arguments: [
    ("500ms", Duration.milliseconds(500)), ("30s", .seconds(30)), ("10m", .seconds(600)),
    ("12h", .seconds(43_200)), ("7d", .seconds(604_800)), ("0s", .zero),
])
func duration_parsesEveryUnit(text: String, expected: Duration) {
    #expect(ParsedOptions.parseDuration(text) == expected)
}

@Test(arguments: ["", "5", "s", "-5s", "5 s", "1.5s", "99999999999999999999d", "5w"])
func duration_whenMalformed_isRejected(text: String) {
    #expect(ParsedOptions.parseDuration(text) == nil)
}

@Test func positionals_areCollectedAfterDoubleDash() throws {
    let withPositionals = CommandLineParser(command: "twofold qr", summary: "", options: [], positionals: ["text"])
    guard case .run(let options) = try withPositionals.parse(["a", "--", "--b"]) else {
        Issue.record("expected run")
        return
    }
    #expect(options.positionals == ["a", "--b"])
}
