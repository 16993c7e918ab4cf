import Foundation
import Synchronization
import Testing
import TwofoldWire

@testable import TwofoldCLI

/// Answers `invite.import` the way the gateway does: one result per row, refusing the emails in
/// `refuse` (and every row after `failAfter` requests, with `failure`).
final class ImportTransport: AdminTransport {
    let refuse: Set<String>
    let failure: AdminError?
    let failAfter: Int
    let requests = Mutex<[AdminRequest]>([])

    init(refuse: Set<String> = [], failAfter: Int = .max, failure: AdminError? = nil) {
        self.refuse = refuse
        self.failAfter = failAfter
        self.failure = failure
    }

    func perform(_ request: AdminRequest) -> Result<AdminResult, AdminError> {
        let count = requests.withLock { requests in
            requests.append(request)
            return requests.count
        }
        if count > failAfter, let failure {
            // What AdminClient answers for a change that got no answer.
            if failure == .noAnswer(path: "/s.sock") { return .failure(.outcomeUnknown(request, path: "/s.sock")) }
            return .failure(failure)
        }
        guard case .array(let rows)? = request.args["invites"] else { return .failure(.local("no rows")) }
        let results: [JSONValue] = rows.enumerated().map { index, row in
            guard case .object(let fields) = row, case .string(let email)? = fields["email"] else { return .null }
            if refuse.contains(email) {
                return .object([
                    "error": .object(["code": "admin.conflict", "message": .string("\(email) already has a user.")])
                ])
            }
            return .object([
                "invite": .object(["id": .string("i-\(count)-\(index)"), "email": .string(email), "status": "pending"]),
                "link": .string("https://login.example.com/invite/token\(count)x\(index)"),
                "temporary_password": .string("pass-\(count)-\(index)"),
            ])
        }
        return .success(AdminResult(["results": .array(results)]))
    }
}

