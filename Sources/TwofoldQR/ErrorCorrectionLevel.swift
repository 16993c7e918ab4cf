/// The four Reed–Solomon error-correction levels of QR Code Model 2 (ISO/IEC 18004 §5.3.8).
///
/// Cases are ordered from least to most redundancy, so `<` means "weaker".
public enum ErrorCorrectionLevel: Int, CaseIterable, Comparable, Sendable {
    /// Recovers about 7% of codewords.
    case low = 0
    /// Recovers about 15% of codewords; the usual choice for authenticator enrollment.
    case medium = 1
    /// Recovers about 25% of codewords.
    case quartile = 2
    /// Recovers about 30% of codewords.
    case high = 3

    /// The two format-information bits (L = 01, M = 00, Q = 11, H = 10), which are not in strength order.
    var formatBits: UInt32 {
        switch self {
        case .low: 0b01
        case .medium: 0b00
        case .quartile: 0b11
        case .high: 0b10
        }
    }

    /// The single-letter name used by the standard's tables ("L", "M", "Q", "H").
    public var letter: Character {
        switch self {
        case .low: "L"
        case .medium: "M"
        case .quartile: "Q"
        case .high: "H"
        }
    }

    public static func < (lhs: ErrorCorrectionLevel, rhs: ErrorCorrectionLevel) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
