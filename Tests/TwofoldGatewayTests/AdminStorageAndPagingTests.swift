import Testing
import TwofoldDirectory
import TwofoldSystem
import TwofoldWire

@testable import TwofoldGateway

/// The admin socket while the directory's storage fails (issue 16), and its listings in pages, so
/// no answer outgrows the 1 MiB frame however large the directory.
@Suite struct AdminStorageAndPagingTests {
    static let root = PeerCredentials(processID: 1, userID: 0, groupID: 0)
    static let frameLimit = 1 << 20

    func admin(_ harness: GatewayHarness, _ operation: String, _ args: [String: JSONValue] = [:]) async
        -> WireResponse
    {
        let service = AdminService(auth: harness.auth, audit: harness.auth.audit)
        return await withCheckedContinuation { (continuation: CheckedContinuation<WireResponse, Never>) in
            service.handle(WireRequest(id: .number(1), operation: operation, args: args), peer: Self.root) {
                continuation.resume(returning: $0)
            }
        }
    }

    func failure(_ response: WireResponse) -> WireErrorPayload? {
        if case .failure(let payload) = response.outcome { return payload }
        return nil
    }

    func result(_ response: WireResponse) -> [String: JSONValue]? {
        if case .success(let result) = response.outcome { return result }
        return nil
    }

    func items(_ response: WireResponse, _ member: String) -> [JSONValue] {
        if case .array(let items)? = result(response)?[member] { return items }
        return []
    }

    func nextCursor(_ response: WireResponse) -> String? {
        if case .string(let cursor)? = result(response)?["next_cursor"] { return cursor }
        return nil
    }

    static func field(_ item: JSONValue, _ key: String) -> String? {
        if case .object(let fields) = item, case .string(let text)? = fields[key] { return text }
        return nil
    }

    @Test func everyOperation_whileTheStorageFails_answersStorageFailedAtOnce_thenServesAgain() async throws {
        let fault = StorageFault()
        let harness = try GatewayHarness(directoryOptions: fault.options)
        let ann = try await harness.addUser("ann@example.com")
        _ = try await harness.addAccount("Acme")
        harness.vault.on("status", reply: VaultResults.status(enrolled: true))

        fault.fail()
        let first = await admin(harness, "account.create", ["name": "Beta"])
        #expect(failure(first)?.code == "storage.failed")
        for (operation, args) in [
            ("invite.list", [:]), ("user.list", [:]), ("account.list", [:]), ("user.show", ["user": "ann@example.com"]),
            ("invite.create", ["email": "bob@example.com"]), ("user.disable", ["user": "ann@example.com"]),
        ] as [(String, [String: JSONValue])] {
            let refusal = try #require(failure(await admin(harness, operation, args)), "\(operation)")
            #expect(refusal.code == "storage.failed", "\(operation)")
            #expect(refusal.retryAfterMs == 1000, "\(operation)")
            #expect(refusal.message.contains("No space left on device (errno 28)"), "\(operation): \(refusal.message)")
            #expect(refusal.message.contains("nothing was done"), "\(operation): \(refusal.message)")
            #expect(!refusal.message.contains("see its log") && !refusal.message.contains(".swift"))
        }
        // The web flows answer 503 with a wait, never a 500.
        await #expect {
            _ = try await harness.auth.login(email: "ann@example.com", password: GatewayHarness.password, address: nil)
        } throws: { error in
            let error = error as? AuthError
            return error?.code == "server.storage" && error?.status.code == 503 && error?.retryAfterMs == 1000
        }

