import Testing

@testable import TwofoldLoad

@Suite struct ScenarioMixTests {
    @Test func parse_readsWeightsInOrder() throws {
        let mix = try ScenarioMix(parsing: "login=5, session=90,verify=5")
        #expect(mix.totalWeight == 100)
        #expect(mix.scenarios == [.login, .session, .verify])
        #expect(mix.share(of: .session) == 0.9)
        #expect(mix.share(of: .enroll) == 0)
        #expect(mix.description == "login=5,session=90,verify=5")
    }

    @Test func pick_followsTheWeights() throws {
        let mix = try ScenarioMix(parsing: "login=1,session=3")
        #expect(mix.pick(0) == .login)
        #expect(mix.pick(1) == .session)
        #expect(mix.pick(3) == .session)
        #expect(mix.pick(4) == .login)
        #expect(mix.pick(-1) == .session)
        var counts: [Scenario: Int] = [:]
        for ticket in 0..<400 { counts[mix.pick(ticket), default: 0] += 1 }
        #expect(counts == [.login: 100, .session: 300])
    }

    @Test func zeroWeights_areDropped() throws {
        let mix = try ScenarioMix(parsing: "login=0,verify=2")
        #expect(mix.scenarios == [.verify])
    }

    @Test(arguments: [
        ("", "is not name=weight"),
        ("login", "is not name=weight"),
        ("login=1=2", "is not name=weight"),
        ("mixed=1", "unknown scenario 'mixed'"),
        ("logon=1", "unknown scenario 'logon'"),
        ("login=-1", "integer from 0"),
        ("login=x", "integer from 0"),
        ("login=1,login=2", "appears twice"),
        ("login=0,verify=0", "positive weight"),
    ])
    func badMixes_areUsageErrorsThatSayWhy(text: String, expected: String) {
        #expect {
            try ScenarioMix(parsing: text)
        } throws: { error in
            guard let error = error as? LoadError else { return false }
            return error.code == "usage" && error.message.contains(expected)
        }
    }
}
