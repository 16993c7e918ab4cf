/// One SMS as the worker accepts it: an idempotency id, an E.164 destination and the text. The only
/// way to build one is `validated`, so every message in the outbox obeys the protocol's rules.
///
/// `description` shows the id only: the text carries recovery codes and the number is personal data.
public struct OutboxMessage: Sendable, Hashable, CustomStringConvertible {
    public let id: String
    public let to: String
    public let text: String

    public static let idLengths = 1...64
    public static let phoneDigitCounts = 8...15
    public static let textLengths = 1...480

    private init(id: String, to: String, text: String) {
        self.id = id
        self.to = to
        self.text = text
    }

    /// Checks the `sms.send` rules: `id` 1–64 of `[A-Za-z0-9_-]`; `to` a `+`, a non-zero digit, then
    /// digits, 8–15 digits in all; `text` 1–480 Unicode scalars. `fieldPrefix` names the fields in
    /// errors (`args.` on the wire); errors never include the offending value.
    public static func validated(id: String, to: String, text: String, fieldPrefix: String = "args.") throws(SMSError)
        -> OutboxMessage
    {
        guard idLengths.contains(id.utf8.count), id.utf8.allSatisfy(isIDByte) else {
            throw .invalid(
                field: fieldPrefix + "id", problem: "must be 1 to 64 characters of A-Z, a-z, 0-9, '_' or '-'")
        }
        let digits = to.utf8.dropFirst()
        guard to.utf8.first == UInt8(ascii: "+"), phoneDigitCounts.contains(digits.count),
            digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            digits.first != UInt8(ascii: "0")
        else {
            throw .invalid(field: fieldPrefix + "to", problem: "must be an E.164 number: '+' then 8 to 15 digits")
        }
        // Bounded in bytes before the scalars are counted (a scalar is at most 4 bytes).
        guard text.utf8.count <= 4 * textLengths.upperBound,
            textLengths.contains(scalarCount(text, limit: textLengths.upperBound))
        else {
            throw .invalid(field: fieldPrefix + "text", problem: "must be 1 to 480 characters")
        }
        return OutboxMessage(id: id, to: to, text: text)
    }

    public var description: String { "OutboxMessage(id: \(id))" }

    private static func isIDByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }

    /// Counts scalars, stopping one past `limit` so an oversized text is not walked in full.
    private static func scalarCount(_ text: String, limit: Int) -> Int {
        var count = 0
        for _ in text.unicodeScalars {
            count += 1
            if count > limit { break }
        }
        return count
    }
}
