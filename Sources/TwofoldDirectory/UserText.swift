/// The one rule for text that people type and other people see: emails, account names, reset
/// reasons. Checked where the text enters (the pages, the JSON API, the admin socket), before
/// any other work and before it is stored, so every page, log and authenticator app shows what
/// was meant:
/// - bounded in UTF-8 bytes (never Characters: one Character can be thousands of bytes);
/// - no control characters, C0 (U+0000–U+001F), DEL or C1 (U+0080–U+009F, NEL among them);
/// - no bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), which
///   reorder what follows them: `Acme\u{202E}gnp.exe` would be shown as "Acmeexe.png";
/// - no line or paragraph separators (U+2028, U+2029), which break a line like a newline.
/// Right-to-left scripts themselves are fine (the pages isolate user text with `<bdi>` too).
public enum UserText {
    public enum Problem: Sendable, Equatable {
        case empty
        case tooLong(maximumBytes: Int)
        case forbiddenCharacter
    }

    /// What is wrong with `text` (already trimmed by the caller if it trims), or nil.
    public static func problem(_ text: String, maximumBytes: Int) -> Problem? {
        let bytes = text.utf8.count
        if bytes == 0 { return .empty }
        if bytes > maximumBytes { return .tooLong(maximumBytes: maximumBytes) }
        if text.unicodeScalars.contains(where: isForbidden) { return .forbiddenCharacter }
        return nil
    }

    /// Whether `scalar` may never appear in user-visible text.
    public static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true  // C0, DEL, C1
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true  // bidi controls
        case 0x2028, 0x2029: true  // line and paragraph separators
        default: false
        }
    }
}
