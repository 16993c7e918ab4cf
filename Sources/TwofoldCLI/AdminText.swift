import TwofoldProcess
import TwofoldSystem

/// Turns values from the gateway into text for a terminal.
enum AdminText {
    /// `text` with control characters (C0, DEL, C1) replaced by `?`: emails and account names come
    /// from other people, and an escape sequence in one must not reach the operator's terminal.
    static func sanitized(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            let value = scalar.value
            let isControl = value < 0x20 || (0x7F...0x9F).contains(value)
            result.unicodeScalars.append(isControl ? "?" : scalar)
        }
        return result
    }

    /// Unix milliseconds as `2026-11-29 03:39 UTC`; a value outside the years 0000–9999 (which a
    /// broken peer could send) is shown as the raw number rather than trapping.
    static func time(_ millis: Int64) -> String {
        guard (-62_167_219_200_000...253_402_300_799_999).contains(millis) else { return "\(millis) ms" }
        let stamp = Array(RFC3339Timestamp.format(unixMillis: millis))
        return String(stamp[0..<10]) + " " + String(stamp[11..<16]) + " UTC"
    }

    /// Account names joined for one table cell or line; `-` when there are none.
    static func accounts(_ accounts: [AdminAccount.Reference]) -> String {
        accounts.isEmpty ? "-" : accounts.map { sanitized($0.name) }.joined(separator: ", ")
    }
}
