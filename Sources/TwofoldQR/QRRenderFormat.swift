/// The output formats of `QRCode.render(_:as:options:)`, named as an operator would type them.
public enum QRRenderFormat: String, CaseIterable, Sendable {
    case svg
    case png
    /// UTF-8 text of Unicode half blocks for a terminal.
    case terminal

    /// The media type of the rendered bytes, e.g. for an HTTP `Content-Type`.
    public var mediaType: String {
        switch self {
        case .svg: "image/svg+xml"
        case .png: "image/png"
        case .terminal: "text/plain; charset=utf-8"
        }
    }
}

extension QRCode {
    /// Encodes `text` (as UTF-8) and renders it in `format`: the single entry point for callers
    /// such as the admin CLI that only want bytes to write out.
    ///
    /// - Throws: `QRError` when the text is too long for the level or an option is out of range.
    public static func render(
        _ text: String, as format: QRRenderFormat, options: QRRenderOptions = QRRenderOptions()
    ) throws(QRError) -> [UInt8] {
        let code = try encode(text, level: options.level, boostLevel: options.boostLevel)
        switch format {
        case .svg: return code.svgBytes(title: options.title)
        case .png: return try code.png(scale: options.pngScale, bitDepth: options.pngBitDepth)
        case .terminal: return code.terminalBytes(inverted: options.terminalInverted)
        }
    }
}
