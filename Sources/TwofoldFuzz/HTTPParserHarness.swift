import TwofoldHTTP

extension FuzzHarness {
    /// Entry point 2: arbitrary bytes from a browser's connection, in arbitrary chunkings.
    static let httpParser = FuzzHarness(
        name: "http-parser",
        summary: "HTTP request parser: same events however chunked, every accepted head well-formed and reparsable"
    ) { input throws(FuzzFailure) in
        try HTTPParserHarness.run(&input)
    }
}

/// Checks, for one byte stream: the events are the same fed whole, in random chunks and byte by
/// byte; they follow the parser's contract (one failure at most, last; nothing after a closing
/// request; `continueRequested` then its request); every accepted head obeys the rules the
/// parser documents; and a request written back out canonically parses to the same request.
enum HTTPParserHarness {
    static let small = HTTPParserLimits(
        maxRequestLineLength: 64, maxHeaderCount: 8, maxHeaderBytes: 256, maxBodySize: 16)
    static let roomy = HTTPParserLimits(
        maxRequestLineLength: 1 << 16, maxHeaderCount: 1 << 10, maxHeaderBytes: 1 << 20, maxBodySize: 1 << 20)
    static let hosts = ["example.com", "127.0.0.1:8080"]

    static func run(_ input: inout FuzzInput) throws(FuzzFailure) {
        let setup = input.byte()
        let limits = setup & 1 == 0 ? HTTPParserLimits() : small
        let allowedHosts = setup & 2 == 0 ? nil : hosts
        let chunkSeed = UInt64(input.uint16())
        let maxChunk = input.int(in: 1...64)
        let bytes = input.rest()

        let whole = events(of: [bytes[...]], limits: limits, allowedHosts: allowedHosts)
        let chunked = events(
            of: bytes.chunked(seed: chunkSeed, maxChunk: maxChunk), limits: limits, allowedHosts: allowedHosts)
        try check(whole == chunked, "the events depend on the chunking")
        if bytes.count <= 1024 {
            let bytewise = events(of: bytes.chunked(seed: 0, maxChunk: 1), limits: limits, allowedHosts: allowedHosts)
            try check(whole == bytewise, "the events differ when fed byte by byte")
        }
        try checkSequence(whole, limits: limits, allowedHosts: allowedHosts)
        for case .request(let request) in whole {
            try checkReparse(request, allowedHosts: allowedHosts)
        }
    }

    static func events(
        of chunks: [ArraySlice<UInt8>], limits: HTTPParserLimits, allowedHosts: [String]?
    ) -> [HTTPParserEvent] {
        var parser = HTTPRequestParser(limits: limits, allowedHosts: allowedHosts)
        var events: [HTTPParserEvent] = []
        for chunk in chunks {
            chunk.withUnsafeBytes { parser.feed($0) }
            while let event = parser.next() { events.append(event) }
        }
        if let last = parser.finish() { events.append(last) }
        return events
    }

    static func checkSequence(
        _ events: [HTTPParserEvent], limits: HTTPParserLimits, allowedHosts: [String]?
    ) throws(FuzzFailure) {
        for (index, event) in events.enumerated() {
            let isLast = index == events.count - 1
            switch event {
            case .failure(let error):
                try check(isLast, "events after the failure \(error.code)")
                try check(error.status.code >= 400, "failure \(error.code) answered with \(error.status.code)")
            case .continueRequested(let head):
                try checkHead(head, limits: limits, allowedHosts: allowedHosts)
                try check(head.expectsContinue, "continueRequested for a head that does not expect it")
                if !isLast {
                    switch events[index + 1] {
                    case .request(let request):
                        try check(request.head == head, "the request after continueRequested has another head")
                    case .failure: break
                    case .continueRequested: try check(false, "two continueRequested in a row")
                    }
                }
            case .request(let request):
                try checkHead(request.head, limits: limits, allowedHosts: allowedHosts)
                try check(request.body.count == request.head.contentLength, "body length differs from Content-Length")
                try check(request.head.keepAlive || isLast, "events after a request that closes the connection")
            }
        }
    }

