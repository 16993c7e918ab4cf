/// IEEE 754 half- and single-precision conversions for CBOR's preferred serialization of floats
/// (RFC 8949 §4.1: the shortest width that keeps the value exactly; NaN as `0xf97e00`).
enum CBORFloat {
    /// The one NaN the decoder produces and the encoder writes (half precision `0x7e00`).
    static let canonicalNaNHalf: UInt16 = 0x7E00

    /// RFC 8949 Appendix D.
    static func double(fromHalf bits: UInt16) -> Double {
        let exponent = Int((bits >> 10) & 0x1F)
        let mantissa = Double(bits & 0x3FF)
        let magnitude: Double
        switch exponent {
        case 0: magnitude = mantissa * 0x1p-24
        case 31: magnitude = mantissa == 0 ? .infinity : .nan
        default: magnitude = (mantissa + 1024) * Double(sign: .plus, exponent: exponent - 25, significand: 1)
        }
        return bits & 0x8000 != 0 ? -magnitude : magnitude
    }

    /// The half-precision bits of `value` if it converts exactly (NaN gives the canonical NaN).
    static func halfBits(exactly value: Double) -> UInt16? {
        if value.isNaN { return canonicalNaNHalf }
        let sign: UInt16 = value.sign == .minus ? 0x8000 : 0
        let magnitude = value.magnitude
        if magnitude == 0 { return sign }
        if magnitude.isInfinite { return sign | 0x7C00 }
        if magnitude < 0x1p-14 {
            // Subnormal halves are the multiples of 2^-24 below 2^-14.
            let units = magnitude * 0x1p24
            guard units == units.rounded(.towardZero), units < 1024 else { return nil }
            return sign | UInt16(units)
        }
        guard magnitude <= 65504 else { return nil }
        let exponent = Int(magnitude.exponent)
        let fraction = (magnitude.significand - 1) * 1024
        guard fraction == fraction.rounded(.towardZero) else { return nil }
        return sign | UInt16(exponent + 15) << 10 | UInt16(fraction)
    }

    /// Whether `value` survives a round trip through single precision.
    static func fitsSingle(_ value: Double) -> Bool {
        value.isNaN || Double(Float(value)) == value
    }
}
