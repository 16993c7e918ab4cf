import Foundation
import Testing

@testable import TwofoldSystem

@Test func log_writesOneJSONObjectPerLineWithLevelAndMetadata() throws {
    let sink = LogSink.memory()
    let logger = Logger(label: "vault", minimumLevel: .info, sink: sink)
    logger.info("enrollment confirmed", ["user": "u-1", "step": 42, "ok": true])
    #expect(sink.lines.count == 1)
    let line = try #require(sink.lines.first)
    #expect(line.hasSuffix("}\n"))
    let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    #expect(object["level"] as? String == "info")
    #expect(object["logger"] as? String == "vault")
    #expect(object["msg"] as? String == "enrollment confirmed")
    #expect(object["user"] as? String == "u-1")
    #expect(object["step"] as? Int == 42)
    #expect(object["ok"] as? Bool == true)
    let time = try #require(object["time"] as? String)
    #expect(time.count == 24 && time.hasSuffix("Z"))
}

@Test func log_belowMinimumLevel_isDropped() {
    let sink = LogSink.memory()
    let logger = Logger(label: "gw", minimumLevel: .warning, sink: sink)
    logger.info("quiet")
    logger.debug("quieter")
    logger.error("loud")
    #expect(sink.lines.count == 1)
}

@Test func log_escapesQuotesControlCharactersAndSeparators() throws {
    let sink = LogSink.memory()
    Logger(label: "x", sink: sink).warning("a \"quoted\"\nline\u{0}\u{2028}\\", ["k\"": "\t"])
    let line = try #require(sink.lines.first)
    #expect(line.filter { $0 == "\n" }.count == 1)
    let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    #expect(object["msg"] as? String == "a \"quoted\"\nline\u{0}\u{2028}\\")
    #expect(object["k\""] as? String == "\t")
}

@Test func log_underJournald_prefixesSyslogPriority() {
    let sink = LogSink.memory(journald: true)
    let logger = Logger(label: "x", minimumLevel: .trace, sink: sink)
    logger.error("e")
    logger.warning("w")
    logger.info("i")
    logger.debug("d")
    #expect(sink.lines.map { String($0.prefix(3)) } == ["<3>", "<4>", "<6>", "<7>"])
}
