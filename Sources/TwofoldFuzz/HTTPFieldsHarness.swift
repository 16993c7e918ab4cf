import TwofoldHTTP

extension FuzzHarness {
    /// Entry point 3: what the handlers decode from an accepted request: form bodies and query
    /// strings, path segments, cookies, the Origin/Referer check, and cookies written back.
    static let httpFields = FuzzHarness(
        name: "http-fields",
        summary: "forms, percent-decoding, paths, cookies, Origin/Referer: oracles and round trips"
    ) { input throws(FuzzFailure) in
        try HTTPFieldsHarness.run(&input)
    }
}

/// Each decoder is checked against a small independent oracle written from its documented
/// rules, and against its own output written back (`decode(encode(x)) == x`).
enum HTTPFieldsHarness {
    static func run(_ input: inout FuzzInput) throws(FuzzFailure) {
        let selector = input.byte()
        let flags = input.byte()
        let data = input.rest()
        switch selector % 5 {
        case 0: try checkForm(data)
        case 1: try checkPath(data)
        case 2: try checkCookies(data, split: Int(flags))
        case 3: try checkOrigin(data, flags: flags)
        default: try checkSetCookie(data, flags: flags)
        }
    }

    // MARK: Forms and query strings

    static func checkForm(_ data: [UInt8]) throws(FuzzFailure) {
        let decoded = try? URLEncodedForm(decoding: data)
        let expected = formOracle(data)
        try check(decoded?.fields == expected, "form decoding disagrees with the oracle")
        guard let decoded else { return }
        let encoded = decoded.fields.map {
            percentEncode($0.name, space: "+") + "=" + percentEncode($0.value, space: "+")
        }
        let again = try? URLEncodedForm(decoding: encoded.joined(separator: "&"))
        try check(again == decoded, "a form written back out decodes differently")
    }

    /// `&`-separated pairs, empty ones skipped, split at the first `=`, `+` is a space, strict
    /// `%XX`, the result valid UTF-8.
    static func formOracle(_ data: [UInt8]) -> [URLEncodedForm.Field]? {
        var fields: [URLEncodedForm.Field] = []
        for pair in data.split(separator: UInt8(ascii: "&")) {
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            guard let name = percentDecode(pair[..<(equals ?? pair.endIndex)], plusAsSpace: true) else { return nil }
            var value = ""
            if let equals {
                guard let decoded = percentDecode(pair[(equals + 1)...], plusAsSpace: true) else { return nil }
                value = decoded
            }
            fields.append(URLEncodedForm.Field(name: name, value: value))
        }
        return fields
    }

    // MARK: Paths

    static func checkPath(_ data: [UInt8]) throws(FuzzFailure) {
        let path = String(decoding: data, as: UTF8.self)
        let segments = try? RequestPath.segments(of: path)
        try check(segments == pathOracle(path), "path decoding disagrees with the oracle")
        guard let segments else { return }
        let encoded = "/" + segments.map { percentEncode($0, space: "%20") }.joined(separator: "/")
        try check((try? RequestPath.segments(of: encoded)) == segments, "a path written back out decodes differently")
    }

