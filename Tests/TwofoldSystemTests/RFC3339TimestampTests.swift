import Foundation
import Testing
import TwofoldSystem

@Suite struct RFC3339TimestampTests {
    @Test func format_writesUTCWithMilliseconds() {
        #expect(RFC3339Timestamp.format(unixMillis: 0) == "1970-01-01T00:00:00.000Z")
        #expect(RFC3339Timestamp.format(unixMillis: 1_795_923_579_123) == "2026-11-29T03:39:39.123Z")
        #expect(RFC3339Timestamp.format(unixMillis: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
        #expect(RFC3339Timestamp.format(unixMillis: -1) == "1969-12-31T23:59:59.999Z")
        #expect(RFC3339Timestamp.format(unixMillis: 253_402_300_799_999) == "9999-12-31T23:59:59.999Z")
    }

    /// Cross-checks the arithmetic against Foundation's formatter over many spread-out instants,
    /// including leap days and century years.
    @Test func format_agreesWithFoundationAcrossCenturies() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        var generator = SystemRandomNumberGenerator()
        var instants: [Int64] = [4_107_542_399_999, 4_107_542_400_000, 946_684_799_999, 951_868_799_999]
        for _ in 0..<2000 {
            instants.append(Int64.random(in: -2_208_988_800_000...7_258_118_400_000, using: &generator))
        }
        for millis in instants {
            let expected = formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
            #expect(RFC3339Timestamp.format(unixMillis: millis) == expected, "at \(millis) ms")
        }
    }
}