        await fault.release()
        let accounts = items(await admin(harness, "account.list"), "accounts")
        #expect(accounts.compactMap { Self.field($0, "name") } == ["Acme"], "Beta's failed write was dropped")
        #expect(result(await admin(harness, "account.create", ["name": "Beta"])) != nil)
        #expect(result(await admin(harness, "user.show", ["user": .string(ann.id)])) != nil)
        await harness.close()
    }

    @Test func invitePages_followTheirCursors_toEveryInviteOnce_andTheLastHasNoCursor() async throws {
        let harness = try GatewayHarness()
        let now = harness.time.now
        try await harness.directory.update { transaction in
            for number in 0..<25 {
                transaction.put(
                    InviteRecord(
                        id: "i-\(String(1000 + number, radix: 16))", tokenHash: "t\(number)",
                        email: "p\(number)@example.com", accounts: [], temporaryPasswordHash: "h",
                        createdAt: now - Int64(number), expiresAt: now + 86_400_000, createdBy: "operator:root"))
            }
        }
        var seen: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            var args: [String: JSONValue] = ["limit": 10]
            if let cursor { args["cursor"] = .string(cursor) }
            let page = await admin(harness, "invite.list", args)
            let invites = items(page, "invites")
            #expect(invites.count <= 10)
            let created = invites.map { item -> Int64 in
                if case .object(let fields) = item, case .integer(let at)? = fields["created_at"] { return at }
                return 0
            }
            #expect(created == created.sorted(by: >), "newest first within a page")
            seen += invites.compactMap { Self.field($0, "id") }
            cursor = nextCursor(page)
            pages += 1
        } while cursor != nil && pages < 10
        #expect(pages == 3)
        #expect(seen.count == 25 && Set(seen).count == 25)

        let whole = await admin(harness, "invite.list")
        #expect(items(whole, "invites").count == 25 && nextCursor(whole) == nil, "no limit: up to 1000 in one page")
        await harness.close()
    }

    @Test func pageArguments_outsideTheirRules_areRefusedWithTheirCodes() async throws {
        let harness = try GatewayHarness()
        for (args, code, detail) in [
            (["limit": 0], "admin.invalid", "limit"), (["limit": 1001], "admin.invalid", "limit"),
            (["limit": "10"], "request.invalid", nil), (["cursor": 12], "request.invalid", nil),
            (["cursor": "not a cursor"], "admin.invalid", "cursor"),
            (["cursor": .string(String(repeating: "0", count: 5000))], "admin.invalid", "cursor"),
        ] as [([String: JSONValue], String, String?)] {
            for operation in ["invite.list", "user.list", "account.list"] {
                let refusal = failure(await admin(harness, operation, args))
                #expect(refusal?.code == code, "\(operation) \(args)")
                #expect(refusal?.detail == detail, "\(operation) \(args)")
            }
        }
        // A cursor from another run of the directory (a restart) is expired, not invalid.
        let stale = "0123456789abcdef.0.5"
        #expect(failure(await admin(harness, "user.list", ["cursor": .string(stale)]))?.code == "admin.cursor_expired")
        await harness.close()
    }

    /// Users who belong to a thousand accounts with long names: a page stops at its byte budget
    /// (fewer than `limit` users, with a cursor), and every answer fits in a frame.
    @Test func pages_stopAtTheirByteBudget_soNoAnswerOutgrowsTheFrame() async throws {
        let harness = try GatewayHarness()
        let accounts = (0..<AdminService.maximumAccountsPerUser).map { number in
            AccountRecord(
                id: "a-" + String(0x1000_0000_0000_0000 + UInt64(number), radix: 16),
                name: String(repeating: "n", count: 190) + String(number), createdAt: 1)
        }
        try await harness.directory.update { transaction in
            for account in accounts { transaction.put(account) }
            for number in 0..<8 {
                transaction.put(
                    UserRecord(
                        id: "u-" + String(repeating: "0", count: 23) + String(number), email: "u\(number)@example.com",
                        passwordHash: "h", accounts: accounts.map(\.id), createdAt: Int64(number)))
            }
        }
        var users = 0
        var cursor: String?
        var pages = 0
        repeat {
            var args: [String: JSONValue] = [:]
            if let cursor { args["cursor"] = .string(cursor) }
            let page = await admin(harness, "user.list", args)
            #expect(page.encoded().count < Self.frameLimit)
            users += items(page, "users").count
            cursor = nextCursor(page)
            pages += 1
        } while cursor != nil && pages < 20
        #expect(users == 8)
        #expect(pages > 1, "eight such users do not fit one page")

        // A ninth account more is refused: a user's answer must fit in a frame.
        try await harness.directory.update { $0.put(AccountRecord(id: "a-2000000000000000", name: "x", createdAt: 1)) }
        let refused = failure(await admin(harness, "member.add", ["account": "x", "user": "u0@example.com"]))
        #expect(refused?.code == "admin.invalid")

        // An import whose answer could not fit is refused before anything is created.
        let row: JSONValue = .object([
            "email": "big@example.com", "accounts": .array(accounts.map { .string($0.id) }),
        ])
        let rows: [JSONValue] = (0..<4).map { index in
            guard case .object(var fields) = row else { return row }
            fields["email"] = .string("big\(index)@example.com")
            return .object(fields)
        }
        let tooLarge = failure(await admin(harness, "invite.import", ["invites": .array(rows)]))
        #expect(tooLarge?.code == "admin.invalid" && tooLarge?.detail == "batch_too_large")
        #expect(harness.directory.inviteCount == 0)
        let fits = await admin(harness, "invite.import", ["invites": .array(Array(rows.prefix(2)))])
        #expect(items(fits, "results").count == 2)
        #expect(fits.encoded().count < Self.frameLimit)
        #expect(harness.directory.inviteCount == 2)
        await harness.close()
    }
}
