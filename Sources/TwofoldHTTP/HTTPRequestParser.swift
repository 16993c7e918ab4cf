/// An incremental HTTP/1.x request parser: bytes go in with `feed`, events come out of `next`.
///
/// Pure state machine, no I/O: the connection owner feeds whatever the socket returned (any
/// chunking, several pipelined requests at once) and pulls events until `next()` returns `nil`.
/// Pulling is what gives backpressure: while a request is being handled the owner simply does
/// not call `next()`, and it stops reading the socket once `bufferedByteCount` grows too large.
///
/// Strictness, chosen for smuggling safety over leniency (RFC 9112 allows both):
/// - Lines must end in CRLF; a bare LF or a CR anywhere else is 400.
/// - Up to 16 empty lines (CRLF) before a request line are skipped (RFC 9112 §2.2), more is 400.
/// - Request line: exactly `method SP target SP HTTP/d.d`; method a token; methods outside
///   `HTTPMethod` are 501. Target: origin-form, `*` for OPTIONS, or absolute-form (http/https)
///   whose authority equals Host; anything else, `#`, controls, spaces or non-ASCII are 400.
/// - HTTP/1.0 and 1.1 accepted, 1.2–1.9 handled as 1.1 (RFC 9112 §2.3), other majors 505.
/// - Headers: no obs-fold, no whitespace before the colon, token names, no control characters
///   (NUL included) in values; surrounding OWS is trimmed, so `Content-Length:  5 ` means 5.
/// - Framing: bodies only via Content-Length (plain digits, no sign, no list, no repeat, even an
///   identical one). Any Transfer-Encoding is 501 (chunked request bodies are not implemented; we
///   never guess the framing); with Content-Length too, or in HTTP/1.0, it is 400.
/// - Host: exactly one in HTTP/1.1, at most one in 1.0; checked against `allowedHosts` if set.
/// - Expect: `100-continue` (ignored in HTTP/1.0 as RFC 9110 §10.1.1 requires); others 417.
/// After a failure, or after a request that does not keep the connection alive, the parser is
/// finished: further input is dropped and `next()` returns `nil`.
public struct HTTPRequestParser: Sendable {
    public let limits: HTTPParserLimits
    /// Accepted Host values (compared ignoring ASCII case, port included), or `nil` for any.
    public let allowedHosts: [String]?

    /// Empty lines tolerated before a request line.
    static let maxLeadingEmptyLines = 16

    enum Phase: Sendable {
        case requestLine
        case headers
        case body
        case finished
    }

    private var buffer: [UInt8] = []
    /// Start of the bytes not yet consumed.
    private var readIndex = 0
    /// Where the search for the next LF resumes (bytes before it hold none).
    private var scanIndex = 0
    private(set) var phase = Phase.requestLine
    private var emptyLines = 0
    var pending = PendingHead()
    /// The accepted head while its body is being collected.
    private var bodyHead: HTTPRequestHead?

    public init(limits: HTTPParserLimits = HTTPParserLimits(), allowedHosts: [String]? = nil) {
        self.limits = limits
        self.allowedHosts = allowedHosts
    }

    /// Bytes received but not yet turned into events.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// Whether the parser will report nothing more (after a failure or a closing request).
    public var isFinished: Bool { phase == .finished }

    /// Whether part of a request has been received (for choosing between an idle and a read timeout).
    public var hasPartialRequest: Bool { phase == .headers || phase == .body || bufferedByteCount > 0 }

    /// How many body bytes of the request being received have arrived, once its head is complete
    /// and it has a body still incomplete; nil otherwise (no request, head still arriving, or the
    /// body is complete and waiting in the buffer). Servers pace slow bodies with it.
    public var bodyBytesReceived: Int? {
        guard phase == .body, let head = bodyHead, bufferedByteCount < head.contentLength else { return nil }
        return bufferedByteCount
    }

    /// The path of the request being received once its request line has been read; nil before
    /// that and between requests. After a failure it is the refused request's, so a server can
    /// shape its refusal (413, 431, 417…) by where the request was going.
    public var currentPath: String? { pending.path.isEmpty ? nil : pending.path }

    /// Appends received bytes. Input after the parser finished is dropped.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        guard phase != .finished else { return }
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Appends received bytes. Input after the parser finished is dropped.
    public mutating func feed(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { feed($0) }
    }

    /// Reports the peer's end of input: a half-received request becomes a 400 failure (for the
    /// log; the peer will not read it), otherwise the parser just finishes.
    public mutating func finish() -> HTTPParserEvent? {
        guard phase != .finished else { return nil }
        if hasPartialRequest { return fail(.incompleteRequest()) }
        phase = .finished
        return nil
    }

