import Testing

@testable import TwofoldQR

@Suite struct QRCodeRenderingTests {
    static let uri = "otpauth://totp/Twofold:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Twofold"

    /// Rebuilds the dark-module grid from the SVG path's "Mx,yhNv1h-Nz" rectangles.
    private func modules(fromSVG svg: String, extent: Int) throws -> [[Bool]] {
        let start = try #require(svg.range(of: ##"<path fill="#000" d=""##))
        let end = try #require(svg[start.upperBound...].firstIndex(of: "\""))
        var grid = Array(repeating: Array(repeating: false, count: extent), count: extent)
        for rectangle in svg[start.upperBound..<end].split(separator: "z") {
            let parts = rectangle.dropFirst().split(whereSeparator: { "hv,".contains($0) })
            let numbers = try parts.map { try #require(Int($0)) }
            #expect(numbers.count == 5 && numbers[3] == 1 && numbers[4] == -numbers[2])
            for x in numbers[0]..<(numbers[0] + numbers[2]) {
                #expect(!grid[numbers[1]][x], "rectangles must not overlap")
                grid[numbers[1]][x] = true
            }
        }
        return grid
    }

    @Test func svg_pathDrawsExactlyTheDarkModules_offsetByTheQuietZone() throws {
        let code = try QRCode.encode(Self.uri)
        let extent = code.size + 8
        let svg = code.svg(title: "Scan me")
        #expect(svg.contains(#"viewBox="0 0 \#(extent) \#(extent)""#))
        #expect(svg.contains(#"shape-rendering="crispEdges""#) && svg.contains(#"role="img""#))
        #expect(svg.contains(#"aria-label="Scan me""#) && svg.contains("<title>Scan me</title>"))
        #expect(svg.components(separatedBy: "<path").count == 2)
        let grid = try modules(fromSVG: svg, extent: extent)
        for y in 0..<extent {
            for x in 0..<extent {
                let inside = (4..<(code.size + 4)).contains(x) && (4..<(code.size + 4)).contains(y)
                #expect(grid[y][x] == (inside && code[x - 4, y - 4]), "module \(x),\(y)")
            }
        }
    }

    @Test func svg_escapesTheTitle_andReplacesCharactersXMLForbids() throws {
        let svg = try QRCode.encode("x").svg(title: "<script>&\"Bob's\"</script>\u{7}\u{FFFE}é")
        let escaped = "&lt;script&gt;&amp;&quot;Bob&apos;s&quot;&lt;/script&gt;\u{FFFD}\u{FFFD}é"
        #expect(svg.contains("aria-label=\"\(escaped)\""))
        #expect(svg.contains("<title>\(escaped)</title>"))
        #expect(!svg.contains("<script") && !svg.contains("\u{7}"))
        #expect(QRCode.xmlEscaped("tab\tnew\nline\r") == Array("tab\tnew\nline\r".utf8))
    }

    /// Reads the half blocks back: top half is the upper module row, bottom half the lower one.
    private func glyphs(fromTerminal text: String) -> [[Bool]] {
        var rows: [[Bool]] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            rows.append(line.map { $0 == "█" || $0 == "▀" })
            rows.append(line.map { $0 == "█" || $0 == "▄" })
        }
        return rows
    }

    @Test func terminalText_drawsLightModulesAsGlyphs_andInvertedDrawsDarkOnes() throws {
        let code = try QRCode.encode(Self.uri)
        let extent = code.size + 8
        for inverted in [false, true] {
            let text = code.terminalText(inverted: inverted)
            #expect(text.hasSuffix("\n"))
            let lines = text.split(separator: "\n")
            #expect(lines.count == (extent + 1) / 2 && lines.allSatisfy { $0.count == extent })
            #expect(text.unicodeScalars.allSatisfy { "█▀▄ \n".unicodeScalars.contains($0) })
            let rows = glyphs(fromTerminal: text)
            for y in 0..<extent {
                for x in 0..<extent {
                    let inside = (4..<(code.size + 4)).contains(x) && (4..<(code.size + 4)).contains(y)
                    let dark = inside && code[x - 4, y - 4]
                    #expect(rows[y][x] == (dark == inverted), "module \(x),\(y) inverted \(inverted)")
                }
            }
            // The extent is odd, so the last line's lower half lies past the symbol and is never drawn.
            #expect(rows[extent].allSatisfy { !$0 })
        }
    }

    @Test func render_producesEachFormatsBytes() throws {
        let options = QRRenderOptions(title: "Twofold enrollment")
        let code = try QRCode.encode(Self.uri)
        #expect(
            try QRCode.render(Self.uri, as: .svg, options: options) == Array(code.svg(title: "Twofold enrollment").utf8)
        )
        #expect(try QRCode.render(Self.uri, as: .png) == code.png())
        #expect(try QRCode.render(Self.uri, as: .terminal) == Array(code.terminalText().utf8))
        let inverted = QRRenderOptions(terminalInverted: true)
        #expect(
            try QRCode.render(Self.uri, as: .terminal, options: inverted)
                == Array(code.terminalText(inverted: true).utf8))
        let large = QRRenderOptions(level: .high, pngScale: 8, pngBitDepth: .eight)
        #expect(
            try QRCode.render(Self.uri, as: .png, options: large)
                == QRCode.encode(Self.uri, level: .high).png(scale: 8, bitDepth: .eight))
        #expect(QRRenderFormat(rawValue: "terminal") == .terminal && QRRenderFormat.allCases.count == 3)
        #expect(
            QRRenderFormat.allCases.map(\.mediaType) == ["image/svg+xml", "image/png", "text/plain; charset=utf-8"])
    }

    @Test func render_boostsTheLevelWhenAsked() throws {
        let boosted = try QRCode.render("HELLO", as: .svg, options: QRRenderOptions(boostLevel: true))
        #expect(boosted == Array(try QRCode.encode("HELLO", level: .high).svg(title: "QR code").utf8))
    }

    @Test func render_passesErrorsThrough() {
        #expect(throws: QRError.dataTooLong()) { try QRCode.render(String(repeating: "x", count: 3000), as: .svg) }
        #expect(throws: QRError.invalidScale()) {
            try QRCode.render("x", as: .png, options: QRRenderOptions(pngScale: 0))
        }
    }
}
