/// One HTTP/1.1 response as the driver needs it.
public struct HTTPClientResponse: Sendable, Equatable {
    public let status: Int
    /// Header names lower-cased; a repeated header keeps its last value.
    public let headers: [String: String]
    public let body: [UInt8]
    /// False when the server said `Connection: close` (or answered HTTP/1.0 without keep-alive).
    public let keepAlive: Bool
}

/// An incremental parser for the responses of one keep-alive connection (no pipelining: one
/// response per request). Bodies by `Content-Length`, chunked, or until the server closes.
/// Pure: fed bytes, it never touches a socket, so it is tested on byte strings.
public struct HTTPResponseParser: Sendable {
    public enum Event: Sendable, Equatable {
        case needMore
        case complete(HTTPClientResponse)
    }

    public static let maxHeadLength = 64 * 1024
    public static let maxBodyLength = 8 * 1024 * 1024

    private var buffer: [UInt8] = []
    /// True for a response to HEAD (no body whatever the headers say).
    private let headRequest: Bool

    public init(headRequest: Bool = false) { self.headRequest = headRequest }

    /// Adds bytes from the socket and tries to complete the response.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(LoadError) -> Event {
        buffer.append(contentsOf: bytes)
        return try parse(atEndOfStream: false)
    }

    /// The server closed the connection: completes a body delimited by the close, else throws.
    public mutating func finish() throws(LoadError) -> HTTPClientResponse {
        if case .complete(let response) = try parse(atEndOfStream: true) { return response }
        throw .closed(buffer.isEmpty ? "the server closed the connection" : "the server closed mid-response")
    }

    /// Whether any byte of the response has arrived (a keep-alive connection closed before the
    /// first byte may be retried on a new one).
    public var hasStarted: Bool { !buffer.isEmpty }

    private func parse(atEndOfStream: Bool) throws(LoadError) -> Event {
        guard let headEnd = Self.find([13, 10, 13, 10], in: buffer, from: 0) else {
            if buffer.count > Self.maxHeadLength { throw .protocolViolation("response head over 64 KiB") }
            return .needMore
        }
        let head = try Self.parseHead(buffer[..<headEnd])
        let bodyStart = headEnd + 4
        let noBody = headRequest || head.status / 100 == 1 || head.status == 204 || head.status == 304
        if noBody { return .complete(head.response(body: [])) }
        if head.headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            guard let body = try Self.dechunk(buffer, from: bodyStart) else {
                if atEndOfStream { throw .closed("the server closed mid-body") }
                return .needMore
            }
            return .complete(head.response(body: body))
        }
        if let lengthText = head.headers["content-length"] {
            guard let length = Int(lengthText), length >= 0 else {
                throw .protocolViolation("bad Content-Length")
            }
            guard length <= Self.maxBodyLength else { throw .protocolViolation("response body over 8 MiB") }
            guard buffer.count - bodyStart >= length else {
                if atEndOfStream { throw .closed("the server closed mid-body") }
                return .needMore
            }
            return .complete(head.response(body: Array(buffer[bodyStart..<(bodyStart + length)])))
        }
        // Neither: the body runs to the end of the connection.
        guard atEndOfStream else {
            if buffer.count - bodyStart > Self.maxBodyLength { throw .protocolViolation("response body over 8 MiB") }
            return .needMore
        }
        return .complete(
            HTTPClientResponse(
                status: head.status, headers: head.headers, body: Array(buffer[bodyStart...]), keepAlive: false))
    }

    private struct Head {
        let status: Int
        let headers: [String: String]
        let keepAlive: Bool

        func response(body: [UInt8]) -> HTTPClientResponse {
            HTTPClientResponse(status: status, headers: headers, body: body, keepAlive: keepAlive)
        }
    }

    private static func parseHead(_ bytes: ArraySlice<UInt8>) throws(LoadError) -> Head {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
        guard !lines.isEmpty else { throw .protocolViolation("empty response head") }
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].count == 3,
            let status = Int(parts[1]), (100...599).contains(status)
        else { throw .protocolViolation("bad status line") }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { throw .protocolViolation("bad header line") }
            let name = line[..<colon].lowercased()
            headers[name] = String(line[line.index(after: colon)...]).trimmed
        }
        let connection = headers["connection"]?.lowercased() ?? ""
        let keepAlive =
            parts[0] == "HTTP/1.0" ? connection.contains("keep-alive") : !connection.contains("close")
        return Head(status: status, headers: headers, keepAlive: keepAlive)
    }

    /// The decoded body if every chunk (and the final zero chunk) has arrived; nil if not yet.
    private static func dechunk(_ buffer: [UInt8], from start: Int) throws(LoadError) -> [UInt8]? {
        var body: [UInt8] = []
        var offset = start
        while true {
            guard let lineEnd = find([13, 10], in: buffer, from: offset) else { return nil }
            let sizeText =
                String(decoding: buffer[offset..<lineEnd], as: UTF8.self)
                .split(separator: ";", maxSplits: 1).first.map(String.init)?.trimmed ?? ""
            guard let size = Int(sizeText, radix: 16), size >= 0 else { throw .protocolViolation("bad chunk size") }
            guard body.count + size <= maxBodyLength else { throw .protocolViolation("response body over 8 MiB") }
            offset = lineEnd + 2
            if size == 0 {
                // Trailers (ignored) end with an empty line.
                return find([13, 10, 13, 10], in: buffer, from: offset - 2) == nil ? nil : body
            }
            guard buffer.count >= offset + size + 2 else { return nil }
            body.append(contentsOf: buffer[offset..<(offset + size)])
            offset += size + 2
        }
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var index = start
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0] {
                var matched = true
                for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }
}
