import TwofoldHTTP

/// Drives a parser over whole inputs or chunked inputs and summarises what came out.
enum ParserHarness {
    static let smallLimits = HTTPParserLimits(
        maxRequestLineLength: 64, maxHeaderCount: 8, maxHeaderBytes: 256, maxBodySize: 16)

    /// Feeds `chunks` one after another, pulling every event after each.
    static func events(
        _ chunks: [[UInt8]], limits: HTTPParserLimits = smallLimits, allowedHosts: [String]? = nil
    ) -> [HTTPParserEvent] {
        var parser = HTTPRequestParser(limits: limits, allowedHosts: allowedHosts)
        var events: [HTTPParserEvent] = []
        for chunk in chunks {
            parser.feed(chunk)
            while let event = parser.next() { events.append(event) }
        }
        return events
    }

    static func events(_ input: String, limits: HTTPParserLimits = smallLimits) -> [HTTPParserEvent] {
        events([Array(input.utf8)], limits: limits)
    }

    /// The input fed one byte at a time.
    static func bytewise(_ input: [UInt8], limits: HTTPParserLimits = smallLimits) -> [HTTPParserEvent] {
        events(input.map { [$0] }, limits: limits)
    }

    /// Every way of cutting `input` in two.
    static func allSplits(_ input: [UInt8]) -> [[[UInt8]]] {
        (0...input.count).map { cut in [Array(input[..<cut]), Array(input[cut...])] }
    }

    static func requests(_ events: [HTTPParserEvent]) -> [HTTPRequest] {
        events.compactMap { event in
            if case .request(let request) = event { return request }
            return nil
        }
    }
}

/// The verdict on one input: the status answered (200 for an accepted request), the error code
/// if refused, and whether the connection closes afterwards.
struct Verdict: Equatable, Sendable, CustomStringConvertible {
    var status: Int
    var code: String?
    var closes: Bool

    static func accepted(keepAlive: Bool = true) -> Verdict { Verdict(status: 200, code: nil, closes: !keepAlive) }
    static func refused(_ status: Int, _ code: String) -> Verdict { Verdict(status: status, code: code, closes: true) }

    /// The first final outcome in `events`, `nil` if there is none (more input needed).
    init?(_ events: [HTTPParserEvent]) {
        for event in events {
            switch event {
            case .continueRequested: continue
            case .request(let request): self = .accepted(keepAlive: request.head.keepAlive)
            case .failure(let error): self = .refused(error.status.code, error.code)
            }
            return
        }
        return nil
    }

    init(status: Int, code: String?, closes: Bool) {
        self.status = status
        self.code = code
        self.closes = closes
    }

    var description: String { "\(status) \(code ?? "-") \(closes ? "close" : "keep-alive")" }
}
