extension QRCode {
    /// An SVG document of the symbol: one `<path>` of dark modules (a rectangle per horizontal run)
    /// on a white background, `viewBox` in module units including the 4-module quiet zone, crisp
    /// edges, and `title` as the accessible name (`role="img"`, `aria-label`, `<title>`), escaped.
    ///
    /// No `width`/`height` is set, so the page's CSS decides the displayed size.
    public func svg(title: String) -> String {
        String(decoding: svgBytes(title: title), as: UTF8.self)
    }

    /// The UTF-8 bytes of `svg(title:)`, built without intermediate strings.
    func svgBytes(title: String) -> [UInt8] {
        let extent = size + 2 * Self.quietZone
        let escapedTitle = Self.xmlEscaped(title)
        var out = [UInt8]()
        out.reserveCapacity(256 + escapedTitle.count * 2 + size * size * 4)
        out += Array(#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 "#.utf8)
        appendDecimal(extent, to: &out)
        out.append(0x20)
        appendDecimal(extent, to: &out)
        out += Array(#"" shape-rendering="crispEdges" role="img" aria-label=""#.utf8)
        out += escapedTitle
        out += Array(#""><title>"#.utf8)
        out += escapedTitle
        out += Array(##"</title><rect width="100%" height="100%" fill="#fff"/><path fill="#000" d=""##.utf8)
        for y in 0..<size {
            var x = 0
            while x < size {
                guard modules[y * size + x] == 1 else {
                    x += 1
                    continue
                }
                let start = x
                while x < size && modules[y * size + x] == 1 { x += 1 }
                // M x,y h run v1 h -run z: a run-length rectangle one module high.
                out.append(UInt8(ascii: "M"))
                appendDecimal(start + Self.quietZone, to: &out)
                out.append(UInt8(ascii: ","))
                appendDecimal(y + Self.quietZone, to: &out)
                out.append(UInt8(ascii: "h"))
                appendDecimal(x - start, to: &out)
                out += [UInt8(ascii: "v"), UInt8(ascii: "1"), UInt8(ascii: "h"), UInt8(ascii: "-")]
                appendDecimal(x - start, to: &out)
                out.append(UInt8(ascii: "z"))
            }
        }
        out += Array(#""/></svg>"#.utf8)
        out.append(0x0A)
        return out
    }

    /// `text` safe inside XML character data and double- or single-quoted attributes. Characters
    /// that XML 1.0 forbids even as references (C0 controls other than tab, LF, CR; U+FFFE; U+FFFF)
    /// become U+FFFD rather than producing a document browsers refuse to parse.
    static func xmlEscaped(_ text: String) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += Array("&amp;".utf8)
            case "<": out += Array("&lt;".utf8)
            case ">": out += Array("&gt;".utf8)
            case "\"": out += Array("&quot;".utf8)
            case "'": out += Array("&apos;".utf8)
            case "\t", "\n", "\r": out += Array(String(scalar).utf8)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
                out += Array("\u{FFFD}".utf8)
            default: out += Array(String(scalar).utf8)
            }
        }
        return out
    }

    private func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        precondition(value >= 0, "only non-negative coordinates are written")
        if value >= 10 { appendDecimal(value / 10, to: &out) }
        out.append(UInt8(ascii: "0") + UInt8(value % 10))
    }
}
