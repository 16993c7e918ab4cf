import Foundation

/// `twofold invite|user|account …`: the operator's administration commands, each one request on
/// the gateway's admin socket (see protocol/admin.md). Prints text for people or, with `--json`,
/// the result object for scripts; failures go to stderr as `twofold: <message>` with a
/// sysexits(3) status (see `AdminError.exitStatus`).
public enum AdminCommand {
    /// What a run printed and how it ended; `run` writes it out, tests inspect it.
    public struct Output: Sendable, Equatable {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
    }

    /// Runs with the process environment against the real admin socket.
    public static func run(_ arguments: [String]) -> Int32 {
        let output = execute(
            arguments, environment: ProcessInfo.processInfo.environment,
            flush: { out, err in
                if !out.isEmpty { FileHandle.standardOutput.write(Data(out.utf8)) }
                if !err.isEmpty { FileHandle.standardError.write(Data(err.utf8)) }
            }
        ) { AdminClient(path: $0) }
        if !output.standardOutput.isEmpty { FileHandle.standardOutput.write(Data(output.standardOutput.utf8)) }
        if !output.standardError.isEmpty { FileHandle.standardError.write(Data(output.standardError.utf8)) }
        return output.status
    }

    /// - Parameters:
    ///   - arguments: everything after the program name (`invite list --json`, `--admin-socket P user show x`).
    ///   - connect: makes the transport for the chosen socket path.
    ///   - flush: for commands that print as they go (`invite import`), receives stdout and
    ///     stderr text as it is produced; without it everything is in the returned output.
    public static func execute(
        _ arguments: [String], environment: [String: String],
        flush: (@Sendable (String, String) -> Void)? = nil, connect: (String) -> any AdminTransport
    ) -> Output {
        let invocation: AdminInvocation
        let request: AdminRequest
        do {
            switch try AdminInvocation.parse(arguments, environment: environment) {
            case .help(let text): return Output(status: 0, standardOutput: text, standardError: "")
            case .run(let parsed): invocation = parsed
            }
            request = try AdminRequest(invocation)
        } catch {
            return failure(error)
        }
        if invocation.action == .inviteImport {
            return InviteImport.run(invocation, transport: connect(invocation.socketPath), flush: flush)
        }
        let result: AdminResult
        switch connect(invocation.socketPath).perform(request) {
        case .success(let value): result = value
        case .failure(let error): return failure(error)
        }
        if invocation.json {
            return Output(status: 0, standardOutput: result.json + "\n", standardError: "")
        }
        do {
            return Output(
                status: 0, standardOutput: try AdminRenderer.render(invocation.action, result), standardError: "")
        } catch {
            return failure(error)
        }
    }

    static func failure(_ error: AdminError) -> Output {
        Output(status: error.exitStatus, standardOutput: "", standardError: "twofold: \(error.message)\n")
    }
}
