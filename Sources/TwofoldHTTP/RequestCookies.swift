/// The cookies of a request, from every `Cookie` field, in the order sent.
///
/// Parsing follows the `cookie-string` grammar of RFC 6265 §4.2.1 leniently where leniency is
/// harmless: pairs are split on `;`, surrounding whitespace is trimmed, and a pair whose name
/// is not a token or that lacks `=` is skipped rather than failing the whole request (one odd
/// third-party cookie must not lock a user out). A value wrapped in double quotes is unwrapped.
/// Duplicates are kept: browsers send the most specific path first, so the first one wins in
/// the subscript.
public struct RequestCookies: Hashable, Sendable, RandomAccessCollection {
    public struct Cookie: Hashable, Sendable {
        public var name: String
        public var value: String
    }

    public private(set) var cookies: [Cookie]

    public init(headers: HTTPHeaders) {
        cookies = []
        for header in headers.values(for: "Cookie") { Self.parse(header, into: &cookies) }
    }

    public init(headerValue: String) {
        cookies = []
        Self.parse(headerValue, into: &cookies)
    }

    public var startIndex: Int { cookies.startIndex }
    public var endIndex: Int { cookies.endIndex }
    public subscript(position: Int) -> Cookie { cookies[position] }

    /// The first cookie named exactly `name` (case-sensitive), or `nil`.
    public subscript(name: String) -> String? { cookies.first { $0.name == name }?.value }

    private static func parse(_ header: String, into cookies: inout [Cookie]) {
        let isWhitespace: (UInt8) -> Bool = { $0 == ASCII.space || $0 == ASCII.tab }
        for pair in header.utf8.split(separator: UInt8(ascii: ";")) {
            guard let equals = pair.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = pair[..<equals].trimming(while: isWhitespace)
            var value = pair[pair.index(after: equals)...].trimming(while: isWhitespace)
            guard ASCII.isToken(name) else { continue }
            if value.count >= 2, value.first == UInt8(ascii: "\""), value.last == UInt8(ascii: "\"") {
                value = value.dropFirst().dropLast()
            }
            cookies.append(
                Cookie(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self)))
        }
    }
}

extension Substring.UTF8View {
    fileprivate func trimming(while predicate: (UInt8) -> Bool) -> Substring.UTF8View {
        var slice = self
        while let first = slice.first, predicate(first) { slice = slice.dropFirst() }
        while let last = slice.last, predicate(last) { slice = slice.dropLast() }
        return slice
    }
}
