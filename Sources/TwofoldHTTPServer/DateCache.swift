import TwofoldHTTP
import TwofoldSystem

/// The `Date` header value, formatted at most once per second. Loop-thread only (one per loop),
/// so it needs no lock.
struct DateCache {
    private var second: Int64 = -1
    private var text = ""

    mutating func current() -> String {
        let now = SystemInfo.wallClockSeconds()
        if now != second {
            second = now
            text = HTTPDate(secondsSince1970: now).imfFixdate
        }
        return text
    }
}