@Suite struct InviteImportTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("import-\(UUID().uuidString)").path

    init() throws { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }

    func file(_ name: String, _ text: String) throws -> String {
        let path = folder + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func run(_ arguments: [String], _ transport: any AdminTransport) -> AdminCommand.Output {
        AdminCommand.execute(["invite", "import"] + arguments, environment: [:]) { _ in transport }
    }

    @Test func csv_withQuotesHeaderAndCRLF_givesOneRowPerPerson() throws {
        let text = "\u{FEFF}Email,Accounts\r\nann@example.com,\"Acme, Inc;Beta\"\r\n\r\n\"bob@example.com\",\r\n"
        let (rows, refused) = try InviteImportFile.parse(Array(text.utf8), format: .csv)
        #expect(refused.isEmpty)
        #expect(
            rows == [
                .init(line: 2, email: "ann@example.com", accounts: ["Acme, Inc", "Beta"]),
                .init(line: 4, email: "bob@example.com", accounts: []),
            ])
    }

    @Test func csv_refusesRowsWithoutEmail_duplicates_andAnUnclosedQuote_eachWithItsLine() throws {
        let text = "email,accounts\nann@example.com,Acme\n,Acme\nANN@example.com,\ncarl@example.com,\"Acme\n"
        let (rows, refused) = try InviteImportFile.parse(Array(text.utf8), format: .csv)
        #expect(rows.map(\.email) == ["ann@example.com"])
        #expect(refused.map(\.line) == [3, 4, 5])
        #expect(refused[1].message.contains("duplicate of line 2"))
        #expect(refused[2].message.contains("quoted field"))
    }

    @Test func csv_withoutAnEmailColumn_andNonUTF8_areRefusedWhole() {
        #expect(throws: AdminError.self) { try InviteImportFile.parse(Array("name\nann\n".utf8), format: .csv) }
        #expect(throws: AdminError.self) { try InviteImportFile.parse([0xff, 0xfe, 0x41], format: .csv) }
    }

    @Test func jsonLines_refuseWhatIsNotAnObjectWithAnEmail() throws {
        let text = """
            {"email": "ann@example.com", "accounts": ["Acme"]}
            not json
            {"accounts": []}
            {"email": "bob@example.com", "accounts": "Acme"}

            {"email": "carl@example.com"}
            """
        let (rows, refused) = try InviteImportFile.parse(Array(text.utf8), format: .jsonl)
        #expect(rows.map(\.line) == [1, 6])
        #expect(rows[0].accounts == ["Acme"])
        #expect(refused.map(\.line) == [2, 3, 4])
    }

    @Test func refusedRows_getOneLineEach_andCreatedOnesTheirSecretsInA0600File() throws {
        let input = try file(
            "people.csv", "email,accounts\nann@example.com,Acme\nbob@example.com,\n\ncarl@example.com,\n")
        let output = folder + "/secrets.csv"
        let transport = ImportTransport(refuse: ["bob@example.com"])
        let result = run([input, "--output", output, "--batch", "2"], transport)
        #expect(result.status == 65, "some rows were refused")
        #expect(result.standardOutput.isEmpty)
        #expect(
            result.standardError.contains("twofold: line 3: bob@example.com: bob@example.com already has a user.\n"))
        #expect(result.standardError.contains("Created 2 invites; refused 1 row."))
        #expect(transport.requests.withLock { $0.count } == 2, "two batches of at most 2 rows")
        let secrets = try String(contentsOfFile: output, encoding: .utf8)
        #expect(
            secrets == """
                line,email,invite,link,temporary_password
                2,ann@example.com,i-1-0,https://login.example.com/invite/token1x0,pass-1-0
                5,carl@example.com,i-2-0,https://login.example.com/invite/token2x0,pass-2-0

                """)
        let mode = try FileManager.default.attributesOfItem(atPath: output)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // A second run never overwrites the first one's secrets.
        let again = run([input, "--output", output], ImportTransport())
        #expect(again.status == 73)
        #expect(try String(contentsOfFile: output, encoding: .utf8) == secrets)
    }

    @Test func withoutOutput_theSecretsGoToStandardOutput_andAllCreatedIsStatus0() throws {
        let input = try file("people.jsonl", "{\"email\":\"ann@example.com\"}\n")
        let result = run([input], ImportTransport())
        #expect(result.status == 0)
        #expect(result.standardOutput.hasPrefix("line,email,invite,link,temporary_password\n1,ann@example.com,"))
        #expect(result.standardError.contains("Created 1 invite; refused 0 rows."))
    }

    @Test func aBatchWithoutAnswer_stopsTheImport_andSaysItsOutcomeIsUnknown() throws {
        let input = try file("people.csv", "email\na@example.com\nb@example.com\nc@example.com\n")
        let transport = ImportTransport(failAfter: 1, failure: .noAnswer(path: "/s.sock"))
        let result = run([input, "--batch", "1", "--output", folder + "/out.csv"], transport)
        #expect(result.status == 75)
        #expect(result.standardError.contains("whether the invites of lines 3–3 were created is unknown"))
        #expect(transport.requests.withLock { $0.count } == 2, "nothing is sent after the unknown batch")
        let secrets = try String(contentsOfFile: folder + "/out.csv", encoding: .utf8)
        #expect(secrets.contains("a@example.com"), "what was created before is kept")
    }

    @Test func aRefusedRequest_saysNothingWasCreatedForItsLines() throws {
        let input = try file("people.csv", "email\na@example.com\n")
        let refusal = AdminError.server(WireErrorPayload(code: "admin.invalid", message: "An invite must last…"))
        let result = run([input, "--expires", "5s"], ImportTransport(failAfter: 0, failure: refusal))
        #expect(result.status == 65)
        #expect(result.standardError.contains("nothing was created for lines 2–2: An invite must last…"))
    }

    @Test func anUnknownFormat_orAMissingFile_failBeforeSendingAnything() throws {
        let unnamed = try file("people.txt", "email\na@example.com\n")
        #expect(run([unnamed], UnusedTransport()).status == 64)
        #expect(run([unnamed, "--format", "csv", "--output", folder + "/o.csv"], ImportTransport()).status == 0)
        #expect(run([folder + "/missing.csv"], UnusedTransport()).status == 66)
    }
}
