/// Where a state-changing request says it comes from: the `Origin` field, or without it the
/// `Referer` (CSRF defence in depth, next to the token; OWASP's "verifying origin with standard
/// headers").
public enum RequestOrigin {
    /// Whether `headers` name `expected` (a lower-case `scheme://host[:port]`) as the request's
    /// origin: `Origin` equal to it, or without `Origin` a `Referer` equal to it or under it
    /// (`expected/…`). Without either field the answer is `!requireHeader`.
    public static func isAllowed(_ headers: HTTPHeaders, expected: String, requireHeader: Bool) -> Bool {
        if let origin = headers["Origin"] {
            return origin.lowercased() == expected
        }
        if let referer = headers["Referer"] {
            let lowered = referer.lowercased()
            return lowered == expected || lowered.hasPrefix(expected + "/")
        }
        return !requireHeader
    }
}
