import Testing
import TwofoldProcess
import TwofoldWire

@testable import TwofoldLoad

@Suite struct LoadSummaryTests {
    func options(_ arguments: [String]) throws -> LoadOptions {
        guard case .run(let parsed) = try LoadOptions.parser.parse(arguments) else {
            throw LoadError.usage("help")
        }
        return try LoadOptions(parsed)
    }

    func summary(failures: Int, maxErrorRate: String = "0.01") throws -> LoadSummary {
        let recorder = LoadRecorder()
        for index in 0..<(100 - failures) {
            recorder.recordIteration(.verify, latency: UInt64(index + 1) * 1_000_000, error: nil)
            recorder.recordOperation("vault totp.verify", latency: UInt64(index + 1) * 900_000)
        }
        for _ in 0..<failures {
            recorder.recordIteration(.verify, latency: 0, error: .unexpected("vault totp.verify replayed"))
        }
        return LoadSummary(
            options: try options(["--vault-socket", "/x", "--max-error-rate", maxErrorRate]),
            snapshot: recorder.snapshot(), seconds: 2, pools: ["verify": 10], warnings: ["w"])
    }

    @Test func json_carriesCountsPercentilesErrorsAndVerdict() throws {
        let summary = try summary(failures: 2)
        let json = summary.json
        #expect(json["scenario"] == "verify")
        #expect(json["mode"] == "closed")
        #expect(json["concurrency"] == .integer(8))
        #expect(json["rate_per_s"] == .null)
        #expect(json["succeeded"] == .integer(98))
        #expect(json["failed"] == .integer(2))
        #expect(json["error_rate"] == .double(0.02))
        #expect(json["passed"] == .bool(false))
        #expect(json["throughput_per_s"] == .double(49))
        #expect(json["errors"]?["unexpected vault totp.verify replayed"] == .integer(2))
        guard case .double(let p50)? = json["latency"]?["p50_ms"] else {
            Issue.record("no p50")
            return
        }
        #expect(abs(p50 - 49) <= 0.49, "the 49th of 98 values, 1 ms apart, within 1 %")
        #expect(json["latency"]?["max_ms"] == .double(98))
        #expect(json["operations"]?["vault totp.verify"]?["count"] == .integer(98))
        #expect(json["warnings"] == .array(["w"]))
        // It round-trips through the project's strict parser.
        #expect(try JSONValue.parse(json.jsonBytes) == json)
    }

    @Test func errorRateAtOrBelowTheThreshold_passes() throws {
        #expect(try summary(failures: 1).passed)
        #expect(!(try summary(failures: 2).passed))
        #expect(try summary(failures: 2, maxErrorRate: "2%").passed)
        #expect(try summary(failures: 0).text.contains("100 ok, 0 failed"))
        #expect(try summary(failures: 2).text.contains("FAILED"))
    }

    @Test func driverSideFailures_areCountedApart() {
        let recorder = LoadRecorder()
        recorder.recordIteration(.login, latency: 0, error: .poolExhausted("dry"))
        recorder.recordIteration(.login, latency: 0, error: .timeout("POST /api/v1/login"))
        let snapshot = recorder.snapshot()
        #expect(snapshot.driverFailures == 1)
        #expect(snapshot.totalFailed == 2)
        #expect(snapshot.errors["timeout POST /api/v1/login"] == 1)
    }

    @Test func options_checkModeTargetsAndThresholds() throws {
        let open = try options(["--scenario", "get", "--gateway", "127.0.0.1:1", "--rate", "500/s", "--duration", "2s"])
        #expect(open.mode == .open(rate: 500))
        let mixed = try options([
            "--scenario", "mixed", "--mix", "verify=1,get=1", "--gateway", "127.0.0.1:1", "--vault-socket", "/v",
        ])
        #expect(mixed.mix.scenarios == [.verify, .get])
        for bad in [
            ["--scenario", "get"], ["--scenario", "login", "--gateway", "127.0.0.1:1"],
            ["--vault-socket", "/v", "--rate", "5", "--concurrency", "2"], ["--vault-socket", "/v", "--rate", "0"],
            ["--vault-socket", "/v", "--max-error-rate", "2"], ["--scenario", "mixed", "--vault-socket", "/v"],
            ["--scenario", "nope"], ["--vault-socket", "/v", "--mix", "verify=1"],
            ["--scenario", "get", "--gateway", "localhost:80"],
        ] {
            #expect(throws: LoadError.self, "\(bad)") { try options(bad) }
        }
    }

    @Test func openLoop_warnsWhenThePoolIsTooSmallForTheRate() throws {
        let small = try options(["--vault-socket", "/v", "--rate", "1000", "--users", "300", "--duration", "60s"])
        #expect(small.poolWarning?.contains("--users 30000") == true)
        let enough = try options(["--vault-socket", "/v", "--rate", "10", "--users", "300"])
        #expect(enough.poolWarning == nil)
        // By default the pool is sized for the rate over the run.
        let sized = try options(["--vault-socket", "/v", "--rate", "100", "--duration", "5s"])
        #expect(sized.poolWarning == nil)
    }

    @Test func outboxLines_yieldRecoveryCodesOnly() {
        let code = OutboxWatcher.recoveryCode(
            inLine: ArraySlice(
                #"{"id":"1","to":"+14155550100","text":"Twofold recovery code: 123456. It expires in 10 minutes.","time":"t"}"#
                    .utf8))
        #expect(code?.to == "+14155550100")
        #expect(code?.code == "123456")
        #expect(
            OutboxWatcher.recoveryCode(
                inLine: ArraySlice(#"{"id":"1","to":"+1","text":"Your authenticator was reset.","time":"t"}"#.utf8))
                == nil)
        #expect(OutboxWatcher.recoveryCode(inLine: ArraySlice("not json".utf8)) == nil)
    }
}
