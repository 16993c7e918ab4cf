/// How `QRCode.render(_:as:options:)` encodes and draws; the defaults suit an authenticator enrollment code.
public struct QRRenderOptions: Sendable {
    public var level: ErrorCorrectionLevel
    /// Raise the level while the data still fits the same version (see `QRCode.encode`).
    public var boostLevel: Bool
    /// The SVG's accessible name (`<title>`, `aria-label`); ignored by the other formats.
    public var title: String
    /// PNG pixels per module, within `QRCode.pngScaleRange`.
    public var pngScale: Int
    public var pngBitDepth: PNGBitDepth
    /// Terminal output draws dark modules as glyphs (for dark-on-light terminals); see `QRCode.terminalText`.
    public var terminalInverted: Bool

    public init(
        level: ErrorCorrectionLevel = .medium, boostLevel: Bool = false, title: String = "QR code",
        pngScale: Int = 4, pngBitDepth: PNGBitDepth = .one, terminalInverted: Bool = false
    ) {
        self.level = level
        self.boostLevel = boostLevel
        self.title = title
        self.pngScale = pngScale
        self.pngBitDepth = pngBitDepth
        self.terminalInverted = terminalInverted
    }
}
