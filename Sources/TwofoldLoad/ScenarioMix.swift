/// A weighted blend of scenarios for `mixed`, written `login=5,session=90,verify=5`. Each
/// iteration picks one scenario with probability weight / total.
public struct ScenarioMix: Sendable, Equatable, CustomStringConvertible {
    /// Scenarios with positive weights, in the order given.
    public let entries: [(scenario: Scenario, weight: Int)]
    public let totalWeight: Int

    public init(entries: [(scenario: Scenario, weight: Int)]) throws(LoadError) {
        let kept = entries.filter { $0.weight > 0 }
        guard !kept.isEmpty else { throw .usage("the mix needs at least one scenario with a positive weight") }
        self.init(validated: kept)
    }

    private init(validated entries: [(scenario: Scenario, weight: Int)]) {
        self.entries = entries
        totalWeight = entries.reduce(0) { $0 + $1.weight }
    }

    /// Parses `name=weight,…`. Names are scenarios other than `mixed`; weights are integers
    /// 0…1,000,000; a name may appear once.
    public init(parsing text: String) throws(LoadError) {
        var entries: [(scenario: Scenario, weight: Int)] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = item.split(separator: "=", omittingEmptySubsequences: false)
            let name = parts.first.map { String($0).trimmed } ?? ""
            guard parts.count == 2 else { throw .usage("mix item '\(item)' is not name=weight") }
            guard let scenario = Scenario(rawValue: name) else {
                let names = Scenario.allCases.map(\.rawValue).joined(separator: ", ")
                throw .usage("unknown scenario '\(name)' in the mix (one of \(names))")
            }
            guard let weight = Int(String(parts[1]).trimmed), (0...1_000_000).contains(weight) else {
                throw .usage("the weight of \(name) must be an integer from 0 to 1000000")
            }
            guard !entries.contains(where: { $0.scenario == scenario }) else {
                throw .usage("\(name) appears twice in the mix")
            }
            entries.append((scenario, weight))
        }
        try self.init(entries: entries)
    }

    /// A mix of one scenario.
    public static func single(_ scenario: Scenario) -> ScenarioMix {
        ScenarioMix(validated: [(scenario, 1)])
    }

    /// The scenario for a uniform random `ticket` in `0..<totalWeight`.
    public func pick(_ ticket: Int) -> Scenario {
        var remaining = ((ticket % totalWeight) + totalWeight) % totalWeight
        for entry in entries {
            if remaining < entry.weight { return entry.scenario }
            remaining -= entry.weight
        }
        return entries[entries.count - 1].scenario
    }

    /// The share (0…1) of iterations that run `scenario`.
    public func share(of scenario: Scenario) -> Double {
        Double(entries.first { $0.scenario == scenario }?.weight ?? 0) / Double(totalWeight)
    }

    public var scenarios: Set<Scenario> { Set(entries.map(\.scenario)) }

    public var description: String { entries.map { "\($0.scenario.rawValue)=\($0.weight)" }.joined(separator: ",") }

    public static func == (lhs: ScenarioMix, rhs: ScenarioMix) -> Bool {
        lhs.description == rhs.description
    }
}

extension String {
    var trimmed: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
