import Synchronization
import Testing
import TwofoldWire

@testable import TwofoldCLI

/// Answers each request with what `script` makes of it, and remembers the requests.
private final class ScriptedTransport: AdminTransport {
    let script: @Sendable (AdminRequest, Int) -> Result<AdminResult, AdminError>
    let requests = Mutex<[AdminRequest]>([])

    init(_ script: @escaping @Sendable (AdminRequest, Int) -> Result<AdminResult, AdminError>) {
        self.script = script
    }

    func perform(_ request: AdminRequest) -> Result<AdminResult, AdminError> {
        let index = requests.withLock { requests in
            requests.append(request)
            return requests.count - 1
        }
        return script(request, index)
    }
}

private func run(_ arguments: [String], _ transport: any AdminTransport) -> AdminCommand.Output {
    AdminCommand.execute(arguments, environment: [:]) { _ in transport }
}

private func invite(_ number: Int) -> JSONValue {
    .object([
        "id": .string("i-\(String(0x1000_0000_0000_0000 + UInt64(number), radix: 16))"),
        "email": .string("p\(number)@example.com"), "accounts": .array([]), "status": "pending",
        "created_at": .integer(Fixtures.created + Int64(number)),
        "expires_at": .integer(Fixtures.created + 604_800_000),
    ])
}

/// The gateway's invites 0..<count in pages of `size`, each page newest first, the pages in
/// storage order (oldest slots first), with a cursor naming the next page while one follows.
private func pagedInvites(count: Int, size: Int) -> @Sendable (AdminRequest, Int) -> Result<AdminResult, AdminError> {
    { request, _ in
        var start = 0
        if case .string(let cursor)? = request.args["cursor"] { start = Int(cursor.dropFirst(2)) ?? 0 }
        let end = min(start + size, count)
        var result: [String: JSONValue] = ["invites": .array((start..<end).reversed().map(invite))]
        if end < count { result["next_cursor"] = .string("c-\(end)") }
        return .success(AdminResult(result))
    }
}

private func ids(_ output: AdminCommand.Output) throws -> [String] {
    guard case .object(let fields) = try JSONValue.parse(Array(output.standardOutput.utf8)),
        case .array(let items)? = fields["invites"]
    else { return [] }
    return items.compactMap { item in
        if case .object(let fields) = item, case .string(let id)? = fields["id"] { return id }
        return nil
    }
}

@Test func aListing_fetchesEveryPage_andPrintsOneJSONDocument_newestFirst() throws {
    let transport = ScriptedTransport(pagedInvites(count: 2_500, size: 1_000))
    let output = run(["invite", "list", "--json"], transport)
    #expect(output.status == 0, "\(output.standardError)")
    #expect(output.standardOutput.filter { $0 == "\n" }.count == 1)
    let listed = try ids(output)
    #expect(listed.count == 2_500 && Set(listed).count == 2_500)
    #expect(listed.first == "i-\(String(0x1000_0000_0000_0000 + UInt64(2_499), radix: 16))", "newest first")
    #expect(!output.standardOutput.contains("next_cursor"))
    let requests = transport.requests.withLock { $0 }
    #expect(requests.count == 3)
    #expect(requests.map { $0.args["cursor"] } == [nil, .string("c-1000"), .string("c-2000")])
    #expect(
        requests.allSatisfy { $0.args["limit"] == .integer(AdminListing.pageSize) && $0.operation == "invite.list" })
}

@Test func aListing_asATable_showsOneLinePerRecordOfEveryPage() {
    let output = run(["invite", "list"], ScriptedTransport(pagedInvites(count: 30, size: 7)))
    #expect(output.status == 0)
    #expect(output.standardOutput.split(separator: "\n").count == 31)
}

@Test func anExpiredCursor_startsTheListingOver_aFewTimesAtMost() throws {
    let expired = WireErrorPayload(code: "admin.cursor_expired", message: "The listing was interrupted.")
    let pages = pagedInvites(count: 15, size: 10)
    // The second page's cursor expires once (a restart): the listing begins again and completes.
    let once = ScriptedTransport { request, index in index == 1 ? .failure(.server(expired)) : pages(request, index) }
    let invites = run(["invite", "list", "--json"], once)
    #expect(invites.status == 0, "\(invites.standardError)")
    #expect(try ids(invites).count == 15)
    #expect(once.requests.withLock { $0.map { $0.args["cursor"] } } == [nil, .string("c-10"), nil, .string("c-10")])

    // A gateway whose cursors always expire: status 69 after three attempts, nothing printed.
    let always = ScriptedTransport { request, index in
        request.args["cursor"] == nil ? pages(request, index) : .failure(.server(expired))
    }
    let refused = run(["invite", "list", "--json"], always)
    #expect(refused.status == 69)
    #expect(refused.standardOutput.isEmpty)
    #expect(always.requests.withLock { $0.count } == 2 * AdminListing.attempts)
}

@Test func aCursorThatDoesNotMoveOn_orAFailedPage_endsTheListingWithNothingPrinted() {
    let stuck = ScriptedTransport { _, _ in
        .success(AdminResult(["invites": .array([invite(1)]), "next_cursor": "c-1"]))
    }
    let output = run(["invite", "list", "--json"], stuck)
    #expect(output.status == 70)
    #expect(output.standardError.contains("next_cursor"))
    #expect(output.standardOutput.isEmpty)
    #expect(stuck.requests.withLock { $0.count } == 2)

    let storage = WireErrorPayload(code: "storage.failed", message: "The gateway's storage is failing.")
    let pages = pagedInvites(count: 15, size: 10)
    let failing = run(
        ["invite", "list"],
        ScriptedTransport { request, index in index == 1 ? .failure(.server(storage)) : pages(request, index) })
    #expect(failing.status == 74)
    #expect(failing.standardOutput.isEmpty, "no partial list")
}
