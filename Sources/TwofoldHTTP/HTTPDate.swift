/// A point in time as HTTP writes it: IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`
/// (RFC 9110 §5.6.7). Formatting is pure arithmetic (no Foundation, no locale, no allocation
/// beyond the result), cheap enough to redo once per second in the server's date cache.
public struct HTTPDate: Hashable, Sendable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z, clamped to years 1970...9999 so the text is always valid.
    public let secondsSince1970: Int64

    private static let maxSeconds: Int64 = 253_402_300_799  // 9999-12-31T23:59:59Z

    public init(secondsSince1970: Int64) {
        self.secondsSince1970 = min(max(secondsSince1970, 0), Self.maxSeconds)
    }

    /// The IMF-fixdate text.
    public var imfFixdate: String {
        let days = secondsSince1970 / 86_400
        let secondOfDay = Int(secondsSince1970 % 86_400)
        let (year, month, day) = Self.civilDate(daysSince1970: days)
        let weekday = Int((days + 4) % 7)  // 1970-01-01 was a Thursday; 0 is Sunday.
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        var bytes: [UInt8] = []
        bytes.reserveCapacity(29)
        bytes.append(contentsOf: weekdays[weekday].utf8)
        bytes.append(contentsOf: ", ".utf8)
        Self.appendDigits(day, count: 2, to: &bytes)
        bytes.append(ASCII.space)
        bytes.append(contentsOf: months[month - 1].utf8)
        bytes.append(ASCII.space)
        Self.appendDigits(year, count: 4, to: &bytes)
        bytes.append(ASCII.space)
        Self.appendDigits(secondOfDay / 3600, count: 2, to: &bytes)
        bytes.append(ASCII.colon)
        Self.appendDigits(secondOfDay / 60 % 60, count: 2, to: &bytes)
        bytes.append(ASCII.colon)
        Self.appendDigits(secondOfDay % 60, count: 2, to: &bytes)
        bytes.append(contentsOf: " GMT".utf8)
        return String(decoding: bytes, as: UTF8.self)
    }

    public var description: String { imfFixdate }

    /// Proleptic Gregorian date of a day count, by the standard era (400-year cycle) arithmetic.
    static func civilDate(daysSince1970: Int64) -> (year: Int, month: Int, day: Int) {
        let shifted = daysSince1970 + 719_468  // days since 0000-03-01
        let era = shifted / 146_097  // non-negative: dates are clamped to 1970 and later
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    private static func appendDigits(_ value: Int, count: Int, to bytes: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<count { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(truncatingIfNeeded: 0x30 + value / divisor % 10))
            divisor /= 10
        }
    }
}
