/// A response to serialize: status, header fields and the whole body.
public struct HTTPResponse: Hashable, Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: HTTPStatus, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The interim response to write when the parser reports `.continueRequested`.
    public static let continueLine: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// A plain-text answer for a refused request: the error's status and its client-safe message.
    public init(error: HTTPError) {
        self.init(
            status: error.status,
            headers: ["Content-Type": "text/plain; charset=utf-8"],
            body: Array((error.message + "\n").utf8))
    }

    /// Fields the serializer writes itself; same-named entries in `headers` are not written.
    static func isManaged(_ name: String) -> Bool {
        ASCII.equalsIgnoringCase(name, "content-length") || ASCII.equalsIgnoringCase(name, "date")
            || ASCII.equalsIgnoringCase(name, "connection") || ASCII.equalsIgnoringCase(name, "transfer-encoding")
    }

    /// Appends the response as HTTP/1.1 bytes to `out`.
    ///
    /// Writes the status line, the fields of `headers` in order, then `Content-Length`, `Date`
    /// and, when needed, `Connection` (`close`, or `keep-alive` for an HTTP/1.0 client that
    /// asked for it). A field whose name is not a token or whose value holds CR, LF or another
    /// control character is left out rather than written, so no value can split the response.
    /// 1xx, 204 and 304 responses get neither Content-Length nor body; with `omitBody` (HEAD)
    /// Content-Length still states the length of the body that a GET would have sent.
    ///
    /// - Parameters:
    ///   - date: the IMF-fixdate for `Date`, typically cached per second by the caller.
    ///   - keepAlive: whether the connection stays open after this response.
    ///   - requestVersion: the version of the request being answered.
    ///   - omitBody: true when answering HEAD.
    public func serialize(
        into out: inout [UInt8], date: String, keepAlive: Bool, requestVersion: HTTPVersion = .http1_1,
        omitBody: Bool = false
    ) {
        out.reserveCapacity(out.count + 128 + body.count)
        out.append(contentsOf: "HTTP/1.1 ".utf8)
        out.append(contentsOf: String(status.code).utf8)
        out.append(ASCII.space)
        out.append(contentsOf: status.reasonPhrase.utf8)
        out.append(contentsOf: "\r\n".utf8)
        for field in headers.fields where !Self.isManaged(field.name) {
            guard HTTPHeaders.isValid(name: field.name, value: field.value) else { continue }
            appendField(field.name, field.value, to: &out)
        }
        if !status.forbidsContent { appendField("Content-Length", String(body.count), to: &out) }
        appendField("Date", date, to: &out)
        if !keepAlive {
            appendField("Connection", "close", to: &out)
        } else if requestVersion == .http1_0 {
            appendField("Connection", "keep-alive", to: &out)
        }
        out.append(contentsOf: "\r\n".utf8)
        if !omitBody && !status.forbidsContent { out.append(contentsOf: body) }
    }

    /// Appends the response as the answer to `head`, honouring its keep-alive decision, its
    /// version and HEAD. Pass `keepAlive: false` to close regardless of what the client wanted.
    public func serialize(
        into out: inout [UInt8], date: String, respondingTo head: HTTPRequestHead, keepAlive: Bool = true
    ) {
        serialize(
            into: &out, date: date, keepAlive: keepAlive && head.keepAlive, requestVersion: head.version,
            omitBody: head.method == .head)
    }

    private func appendField(_ name: String, _ value: String, to out: inout [UInt8]) {
        out.append(contentsOf: name.utf8)
        out.append(contentsOf: ": ".utf8)
        out.append(contentsOf: value.utf8)
        out.append(contentsOf: "\r\n".utf8)
    }
}
