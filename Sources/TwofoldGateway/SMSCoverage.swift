import Synchronization
import TwofoldPhone
import TwofoldSystem
import TwofoldWire

/// The countries where SMS recovery is refused, as the vault is configured
/// (`--sms-blocked-countries`), for the sign-up page to name before a user relies on SMS. Asked
/// of the vault (`health`) when first needed and again every five minutes (30 s after a failed
/// ask); until the vault has answered, the help article's list, which is the vault's default.
final class SMSCoverage: Sendable {
    private struct State {
        var codes = SMSRecoveryPolicy.helpArticleBlockedCountries
        /// Monotonic time before which the vault is not asked again.
        var nextAsk: UInt64 = 0
    }

    static let refreshInterval: UInt64 = 300_000_000_000
    static let retryInterval: UInt64 = 30_000_000_000

    private let state = Mutex(State())

    /// The blocked countries by name, sorted; asks the vault first when the list is due.
    func unavailableCountryNames(asking vault: any VaultAPI) async -> [String] {
        let started = SystemInfo.monotonicNanoseconds()
        let due = state.withLock { state in
            guard started >= state.nextAsk else { return false }
            state.nextAsk = started + Self.retryInterval  // one asker at a time
            return true
        }
        if due, case .success(let result) = await vault.call("health", [:]), let codes = Self.codes(in: result) {
            state.withLock { state in
                state.codes = codes
                state.nextAsk = started + Self.refreshInterval
            }
        }
        return Self.names(of: state.withLock { $0.codes })
    }

    /// `sms_blocked_countries` of a vault `health` result; nil when absent or malformed.
    static func codes(in result: [String: JSONValue]) -> Set<String>? {
        guard case .array(let values)? = result["sms_blocked_countries"] else { return nil }
        var codes = Set<String>()
        for value in values {
            guard case .string(let code) = value else { return nil }
            codes.insert(code)
        }
        return codes
    }

    /// Country names for ISO codes, sorted; a code the phone tables do not know is shown as is.
    static func names(of codes: Set<String>) -> [String] {
        let known = CallingCodeTable.allCountries.filter { codes.contains($0.code) }
        let unknown = codes.subtracting(known.map(\.code))
        return (known.map(\.name) + unknown).sorted()
    }
}