    static func pathOracle(_ path: String) -> [String]? {
        let bytes = Array(path.utf8)
        guard bytes.first == UInt8(ascii: "/") else { return nil }
        if bytes.count == 1 { return [] }
        var segments: [String] = []
        for raw in bytes[1...].split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            guard let segment = percentDecode(raw, plusAsSpace: false) else { return nil }
            let forbidden = segment.utf8.contains {
                $0 < 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\")
            }
            if forbidden || segment == "." || segment == ".." { return nil }
            segments.append(segment)
        }
        return segments
    }

    // MARK: Cookies

    static func checkCookies(_ data: [UInt8], split: Int) throws(FuzzFailure) {
        let header = String(decoding: data, as: UTF8.self)
        let cookies = RequestCookies(headerValue: header)
        for cookie in cookies {
            try check(isToken(cookie.name.utf8), "cookie name is not a token")
            try check(!cookie.value.utf8.contains(UInt8(ascii: ";")), "cookie value holds a ';'")
        }
        // Written back with every value quoted, the cookies read the same.
        let written = cookies.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: "; ")
        try check(
            RequestCookies(headerValue: written).cookies == cookies.cookies, "cookies written back out read differently"
        )
        // Several Cookie fields are read in order, as if joined with ';'.
        let bytes = Array(header.utf8)
        let cut = bytes.isEmpty ? 0 : split % (bytes.count + 1)
        let first = String(decoding: bytes[..<cut], as: UTF8.self)
        let second = String(decoding: bytes[cut...], as: UTF8.self)
        let joined = RequestCookies(
            headers: HTTPHeaders([
                HTTPField(name: "Cookie", value: first), HTTPField(name: "cookie", value: second),
            ]))
        let separately = RequestCookies(headerValue: first).cookies + RequestCookies(headerValue: second).cookies
        try check(joined.cookies == separately, "two Cookie fields are not read in order")
    }

    static func checkSetCookie(_ data: [UInt8], flags: UInt8) throws(FuzzFailure) {
        let separator = data.firstIndex(of: 0) ?? data.endIndex
        let name = String(decoding: data[..<separator], as: UTF8.self)
        let value = String(decoding: data[min(separator + 1, data.endIndex)...], as: UTF8.self)
        let sameSite: [SetCookie.SameSite?] = [nil, .lax, .strict, SetCookie.SameSite.none]
        let cookie: SetCookie
        do {
            cookie = try SetCookie(
                name: name, value: value, path: flags & 1 == 0 ? "/" : "/a", secure: flags & 2 == 0,
                httpOnly: flags & 4 == 0, sameSite: sameSite[Int(flags >> 3) % 4])
        } catch {
            try check(error.status.code == 500, "a refused cookie is not a server error")
            return
        }
        let header = cookie.headerValue
        try check(HTTPHeaders.isValid(name: "Set-Cookie", value: header), "Set-Cookie value cannot be written")
        try check(header.hasPrefix(name + "=" + value), "Set-Cookie value does not start with the pair")
        let readBack = RequestCookies(headerValue: name + "=" + value).cookies.map { [$0.name, $0.value] }
        try check(readBack == [[name, value]], "a set cookie reads back differently")
    }

    // MARK: Origin and Referer

    static let expectedOrigins = ["http://127.0.0.1:8080", "https://login.example.co.uk"]

    static func checkOrigin(_ data: [UInt8], flags: UInt8) throws(FuzzFailure) {
        let separator = data.firstIndex(of: UInt8(ascii: "\n")) ?? data.endIndex
        let origin = String(decoding: data[..<separator], as: UTF8.self)
        let referer = String(decoding: data[min(separator + 1, data.endIndex)...], as: UTF8.self)
        var fields: [HTTPField] = []
        if flags & 1 != 0 { fields.append(HTTPField(name: "Origin", value: origin)) }
        if flags & 2 != 0 { fields.append(HTTPField(name: "Referer", value: referer)) }
        let requireHeader = flags & 4 != 0
        let expected = expectedOrigins[Int(flags >> 3) % expectedOrigins.count]
        let allowed = RequestOrigin.isAllowed(HTTPHeaders(fields), expected: expected, requireHeader: requireHeader)

        // The oracle compares bytes, ignoring ASCII case only.
        let oracle: Bool
        if flags & 1 != 0 {
            oracle = asciiLowercased(origin) == expected
        } else if flags & 2 != 0 {
            let lowered = Array(asciiLowercased(referer).utf8)
            oracle = lowered == Array(expected.utf8) || lowered.starts(with: Array((expected + "/").utf8))
        } else {
            oracle = !requireHeader
        }
        try check(
            allowed == oracle,
            "origin check says \(allowed) for Origin \(origin.debugDescription), Referer \(referer.debugDescription)")
    }

    // MARK: Helpers

    static func isToken<C: Collection<UInt8>>(_ bytes: C) -> Bool {
        let separators = Array("()<>@,;:\\\"/[]?={} \t".utf8)
        return !bytes.isEmpty && bytes.allSatisfy { $0 > 0x20 && $0 < 0x7F && !separators.contains($0) }
    }

    /// Strict percent-decoding to valid UTF-8, or nil.
    static func percentDecode<C: Collection<UInt8>>(_ bytes: C, plusAsSpace: Bool) -> String? where C.Index == Int {
        var out: [UInt8] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex, let high = hexValue(bytes[index + 1]),
                    let low = hexValue(bytes[index + 2])
                else { return nil }
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(plusAsSpace && byte == UInt8(ascii: "+") ? 0x20 : byte)
                index += 1
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x37
        case 0x61...0x66: byte - 0x57
        default: nil
        }
    }

    /// Everything but RFC 3986 unreserved characters as `%XX`; a space as `space`.
    static func percentEncode(_ text: String, space: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case 0x20:
                out += space
            default:
                let digits = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
            }
        }
        return out
    }
}