    /// The rules `HTTPRequestParser` documents for an accepted head, checked independently.
    static func checkHead(
        _ head: HTTPRequestHead, limits: HTTPParserLimits, allowedHosts: [String]?
    ) throws(FuzzFailure) {
        let isTarget: (UInt8) -> Bool = { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "#") }
        if head.path == "*" {
            try check(head.method == .options && head.query == nil, "asterisk-form for \(head.method)")
        } else {
            try check(head.path.utf8.first == UInt8(ascii: "/"), "path does not start with /")
            try check(!head.path.utf8.contains(UInt8(ascii: "?")), "path contains ?")
        }
        try check(head.path.utf8.allSatisfy(isTarget), "path has a byte outside the target set")
        try check(head.query?.utf8.allSatisfy(isTarget) ?? true, "query has a byte outside the target set")
        try check(head.version == .http1_0 || head.version == .http1_1, "version \(head.version)")
        if head.version == .http1_1 {
            // An empty Host field is valid (RFC 9112 §3.2); a missing one is not.
            try check(head.headers.contains("Host") || !head.host.isEmpty, "HTTP/1.1 request without Host")
        }
        if let allowedHosts {
            try check(allowedHosts.contains { asciiLowercased($0) == asciiLowercased(head.host) }, "host not allowed")
        }
        let fields = head.headers.fields
        try check(fields.count <= limits.maxHeaderCount, "\(fields.count) header fields")
        for field in fields {
            try check(HTTPHeaders.isValid(name: field.name, value: field.value), "invalid header field accepted")
            let isOWS: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
            try check(
                !(field.value.utf8.first.map(isOWS) ?? false) && !(field.value.utf8.last.map(isOWS) ?? false),
                "header value not trimmed")
        }
        try check(head.headers.values(for: "Transfer-Encoding").isEmpty, "Transfer-Encoding accepted")
        try check(head.headers.values(for: "Host").count <= 1, "several Host fields accepted")
        let lengths = head.headers.values(for: "Content-Length")
        try check(lengths.count <= 1, "several Content-Length fields accepted")
        if let length = lengths.first {
            try check(
                length.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } && Int(length) == head.contentLength,
                "Content-Length \(length) read as \(head.contentLength)")
        } else {
            try check(head.contentLength == 0, "a body length without Content-Length")
        }
        try check(head.contentLength <= limits.maxBodySize, "body larger than the limit")
        try check(
            !head.expectsContinue || (head.version == .http1_1 && head.contentLength > 0),
            "expectsContinue for HTTP/1.0 or an empty body")
        var close = false
        var keepAlive = false
        for value in head.headers.values(for: "Connection") {
            for option in value.utf8.split(separator: UInt8(ascii: ",")) {
                let token = asciiLowercased(trimmingOWS(option))
                close = close || token == "close"
                keepAlive = keepAlive || token == "keep-alive"
            }
        }
        let expected = head.version == .http1_0 ? keepAlive && !close : !close
        try check(head.keepAlive == expected, "keepAlive \(head.keepAlive) against the Connection options")
    }

    /// Writes `request` canonically (origin-form target, the same fields, Host added when the
    /// host came from an absolute-form target) and checks it parses back to the same request.
    static func checkReparse(_ request: HTTPRequest, allowedHosts: [String]?) throws(FuzzFailure) {
        let head = request.head
        var fields = head.headers.fields
        if !head.headers.contains("Host"), !head.host.isEmpty {
            fields.append(HTTPField(name: "Host", value: head.host))
        }
        var text = "\(head.method.rawValue) \(head.path)\(head.query.map { "?" + $0 } ?? "") \(head.version)\r\n"
        for field in fields { text += "\(field.name): \(field.value)\r\n" }
        text += "\r\n"
        let reparsed = events(of: [(Array(text.utf8) + request.body)[...]], limits: roomy, allowedHosts: allowedHosts)
        guard case .request(let again)? = reparsed.last else {
            throw FuzzFailure(message: "a request written back out is refused: \(reparsed)", file: #fileID, line: #line)
        }
        try check(reparsed.count == (head.expectsContinue ? 2 : 1), "a request written back out gives \(reparsed)")
        let other = again.head
        try check(again.body == request.body, "the body changed")
        try check(
            other.method == head.method && other.path == head.path && other.query == head.query
                && other.version == head.version,
            "the request line changed")
        try check(other.headers.fields == fields, "the header fields changed")
        try check(asciiLowercased(other.host) == asciiLowercased(head.host), "the host changed")
        try check(
            other.contentLength == head.contentLength && other.keepAlive == head.keepAlive
                && other.expectsContinue == head.expectsContinue,
            "the framing changed")
    }
}

func asciiLowercased(_ text: String) -> String {
    asciiLowercased(text.utf8[...])
}

func asciiLowercased<C: Collection<UInt8>>(_ bytes: C) -> String {
    String(decoding: bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
}

/// `bytes` without leading and trailing spaces and tabs.
func trimmingOWS<C: BidirectionalCollection<UInt8>>(_ bytes: C) -> C.SubSequence {
    let isOWS: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
    guard let first = bytes.firstIndex(where: { !isOWS($0) }), let last = bytes.lastIndex(where: { !isOWS($0) })
    else { return bytes[bytes.endIndex...] }
    return bytes[first...last]
}
