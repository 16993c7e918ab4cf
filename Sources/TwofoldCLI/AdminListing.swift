import TwofoldWire

/// `invite list`, `user list` and `account list`: the gateway answers in pages (protocol/admin.md,
/// "Listings"), so the CLI asks for page after page until no `next_cursor` comes back, and prints
/// one list in one order (one JSON document with `--json`). A cursor the gateway no longer knows
/// (it restarted during the listing) starts the listing over, a few times at most.
enum AdminListing {
    /// Records asked for per page (the gateway's maximum).
    static let pageSize: Int64 = 1000
    /// Listings started over after `admin.cursor_expired` before giving up.
    static let attempts = 3
    /// Pages at most, so a gateway that kept answering cursors could not keep the CLI forever
    /// (10 million records).
    static let maximumPages = 10_000

    /// The member of the result holding the records, for the listing commands.
    static func member(of action: AdminAction) -> String? {
        switch action {
        case .inviteList: "invites"
        case .userList: "users"
        case .accountList: "accounts"
        default: nil
        }
    }

    /// Every page of `request`, merged into one result holding only `member`, in display order.
    static func fetchAll(
        _ request: AdminRequest, member: String, transport: any AdminTransport
    ) -> Result<AdminResult, AdminError> {
        var attempt = 1
        while true {
            switch fetchPages(request, member: member, transport: transport) {
            case .success(let items):
                return .success(AdminResult([member: .array(sorted(items, member: member))]))
            case .failure(let error) where error.serverCode == "admin.cursor_expired" && attempt < attempts:
                attempt += 1
            case .failure(let error):
                return .failure(error)
            }
        }
    }

    private static func fetchPages(
        _ request: AdminRequest, member: String, transport: any AdminTransport
    ) -> Result<[JSONValue], AdminError> {
        var items: [JSONValue] = []
        var cursor: String?
        for _ in 0..<maximumPages {
            var args = request.args
            args["limit"] = .integer(pageSize)
            if let cursor { args["cursor"] = .string(cursor) }
            let result: AdminResult
            switch transport.perform(AdminRequest(operation: request.operation, args: args)) {
            case .success(let value): result = value
            case .failure(let error): return .failure(error)
            }
            guard case .array(let page)? = result.members[member] else {
                return .failure(.unexpectedAnswer("result.\(member) is missing or not an array"))
            }
            items += page
            switch result.members["next_cursor"] {
            case nil, .null?: return .success(items)
            case .string(let next)? where next != cursor: cursor = next
            default: return .failure(.unexpectedAnswer("result.next_cursor does not move on"))
            }
        }
        return .failure(.unexpectedAnswer("the listing did not end after \(maximumPages) pages"))
    }

    /// The order the whole list is shown in (each page comes sorted, the pages in the gateway's
    /// storage order): invites newest first, users oldest first, accounts by name.
    static func sorted(_ items: [JSONValue], member: String) -> [JSONValue] {
        func integer(_ item: JSONValue, _ key: String) -> Int64 {
            if case .object(let fields) = item, case .integer(let value)? = fields[key] { return value }
            return 0
        }
        func text(_ item: JSONValue, _ key: String) -> String {
            if case .object(let fields) = item, case .string(let value)? = fields[key] { return value }
            return ""
        }
        switch member {
        case "invites":
            return items.sorted {
                (integer($0, "created_at"), text($0, "id")) > (integer($1, "created_at"), text($1, "id"))
            }
        case "users":
            return items.sorted {
                (integer($0, "created_at"), text($0, "id")) < (integer($1, "created_at"), text($1, "id"))
            }
        default:
            return items.sorted {
                (text($0, "name").lowercased(), text($0, "id")) < (text($1, "name").lowercased(), text($1, "id"))
            }
        }
    }
}