    /// The next event, or `nil` when more input is needed (or the parser is finished).
    public mutating func next() -> HTTPParserEvent? {
        while true {
            switch phase {
            case .finished:
                return nil
            case .body:
                guard let head = bodyHead, bufferedByteCount >= head.contentLength else { return nil }
                let body = Array(buffer[readIndex..<(readIndex + head.contentLength)])
                readIndex += head.contentLength
                scanIndex = readIndex
                return complete(HTTPRequest(head: head, body: body))
            case .requestLine, .headers:
                guard let lf = findLineFeed() else {
                    if let error = incompleteLineError() { return fail(error) }
                    return nil
                }
                let lineStart = readIndex
                readIndex = lf + 1
                scanIndex = readIndex
                let bytes = buffer
                let outcome = bytes.withUnsafeBufferPointer { all in
                    processLine(UnsafeBufferPointer(rebasing: all[lineStart..<lf]))
                }
                switch outcome {
                case .needMore: continue
                case .event(let event): return event
                case .error(let error): return fail(error)
                }
            }
        }
    }

    enum LineOutcome {
        case needMore
        case event(HTTPParserEvent)
        case error(HTTPError)
    }

    /// Handles one line; `line` includes the CR (if any) but not the LF.
    private mutating func processLine(_ line: UnsafeBufferPointer<UInt8>) -> LineOutcome {
        // Length limits first, so the verdict does not depend on how the input was chunked.
        if phase == .requestLine, line.count > limits.maxRequestLineLength + 1 {
            return .error(.requestLineTooLong())
        }
        if phase == .headers {
            pending.headerBytes += line.count + 1
            if pending.headerBytes > limits.maxHeaderBytes { return .error(.headersTooLarge()) }
        }
        guard let last = line.last, last == ASCII.cr else { return .error(.invalidLineEnding()) }
        let content = UnsafeBufferPointer(rebasing: line.dropLast())
        if phase == .requestLine {
            if content.isEmpty {
                emptyLines += 1
                return emptyLines > Self.maxLeadingEmptyLines ? .error(.tooManyEmptyLines()) : .needMore
            }
            if let error = parseRequestLine(content) { return .error(error) }
            phase = .headers
            return .needMore
        }
        if !content.isEmpty {
            if let error = parseHeaderLine(content) { return .error(error) }
            return .needMore
        }
        let head: HTTPRequestHead
        switch finishHead() {
        case .success(let accepted): head = accepted
        case .failure(let error): return .error(error)
        }
        if head.contentLength == 0 { return .event(complete(HTTPRequest(head: head))) }
        phase = .body
        bodyHead = head
        return head.expectsContinue ? .event(.continueRequested(head)) : .needMore
    }

    /// Emits a finished request and resets for the next one (or finishes on a closing request).
    private mutating func complete(_ request: HTTPRequest) -> HTTPParserEvent {
        phase = request.head.keepAlive ? .requestLine : .finished
        bodyHead = nil
        pending = PendingHead()
        emptyLines = 0
        if phase == .finished { releaseBuffer() }
        return .request(request)
    }

    private mutating func fail(_ error: HTTPError) -> HTTPParserEvent {
        phase = .finished
        releaseBuffer()
        return .failure(error)
    }

    private mutating func releaseBuffer() {
        buffer = []
        readIndex = 0
        scanIndex = 0
    }

    /// A limit already exceeded by a line whose LF has not arrived yet.
    private func incompleteLineError() -> HTTPError? {
        let partial = buffer.count - readIndex
        switch phase {
        case .requestLine where partial > limits.maxRequestLineLength + 1:
            return .requestLineTooLong()
        case .headers where pending.headerBytes + partial + 1 > limits.maxHeaderBytes:
            return .headersTooLarge()
        default:
            return nil
        }
    }

    private mutating func findLineFeed() -> Int? {
        let found: Int? = buffer.withUnsafeBufferPointer { bytes in
            var index = scanIndex
            while index < bytes.count {
                if bytes[index] == ASCII.lf { return index }
                index += 1
            }
            return nil
        }
        if found == nil { scanIndex = buffer.count }
        return found
    }

    /// Drops consumed bytes: always when all are consumed (cheap), otherwise only once enough
    /// accumulated to make the move worthwhile.
    private mutating func compact() {
        guard readIndex > 0 else { return }
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
        } else if readIndex >= 16384 || readIndex * 2 >= buffer.count {
            buffer.removeSubrange(0..<readIndex)
        } else {
            return
        }
        scanIndex -= readIndex
        readIndex = 0
    }
}
