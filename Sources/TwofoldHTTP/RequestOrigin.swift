/// Where a state-changing request says it comes from: the `Origin` field, or without it the
/// `Referer` (CSRF defence in depth, next to the token; OWASP's "verifying origin with standard
/// headers").
public enum RequestOrigin {
    /// Whether `headers` name `expected` (a lower-case `scheme://host[:port]`) as the request's
    /// origin: `Origin` equal to it, or without `Origin` a `Referer` equal to it or under it
    /// (`expected/…`). Without either field the answer is `!requireHeader`.
    ///
    /// Origins are ASCII serializations (RFC 6454 §6.2), so they are compared as bytes, ignoring
    /// ASCII case only: Unicode case mapping and canonical equivalence would let `K` (U+212A
    /// KELVIN SIGN) stand for `k`, and a combining mark after the `/` hide it.
    public static func isAllowed(_ headers: HTTPHeaders, expected: String, requireHeader: Bool) -> Bool {
        if let origin = headers["Origin"] {
            return ASCII.equalsIgnoringCase(origin, expected)
        }
        if let referer = headers["Referer"] {
            return ASCII.equalsIgnoringCase(referer, expected) || ASCII.hasPrefixIgnoringCase(referer, expected + "/")
        }
        return !requireHeader
    }
}
