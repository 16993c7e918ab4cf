import TwofoldWire

/// What `twofold up` prepares through the gateway's admin socket so a newcomer can try every
/// flow at once: two accounts (to see the account picker) and an invite for the demo email,
/// whose link and temporary password are printed. When the demo user already exists (a reused
/// data folder), it only says how to sign in.
struct DemoSetup {
    static let accounts = ["Demo Co", "Second Co"]

    let client: any AdminTransport
    let email: String

    /// Lines to print, or the admin error that stopped the setup.
    func run() -> Result<[String], AdminError> {
        do throws(AdminError) {
            let existing = try call("account.list").members["accounts"].flatMap(Self.names) ?? []
            for name in Self.accounts where !existing.contains(name) {
                _ = try call("account.create", ["name": .string(name)])
            }
            if case .success = client.perform(AdminRequest(operation: "user.show", args: ["user": .string(email)])) {
                return .success([
                    "  Sign in as:    \(email) (the password you chose; `twofold user reset-mfa` if you lose the app)"
                ])
            }
            if case .array(let invites)? = try call("invite.list").members["invites"] {
                for case .object(let invite) in invites {
                    guard invite["email"] == .string(email), invite["status"] == .string("pending"),
                        let id = invite["id"]
                    else { continue }
                    _ = try call("invite.revoke", ["invite": id])
                }
            }
            let created = try call(
                "invite.create",
                ["email": .string(email), "accounts": .array(Self.accounts.map { .string($0) })])
            guard case .string(let link)? = created.members["link"],
                case .string(let password)? = created.members["temporary_password"]
            else { return .failure(.unexpectedAnswer("invite.create")) }
            return .success([
                "  Invite link:   \(link)",
                "  Email:         \(email)",
                "  Temporary password: \(password)   (shown once; a new invite is made at each start until you sign up)",
            ])
        } catch {
            return .failure(error)
        }
    }

    private func call(_ operation: String, _ args: [String: JSONValue] = [:]) throws(AdminError) -> AdminResult {
        try client.perform(AdminRequest(operation: operation, args: args)).get()
    }

    private static func names(_ value: JSONValue) -> [String]? {
        guard case .array(let items) = value else { return nil }
        return items.compactMap { item in
            guard case .object(let account) = item, case .string(let name)? = account["name"] else { return nil }
            return name
        }
    }
}
