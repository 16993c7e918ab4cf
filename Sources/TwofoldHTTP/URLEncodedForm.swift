/// A decoded `application/x-www-form-urlencoded` body or query string: ordered name/value
/// pairs, duplicates kept in order (a repeated name is the caller's decision, not ours).
///
/// Rules: pairs are separated by `&`, empty pairs are skipped, a pair without `=` has an empty
/// value, `+` is a space, `%XX` is a byte; a malformed escape or invalid UTF-8 throws instead
/// of being passed through.
public struct URLEncodedForm: Hashable, Sendable, RandomAccessCollection {
    public struct Field: Hashable, Sendable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public private(set) var fields: [Field]

    public init() { fields = [] }

    public init(decoding bytes: [UInt8]) throws(HTTPError) {
        fields = []
        for pair in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            if let equals = pair.firstIndex(of: UInt8(ascii: "=")) {
                fields.append(
                    Field(
                        name: try PercentEncoding.decode(pair[..<equals], plusAsSpace: true),
                        value: try PercentEncoding.decode(pair[(equals + 1)...], plusAsSpace: true)))
            } else {
                fields.append(Field(name: try PercentEncoding.decode(pair, plusAsSpace: true), value: ""))
            }
        }
    }

    public init(decoding string: String) throws(HTTPError) {
        try self.init(decoding: Array(string.utf8))
    }

    public var startIndex: Int { fields.startIndex }
    public var endIndex: Int { fields.endIndex }
    public subscript(position: Int) -> Field { fields[position] }

    /// The first value named exactly `name` (names are case-sensitive), or `nil`.
    public subscript(name: String) -> String? { fields.first { $0.name == name }?.value }

    /// Every value named exactly `name`, in order.
    public func values(for name: String) -> [String] { fields.compactMap { $0.name == name ? $0.value : nil } }
}
