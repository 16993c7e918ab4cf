import Foundation
import TwofoldWire

/// `twofold invite import FILE`: reads the people to invite (`InviteImportFile`), sends them to
/// the gateway's `invite.import` in batches, and reports every row: one line on stderr per
/// refused row, and the link and temporary password of every created invite exactly once, to
/// the `--output` file (created new, mode 0600) or to stdout. Secrets are written after each
/// batch, so what was created before an interruption is never lost.
///
/// When a batch gets no answer, whether its invites were created is unknown: the import stops
/// and says so (and which lines), instead of retrying into duplicates.
enum InviteImport {
    static let defaultBatch = 200
    /// Bytes of rows per request, well under the admin socket's 1 MiB frame.
    static let batchBytes = 512 * 1024

    /// - Parameter flush: when given, receives what is written to stdout and stderr after each
    ///   batch (the real command prints at once, so a killed import has shown what it created);
    ///   otherwise everything is returned in the output.
    static func run(
        _ invocation: AdminInvocation, transport: any AdminTransport, flush: (@Sendable (String, String) -> Void)?
    ) -> AdminCommand.Output {
        var run = Run(invocation: invocation, flush: flush)
        let status = run.perform(transport)
        run.flushNow()
        return AdminCommand.Output(status: status, standardOutput: run.out, standardError: run.err)
    }

    private struct Run {
        let invocation: AdminInvocation
        let flush: (@Sendable (String, String) -> Void)?
        var out = ""
        var err = ""
        var secrets: SecretsOutput?
        var created = 0
        var refused = 0

        init(invocation: AdminInvocation, flush: (@Sendable (String, String) -> Void)?) {
            self.invocation = invocation
            self.flush = flush
        }

        mutating func flushNow() {
            guard let flush, !(out.isEmpty && err.isEmpty) else { return }
            flush(out, err)
            out = ""
            err = ""
        }

        mutating func perform(_ transport: any AdminTransport) -> Int32 {
            let path = invocation.positionals.first ?? ""
            let rows: [InviteImportFile.Row]
            let batchSize: Int
            var ttl: Int64?
            do throws(AdminError) {
                guard let format = try Self.format(invocation, path: path) else {
                    throw AdminError.usage(
                        "cannot tell the format of '\(AdminText.sanitized(path))': name it .csv or .jsonl, or pass --format"
                    )
                }
                batchSize = try Self.batchSize(invocation)
                if let expires = invocation.value("expires") { ttl = try AdminRequest.milliseconds(expires) }
                let parsed = try InviteImportFile.parse(try Self.read(path), format: format)
                rows = parsed.rows
                for refusal in parsed.refused {
                    err += "twofold: line \(refusal.line): \(AdminText.sanitized(refusal.message))\n"
                }
                refused = parsed.refused.count
                if let output = invocation.value("output") {
                    secrets = try SecretsOutput(creating: output, json: invocation.json)
                } else {
                    secrets = SecretsOutput(json: invocation.json)
                }
            } catch {
                return fail(error)
            }
            guard let header = secrets?.header else { return fail(.local("no output for the secrets")) }
            emit(header)

            var start = 0
            while start < rows.count {
                let batch = Self.nextBatch(rows, from: start, limit: batchSize)
                var args: [String: JSONValue] = [
                    "invites": .array(batch.map { Self.requestRow($0) })
                ]
                if let ttl { args["ttl_ms"] = .integer(ttl) }
                switch transport.perform(AdminRequest(operation: "invite.import", args: args)) {
                case .success(let result):
                    if let error = record(result, for: batch) { return finish(failure: error) }
                    flushNow()
                case .failure(let error) where error.isOutcomeUnknown:
                    let lines = "lines \(batch.first?.line ?? 0)–\(batch.last?.line ?? 0)"
                    return finish(
                        failure: error.outcomeUnknown(
                            "the gateway did not answer; whether the invites of \(lines) were created is unknown: "
                                + "check 'twofold invite list' before importing those lines again"))
                case .failure(let error):
                    let lines = "lines \(batch.first?.line ?? 0)–\(batch.last?.line ?? 0)"
                    return finish(failure: error.prefixed("nothing was created for \(lines)"))
                }
                start += batch.count
            }
            return finish(failure: nil)
        }

        /// Writes each row's outcome; returns an error when the answer does not fit the batch.
        private mutating func record(_ result: AdminResult, for batch: [InviteImportFile.Row]) -> AdminError? {
            guard case .array(let results)? = result.members["results"], results.count == batch.count else {
                return .unexpectedAnswer("invite.import did not answer one result per row")
            }
            for (row, value) in zip(batch, results) {
                guard case .object(let fields) = value else {
                    return .unexpectedAnswer("invite.import answered a row with something other than an object")
                }
                if case .object(let error)? = fields["error"] {
                    refused += 1
                    let message = error["message"].flatMap { if case .string(let text) = $0 { text } else { nil } }
                    err +=
                        "twofold: line \(row.line): \(AdminText.sanitized(row.email)): "
                        + AdminText.sanitized(message ?? "refused") + "\n"
                    if invocation.json {
                        emit(
                            Self.jsonLine([
                                "line": .integer(Int64(row.line)), "email": .string(row.email), "error": .object(error),
                            ]))
                    }
                    continue
                }
                guard case .string(let link)? = fields["link"],
                    case .string(let password)? = fields["temporary_password"],
                    case .object(let invite)? = fields["invite"], case .string(let id)? = invite["id"]
                else { return .unexpectedAnswer("invite.import answered a row without its link or password") }
                created += 1
                var written: Bool
                if invocation.json {
                    var line = fields
                    line["line"] = .integer(Int64(row.line))
                    line["email"] = .string(row.email)
                    written = emit(Self.jsonLine(line))
                } else {
                    // The email as the gateway stored it (trimmed, lower-cased): what the person signs up with.
                    let email = invite["email"].flatMap { if case .string(let text) = $0 { text } else { nil } }
                    written = emit(
                        [String(row.line), email ?? row.email, id, link, password].map(Self.csvField)
                            .joined(separator: ",") + "\n")
                }
                if !written {
                    return .local(
                        "the invite of line \(row.line) (\(id)) was created but its link could not be written: "
                            + "revoke it with 'twofold invite revoke \(id)' and import the line again")
                }
            }
            return nil
        }

