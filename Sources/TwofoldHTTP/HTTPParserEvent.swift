/// What `HTTPRequestParser.next()` reports, in request order.
public enum HTTPParserEvent: Hashable, Sendable {
    /// The head of a request with `Expect: 100-continue` and a non-empty body was accepted:
    /// write `HTTPResponse.continueLine` (or a final response, then close) before the body
    /// can arrive. The matching `.request` follows once the body is in. Reported even when the
    /// body happens to be buffered already (sending `100 Continue` then is still correct), so
    /// the events do not depend on how the input was chunked.
    case continueRequested(HTTPRequestHead)
    /// A complete request.
    case request(HTTPRequest)
    /// The input is not acceptable: answer `error.status` with `Connection: close`, then close.
    /// The parser is finished; it reports nothing after this.
    case failure(HTTPError)
}
