/// A box above (or beside) a form: an error, announced to screen readers at once
/// (`role="alert"`), or a notice (`role="status"`). The text is plain text; it is escaped.
public struct PageMessage: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case error
        case notice
    }

    public var kind: Kind
    public var text: String

    public init(kind: Kind, text: String) {
        self.kind = kind
        self.text = text
    }

    public static func error(_ text: String) -> PageMessage { PageMessage(kind: .error, text: text) }

    public static func notice(_ text: String) -> PageMessage { PageMessage(kind: .notice, text: text) }
}