        /// Writes secrets (or a result line); false when the output file refused them.
        @discardableResult
        private mutating func emit(_ text: String) -> Bool {
            guard let secrets else { return false }
            if secrets.file == nil {
                out += text
                return true
            }
            if let error = secrets.write(text) {
                err += "twofold: \(error.message)\n"
                return false
            }
            return true
        }

        private mutating func finish(failure: AdminError?) -> Int32 {
            if let failure { err += "twofold: \(failure.message)\n" }
            secrets?.close()
            var summary =
                "Created \(created) invite\(created == 1 ? "" : "s"); refused \(refused) row\(refused == 1 ? "" : "s")."
            if created > 0 {
                summary +=
                    secrets?.path.map { " Links and temporary passwords are in \($0) (mode 0600)" }
                    ?? " Links and temporary passwords are above"
                summary += ", shown nowhere else: send each to its person, the two by separate channels."
            }
            err += summary + "\n"
            if let failure { return failure.exitStatus }
            return refused > 0 ? AdminError.dataError("").exitStatus : 0
        }

        private mutating func fail(_ error: AdminError) -> Int32 {
            err += "twofold: \(error.message)\n"
            return error.exitStatus
        }

        static func format(_ invocation: AdminInvocation, path: String) throws(AdminError) -> InviteImportFile.Format? {
            guard let name = invocation.value("format") else { return InviteImportFile.format(ofPath: path) }
            guard let format = InviteImportFile.Format(rawValue: name.lowercased()) else {
                throw AdminError.usage("--format is csv or jsonl")
            }
            return format
        }

        static func batchSize(_ invocation: AdminInvocation) throws(AdminError) -> Int {
            guard let text = invocation.value("batch") else { return InviteImport.defaultBatch }
            guard let size = Int(text), (1...1000).contains(size) else {
                throw AdminError.usage("--batch is a number of rows from 1 to 1000")
            }
            return size
        }

        static func read(_ path: String) throws(AdminError) -> [UInt8] {
            let handle: FileHandle
            do {
                handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            } catch {
                throw AdminError.noInput("cannot read '\(AdminText.sanitized(path))'")
            }
            defer { try? handle.close() }
            let data: Data?
            do {
                data = try handle.read(upToCount: InviteImportFile.maximumBytes + 1)
            } catch {
                throw AdminError.noInput("cannot read '\(AdminText.sanitized(path))'")
            }
            let bytes = [UInt8](data ?? Data())
            guard bytes.count <= InviteImportFile.maximumBytes else {
                throw AdminError.dataError(
                    "'\(AdminText.sanitized(path))' is larger than \(InviteImportFile.maximumBytes >> 20) MiB; split it"
                )
            }
            return bytes
        }

        /// The rows from `start` that fit one request (count and bytes).
        static func nextBatch(_ rows: [InviteImportFile.Row], from start: Int, limit: Int) -> [InviteImportFile.Row] {
            var batch: [InviteImportFile.Row] = []
            var bytes = 0
            for row in rows[start...] {
                let size = requestRow(row).jsonBytes.count + 1
                if !batch.isEmpty, batch.count >= limit || bytes + size > InviteImport.batchBytes { break }
                batch.append(row)
                bytes += size
            }
            return batch
        }

        static func requestRow(_ row: InviteImportFile.Row) -> JSONValue {
            .object(["email": .string(row.email), "accounts": .array(row.accounts.map { .string($0) })])
        }

        static func jsonLine(_ fields: [String: JSONValue]) -> String {
            String(decoding: JSONValue.object(fields).jsonBytes, as: UTF8.self) + "\n"
        }

        /// A CSV field, quoted when it holds a comma, a quote or a line break.
        static func csvField(_ text: String) -> String {
            let safe = AdminText.sanitized(text)
            guard safe.contains(where: { $0 == "," || $0 == "\"" }) else { return safe }
            return "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
    }
}

/// Where the secrets go: a new 0600 file, or stdout.
final class SecretsOutput {
    let path: String?
    let file: FileHandle?
    let json: Bool

    init(json: Bool) {
        path = nil
        file = nil
        self.json = json
    }

    /// Creates `path` (never overwriting: a second run must not destroy the first's secrets).
    init(creating path: String, json: Bool) throws(AdminError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw AdminError.cannotCreate(
                "cannot create '\(AdminText.sanitized(path))' (\(reason)); it must not exist yet")
        }
        self.path = path
        file = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        self.json = json
    }

    var header: String { json ? "" : "line,email,invite,link,temporary_password\n" }

    /// Appends `text`; returns the error if it could not.
    func write(_ text: String) -> AdminError? {
        do {
            try file?.write(contentsOf: Data(text.utf8))
            return nil
        } catch {
            return .local("cannot write to '\(AdminText.sanitized(path ?? ""))': \(error)")
        }
    }

    func close() {
        try? file?.synchronize()
        try? file?.close()
    }
}
