/// A message on a page: an error, announced to screen readers at once (`role="alert"`), or a
/// notice (`role="status"`). The text is plain text; it is escaped.
///
/// An error that concerns one input names it by the input's `id` (`field`): the page then shows
/// it next to that input, ties it to the input with `aria-describedby`, marks the input invalid
/// and puts the focus on it, so the text is on screen where the browser scrolls to; a form of
/// several inputs also lists it in a summary at its top. A message that names no input (or one
/// the page does not have) is shown above the form.
public struct PageMessage: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case error
        case notice
    }

    public var kind: Kind
    public var text: String
    /// The `id` of the input the message is about, if any.
    public var field: String?

    public init(kind: Kind, text: String, field: String? = nil) {
        self.kind = kind
        self.text = text
        self.field = field
    }

    public static func error(_ text: String, field: String? = nil) -> PageMessage {
        PageMessage(kind: .error, text: text, field: field)
    }

    public static func notice(_ text: String) -> PageMessage { PageMessage(kind: .notice, text: text) }

    /// The error text for the input `id`, if this is an error about it.
    func error(for id: String) -> String? {
        kind == .error && field == id ? text : nil
    }

    /// Whether the message belongs to one of `ids` (it is then shown next to that input).
    func isAbout(anyOf ids: [String]) -> Bool {
        kind == .error && field.map(ids.contains) == true
    }
}
