extension QRCode {
    /// The symbol as lines of Unicode half blocks (▀ ▄ █ and space), two module rows per text line,
    /// with the 4-module quiet zone, each line ending in "\n".
    ///
    /// A glyph shows the terminal's foreground colour and a space its background. By default light
    /// modules (and the quiet zone) are drawn as glyphs, which is right for the common light text
    /// on a dark background; pass `inverted: true` to draw dark modules instead, for dark text on a
    /// light background. A code rendered the wrong way round is a negative that many apps refuse.
    public func terminalText(inverted: Bool = false) -> String {
        String(decoding: terminalBytes(inverted: inverted), as: UTF8.self)
    }

    /// The UTF-8 bytes of `terminalText(inverted:)`.
    func terminalBytes(inverted: Bool) -> [UInt8] {
        let full: [UInt8] = [0xE2, 0x96, 0x88]  // █ U+2588
        let upper: [UInt8] = [0xE2, 0x96, 0x80]  // ▀ U+2580
        let lower: [UInt8] = [0xE2, 0x96, 0x84]  // ▄ U+2584
        let extent = size + 2 * Self.quietZone
        var out = [UInt8]()
        out.reserveCapacity((extent + 1) / 2 * (extent * 3 + 1))
        // A module row past the bottom edge (the extent is odd) is never drawn.
        func glyph(_ x: Int, _ y: Int) -> Bool {
            guard y < extent else { return false }
            let mx = x - Self.quietZone
            let my = y - Self.quietZone
            let dark = mx >= 0 && mx < size && my >= 0 && my < size && modules[my * size + mx] == 1
            return dark == inverted
        }
        for y in stride(from: 0, to: extent, by: 2) {
            for x in 0..<extent {
                switch (glyph(x, y), glyph(x, y + 1)) {
                case (true, true): out += full
                case (true, false): out += upper
                case (false, true): out += lower
                case (false, false): out.append(0x20)
                }
            }
            out.append(0x0A)
        }
        return out
    }
}
