/// The pixel format of a rendered PNG.
public enum PNGBitDepth: Int, Sendable, CaseIterable {
    /// 1 bit per pixel, the smallest file.
    case one = 1
    /// 8 bits per pixel (0 black, 255 white), for consumers that mishandle sub-byte depths.
    case eight = 8
}

extension QRCode {
    /// Pixels per module accepted by `png(scale:bitDepth:)`: large enough for any print, small
    /// enough that a version-40 image stays a few megabytes.
    public static let pngScaleRange = 1...32

    /// A greyscale PNG of the symbol with its 4-module quiet zone, `scale` pixels per module.
    ///
    /// - Throws: `QRError.invalidScale` when `scale` is outside `pngScaleRange`.
    public func png(scale: Int = 4, bitDepth: PNGBitDepth = .one) throws(QRError) -> [UInt8] {
        guard Self.pngScaleRange.contains(scale) else { throw .invalidScale(scale) }
        let modulesAcross = size + 2 * Self.quietZone
        let width = modulesAcross * scale
        let rowBytes = bitDepth == .one ? (width + 7) / 8 : width
        var scanlines = [UInt8]()
        scanlines.reserveCapacity(width * (1 + rowBytes))
        var row = [UInt8](repeating: 0, count: 1 + rowBytes)  // Filter type 0 (None), then pixels.
        for moduleY in 0..<modulesAcross {
            fillRow(&row, moduleY: moduleY - Self.quietZone, scale: scale, bitDepth: bitDepth)
            for _ in 0..<scale { scanlines += row }
        }
        return PNGWriter.greyscale(width: width, height: width, bitDepth: bitDepth.rawValue, scanlines: scanlines)
    }

    /// Writes one pixel row for module row `y` (which may lie in the quiet zone) after the filter byte.
    private func fillRow(_ row: inout [UInt8], moduleY y: Int, scale: Int, bitDepth: PNGBitDepth) {
        let insideRow = (0..<size).contains(y)
        let width = (size + 2 * Self.quietZone) * scale
        switch bitDepth {
        case .eight:
            for pixel in 0..<width {
                let x = pixel / scale - Self.quietZone
                let dark = insideRow && x >= 0 && x < size && modules[y * size + x] == 1
                row[1 + pixel] = dark ? 0 : 255
            }
        case .one:
            // Start all white (1 bits), including the padding bits after the last pixel, then clear dark pixels.
            for index in 1..<row.count { row[index] = 0xFF }
            guard insideRow else { return }
            for x in 0..<size where modules[y * size + x] == 1 {
                let first = (x + Self.quietZone) * scale
                for pixel in first..<(first + scale) { row[1 + (pixel >> 3)] &= ~(0x80 >> UInt8(pixel & 7)) }
            }
        }
    }
}
