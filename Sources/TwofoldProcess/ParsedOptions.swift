/// The resolved values of a command line, with typed accessors that fail with a one-line error.
public struct ParsedOptions: Sendable {
    public let values: [String: String]
    public let positionals: [String]

    public init(values: [String: String], positionals: [String] = []) {
        self.values = values
        self.positionals = positionals
    }

    public func string(_ name: String) -> String? { values[name] }

    public func require(_ name: String) throws(ProcessError) -> String {
        guard let value = values[name], !value.isEmpty else { throw .missingValue(name) }
        return value
    }

    public func flag(_ name: String) -> Bool { values[name] == "true" }

    public func int(_ name: String, in range: ClosedRange<Int>? = nil) throws(ProcessError) -> Int? {
        guard let raw = values[name] else { return nil }
        guard let value = Int(raw), range.map({ $0.contains(value) }) ?? true else {
            let expected = range.map { "an integer from \($0.lowerBound) to \($0.upperBound)" } ?? "an integer"
            throw .invalidValue(name, expected: expected)
        }
        return value
    }

    /// Durations accept a number with a unit suffix: `500ms`, `30s`, `10m`, `12h`, `7d`.
    public func duration(_ name: String) throws(ProcessError) -> Duration? {
        guard let raw = values[name] else { return nil }
        guard let value = Self.parseDuration(raw) else {
            throw .invalidValue(name, expected: "a duration such as 500ms, 30s, 10m, 12h or 7d")
        }
        return value
    }

    /// Comma-separated list; empty items are dropped.
    public func list(_ name: String) -> [String] {
        guard let raw = values[name] else { return [] }
        return raw.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    static func parseDuration(_ raw: String) -> Duration? {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        for (suffix, millis) in units where raw.hasSuffix(suffix) {
            let number = raw.dropLast(suffix.count)
            // "ms" also ends in "s": let the longer suffix win by requiring digits only.
            guard !number.isEmpty, number.allSatisfy(\.isASCII), let count = Int64(number), count >= 0 else {
                continue
            }
            let (total, overflow) = count.multipliedReportingOverflow(by: millis)
            return overflow ? nil : .milliseconds(total)
        }
        return nil
    }
}

extension Substring {
    func trimmingWhitespace() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
