/// A key/value block for one record: labels followed by a colon, values aligned two spaces after
/// the longest label, one pair a line, no trailing spaces. Values are sanitized of control
/// characters.
public struct AdminFields: Sendable, Equatable {
    public private(set) var pairs: [(label: String, value: String)] = []

    public init() {}

    public mutating func append(_ label: String, _ value: String) {
        pairs.append((label, AdminText.sanitized(value)))
    }

    public func render(indent: String = "") -> String {
        let width = pairs.map(\.label.count).max() ?? 0
        var output = ""
        for (label, value) in pairs {
            var line = indent + label + ":"
            if !value.isEmpty { line += String(repeating: " ", count: width - label.count + 2) + value }
            while line.hasSuffix(" ") { line.removeLast() }
            output += line + "\n"
        }
        return output
    }

    public static func == (lhs: AdminFields, rhs: AdminFields) -> Bool {
        lhs.pairs.elementsEqual(rhs.pairs) { $0.label == $1.label && $0.value == $1.value }
    }
}
