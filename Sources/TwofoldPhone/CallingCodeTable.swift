/// Maps an E.164 number to its country: the calling code by longest prefix (codes are 1–3 digits
/// and prefix-free), then the national digits for calling codes several countries share.
public enum CallingCodeTable {
    /// Splits `digits` (E.164 digits without `+`) into its calling code and national number.
    /// Returns nil when no assigned code starts the number.
    public static func split(_ digits: String) -> (callingCode: String, national: String)? {
        for length in 1...3 where digits.count > length {
            let code = String(digits.prefix(length))
            if primary[code] != nil || nonGeographicCodes.contains(code) {
                return (code, String(digits.dropFirst(length)))
            }
        }
        return nil
    }

    /// The country of an E.164 number given as digits without `+`, or nil if unassigned.
    public static func country(ofDigits digits: String) -> Country? {
        guard let (code, national) = split(digits) else { return nil }
        if nonGeographicCodes.contains(code) { return .nonGeographic }
        if let candidates = refinements[code] {
            var best: (length: Int, country: Country)?
            for candidate in candidates where national.hasPrefix(candidate.prefix) {
                if candidate.prefix.count > (best?.length ?? 0) { best = (candidate.prefix.count, candidate.country) }
            }
            if let best { return best.country }
        }
        return primary[code]
    }

    /// Every country the table knows, once each (for listing configuration).
    public static var allCountries: Set<Country> {
        var countries = Set(primary.values)
        for candidates in refinements.values { countries.formUnion(candidates.map(\.country)) }
        return countries
    }
}
