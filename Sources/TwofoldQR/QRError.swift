/// The one error type of the QR module: a stable machine code, a caller-safe message and the call site.
///
/// Messages carry sizes and limits only, never the text being encoded (an otpauth URI holds a TOTP seed).
public struct QRError: Error, Hashable, CustomStringConvertible, Sendable {
    private enum Code: String, Sendable {
        case dataTooLong = "qr.data_too_long"
        case invalidVersion = "qr.invalid_version"
        case invalidScale = "qr.invalid_scale"
    }

    private let base: Code
    /// A human-readable explanation, safe for logs and operator output.
    public let message: String
    public let file: String
    public let line: Int

    private init(_ base: Code, _ message: String, file: String, line: Int) {
        self.base = base
        self.message = message
        self.file = file
        self.line = line
    }

    /// The stable machine code, e.g. `"qr.data_too_long"`.
    public var code: String { base.rawValue }

    public var description: String { "\(code): \(message) at \(file):\(line)" }

    /// Equality compares the code only, so callers can match a thrown error against the static factories.
    public static func == (lhs: QRError, rhs: QRError) -> Bool { lhs.base == rhs.base }

    public func hash(into hasher: inout Hasher) { hasher.combine(base) }

    /// The input needs more data capacity than the largest allowed symbol offers at the requested level.
    public static func dataTooLong(
        bitsNeeded: Int = 0, bitsAvailable: Int = 0, file: String = #fileID, line: Int = #line
    ) -> QRError {
        QRError(
            .dataTooLong, "input needs \(bitsNeeded) data bits but version 40 holds at most \(bitsAvailable)",
            file: file, line: line)
    }

    /// A requested version is outside 1...40.
    public static func invalidVersion(_ version: Int = 0, file: String = #fileID, line: Int = #line) -> QRError {
        QRError(.invalidVersion, "version \(version) is outside 1...40", file: file, line: line)
    }

    /// A raster scale (pixels per module) is outside `QRCode.pngScaleRange`.
    public static func invalidScale(_ scale: Int = 0, file: String = #fileID, line: Int = #line) -> QRError {
        let range = QRCode.pngScaleRange
        return QRError(
            .invalidScale, "scale \(scale) is outside \(range.lowerBound)...\(range.upperBound)", file: file, line: line
        )
    }
}
