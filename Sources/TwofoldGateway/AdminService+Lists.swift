import TwofoldDirectory
import TwofoldWire

/// `invite.list`, `user.list` and `account.list` in pages (protocol/admin.md, "Listings"): at most
/// `limit` records and `pageBytes` of them per answer, so no answer outgrows the 1 MiB frame
/// however large the directory, with `next_cursor` while more may follow.
extension AdminService {
    /// Records per page at most, and when `limit` is absent.
    static let maximumPageSize = 1000
    /// Bytes of records per page at most (the frame limit is 1 MiB): a page stops before the
    /// record that would pass it, but always holds at least one.
    static let pageBytes = 768 * 1024

    private struct PageRequest {
        let limit: Int
        let cursor: String?
    }

    private static func pageRequest(_ args: Args) throws(DirectoryError) -> PageRequest {
        let limit = try args.optionalInt("limit") ?? Int64(maximumPageSize)
        guard (1...Int64(maximumPageSize)).contains(limit) else {
            throw DirectoryError(.invalid, "limit must be 1 to \(maximumPageSize).", detail: "limit")
        }
        let cursor = try args.optionalString("cursor")
        return PageRequest(limit: Int(limit), cursor: cursor)
    }

    private static func invalidCursor() -> DirectoryError {
        DirectoryError(.invalid, "That is not a cursor this listing gave (use next_cursor as given).", detail: "cursor")
    }

    private static func directoryCursor(_ text: String?) throws(DirectoryError) -> DirectoryCursor? {
        guard let text else { return nil }
        guard let cursor = DirectoryCursor(text) else { throw invalidCursor() }
        return cursor
    }

    /// Keeps records, in listing order, while they fit `pageBytes` (at least one); returns each
    /// kept one encoded, and the cursor after the last one kept, or nil when the page ends the
    /// listing. Display order within the page is the caller's, after this cut.
    private static func fit<Entry>(
        _ entries: [Entry], more: Bool, encode: (Entry) -> JSONValue, next: (Entry) -> String
    ) -> (kept: [(entry: Entry, item: JSONValue)], nextCursor: String?) {
        var kept: [(entry: Entry, item: JSONValue)] = []
        var bytes = 0
        for entry in entries {
            let item = encode(entry)
            let size = item.jsonBytes.count + 1
            if let last = kept.last, bytes + size > pageBytes { return (kept, next(last.entry)) }
            kept.append((entry, item))
            bytes += size
        }
        guard more, let last = kept.last else { return (kept, nil) }
        return (kept, next(last.entry))
    }

    func listInvites(_ args: Args) throws(DirectoryError) -> [String: JSONValue] {
        let request = try Self.pageRequest(args)
        let page = try directory.invitesPage(after: try Self.directoryCursor(request.cursor), limit: request.limit)
        let now = directory.now
        // Password-reset links are stored as invites but are not invites (`user.reset_password`):
        // a page may hold fewer invites than its limit, and `next_cursor` still says more may follow.
        let invites = page.entries.filter { !$0.record.isPasswordReset }
        var (kept, next) = Self.fit(
            invites, more: page.more, encode: { inviteObject($0.record, now: now) }, next: { $0.next.description })
        // A page of nothing but reset links still moves the listing on.
        if kept.isEmpty, page.more, let last = page.entries.last { next = last.next.description }
        // Newest first within the page; pages follow the directory's storage order.
        let shown = kept.sorted {
            ($0.entry.record.createdAt, $0.entry.record.id) > ($1.entry.record.createdAt, $1.entry.record.id)
        }
        return Self.pageResult("invites", shown.map(\.item), next)
    }

    func listUsers(_ args: Args) throws(DirectoryError) -> [String: JSONValue] {
        let request = try Self.pageRequest(args)
        let page = try directory.usersPage(after: try Self.directoryCursor(request.cursor), limit: request.limit)
        let (kept, next) = Self.fit(
            page.entries, more: page.more, encode: { userObject($0.record) }, next: { $0.next.description })
        // Oldest first within the page (and, since users are never removed, across pages too).
        let shown = kept.sorted {
            ($0.entry.record.createdAt, $0.entry.record.id) < ($1.entry.record.createdAt, $1.entry.record.id)
        }
        return Self.pageResult("users", shown.map(\.item), next)
    }

    func listAccounts(_ args: Args) throws(DirectoryError) -> [String: JSONValue] {
        let request = try Self.pageRequest(args)
        if let cursor = request.cursor, !Self.isAccountCursor(cursor) { throw Self.invalidCursor() }
        let (accounts, more) = directory.accountsPage(afterID: request.cursor, limit: request.limit)
        let (kept, next) = Self.fit(accounts, more: more, encode: { accountObject($0) }, next: { $0.id })
        // By name within the page; pages follow the ids.
        let shown = kept.sorted {
            ($0.entry.name.lowercased(), $0.entry.id) < ($1.entry.name.lowercased(), $1.entry.id)
        }
        return Self.pageResult("accounts", shown.map(\.item), next)
    }

    /// An account id, the cursor of `account.list`.
    private static func isAccountCursor(_ text: String) -> Bool {
        text.utf8.count == 18 && text.hasPrefix("a-")
            && text.utf8.dropFirst(2).allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    private static func pageResult(_ name: String, _ items: [JSONValue], _ next: String?) -> [String: JSONValue] {
        var result: [String: JSONValue] = [name: .array(items)]
        if let next { result["next_cursor"] = .string(next) }
        return result
    }
}
