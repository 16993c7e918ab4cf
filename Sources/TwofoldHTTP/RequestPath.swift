/// Turns a raw (percent-encoded) request path into decoded segments, refusing what could
/// be used to reach something other than what the path appears to name.
///
/// Rules: the path starts with `/`; it is split on `/` first and each segment decoded
/// afterwards (strict percent-decoding, valid UTF-8), so an encoded slash can never create a
/// segment boundary, and is refused outright, as are decoded NUL, other control characters and
/// backslashes. `.` and `..` segments, raw or encoded, are refused rather than resolved: no
/// legitimate link of this application contains them. Nothing is collapsed: `/` is the empty
/// list, `/a/` is `["a", ""]` and `/a//b` is `["a", "", "b"]`, which therefore match only
/// patterns written that way (no implicit redirects).
public enum RequestPath {
    public static func segments(of rawPath: String) throws(HTTPError) -> [String] {
        var utf8 = rawPath.utf8[...]
        guard utf8.first == UInt8(ascii: "/") else { throw .invalidPath() }
        utf8 = utf8.dropFirst()
        if utf8.isEmpty { return [] }
        var segments: [String] = []
        for raw in utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            let segment: String
            do {
                segment = try PercentEncoding.decode(raw, plusAsSpace: false)
            } catch {
                throw .invalidPath()
            }
            let forbidden = segment.utf8.contains { byte in
                byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "\\")
            }
            if forbidden || segment == "." || segment == ".." { throw .invalidPath() }
            segments.append(segment)
        }
        return segments
    }
}
