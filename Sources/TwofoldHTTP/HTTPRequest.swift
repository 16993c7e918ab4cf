/// A complete request: the head and its whole body (bounded by `HTTPParserLimits.maxBodySize`).
public struct HTTPRequest: Hashable, Sendable {
    public var head: HTTPRequestHead
    public var body: [UInt8]

    public init(head: HTTPRequestHead, body: [UInt8] = []) {
        self.head = head
        self.body = body
    }

    /// The decoded query string, empty when there is none.
    public func queryParameters() throws(HTTPError) -> URLEncodedForm {
        guard let query = head.query else { return URLEncodedForm() }
        return try URLEncodedForm(decoding: Array(query.utf8))
    }

    /// The body decoded as `application/x-www-form-urlencoded`. The caller checks the
    /// Content-Type first; this only decodes.
    public func formParameters() throws(HTTPError) -> URLEncodedForm {
        try URLEncodedForm(decoding: body)
    }

    /// The cookies sent in all `Cookie` fields, in order.
    public var cookies: RequestCookies { RequestCookies(headers: head.headers) }
}
