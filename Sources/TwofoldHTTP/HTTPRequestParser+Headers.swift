extension HTTPRequestParser {
    /// Parses one field line (without CRLF) into `pending`, recording the framing-relevant fields
    /// as it goes so that no lookup is needed afterwards.
    mutating func parseHeaderLine(_ line: UnsafeBufferPointer<UInt8>) -> HTTPError? {
        // A line starting with whitespace is obs-fold (RFC 9112 §5.2); we refuse to unfold.
        if line[0] == ASCII.space || line[0] == ASCII.tab { return .obsoleteLineFolding() }
        guard let colon = line.firstIndex(of: ASCII.colon), colon > 0 else { return .invalidHeaderName() }
        let name = UnsafeBufferPointer(rebasing: line[..<colon])
        let lastOfName = name[name.count - 1]
        if lastOfName == ASCII.space || lastOfName == ASCII.tab { return .whitespaceBeforeColon() }
        guard ASCII.isToken(name) else { return .invalidHeaderName() }
        var start = colon + 1
        var end = line.count
        while start < end, line[start] == ASCII.space || line[start] == ASCII.tab { start += 1 }
        while end > start, line[end - 1] == ASCII.space || line[end - 1] == ASCII.tab { end -= 1 }
        let value = UnsafeBufferPointer(rebasing: line[start..<end])
        guard value.allSatisfy({ ASCII.isFieldValueByte($0) }) else { return .invalidHeaderValue() }
        guard pending.fields.count < limits.maxHeaderCount else { return .tooManyHeaders() }
        if pending.fields.isEmpty { pending.fields.reserveCapacity(min(16, limits.maxHeaderCount)) }
        if let error = noteFramingField(name: name, value: value) { return error }
        pending.fields.append(
            HTTPField(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self)))
        return nil
    }

    private mutating func noteFramingField(
        name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>
    ) -> HTTPError? {
        switch name.count {
        case 4 where ASCII.equalsIgnoringCase(name, "host"):
            guard pending.host == nil, value.allSatisfy({ ASCII.isHostByte($0) }) else { return .invalidHost() }
            pending.host = String(decoding: value, as: UTF8.self)
        case 6 where ASCII.equalsIgnoringCase(name, "expect"):
            if ASCII.equalsIgnoringCase(value, "100-continue") {
                pending.expectsContinue = true
            } else {
                pending.hasUnknownExpectation = true
            }
        case 10 where ASCII.equalsIgnoringCase(name, "connection"):
            forEachListMember(value) { option in
                if ASCII.equalsIgnoringCase(option, "close") { pending.connectionClose = true }
                if ASCII.equalsIgnoringCase(option, "keep-alive") { pending.connectionKeepAlive = true }
            }
        case 14 where ASCII.equalsIgnoringCase(name, "content-length"):
            guard pending.contentLength == nil else { return .duplicateContentLength() }
            guard let length = Self.parseContentLength(value) else { return .invalidContentLength() }
            pending.contentLength = length
        case 17 where ASCII.equalsIgnoringCase(name, "transfer-encoding"):
            pending.hasTransferEncoding = true
        default:
            break
        }
        return nil
    }

    /// Calls `body` with each member of a comma-separated list, trimmed of OWS, empty ones skipped.
    private func forEachListMember(
        _ value: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void
    ) {
        var start = 0
        while start < value.count {
            var end = start
            while end < value.count, value[end] != UInt8(ascii: ",") { end += 1 }
            var first = start
            var last = end
            while first < last, value[first] == ASCII.space || value[first] == ASCII.tab { first += 1 }
            while last > first, value[last - 1] == ASCII.space || value[last - 1] == ASCII.tab { last -= 1 }
            if first < last { body(UnsafeBufferPointer(rebasing: value[first..<last])) }
            start = end + 1
        }
    }

    /// `1*DIGIT` that fits in an `Int`; anything else (sign, list, inner space, overflow) is `nil`.
    static func parseContentLength(_ value: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !value.isEmpty else { return nil }
        var result = 0
        for byte in value {
            guard (0x30...0x39).contains(byte) else { return nil }
            let (times10, overflow1) = result.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - 0x30))
            guard !overflow1, !overflow2 else { return nil }
            result = sum
        }
        return result
    }

    /// Applies the whole-head rules (framing, Host, limits, expectations) and builds the head.
    mutating func finishHead() -> Result<HTTPRequestHead, HTTPError> {
        let isHTTP10 = pending.version == .http1_0
        if pending.hasTransferEncoding {
            if pending.contentLength != nil { return .failure(.contentLengthWithTransferEncoding()) }
            return .failure(isHTTP10 ? .transferEncodingInHTTP10() : .transferEncodingNotImplemented())
        }
        if !isHTTP10, pending.host == nil { return .failure(.missingHost()) }
        if let authority = pending.targetAuthority {
            // Absolute-form: the target's authority must agree with Host (when sent), so a
            // proxy-style request can never address another site through this server.
            if let host = pending.host, !ASCII.equalsIgnoringCase(host, authority) {
                return .failure(.hostNotAllowed())
            }
            pending.host = authority
        }
        if let allowedHosts {
            guard let host = pending.host else { return .failure(.missingHost()) }
            guard allowedHosts.contains(where: { ASCII.equalsIgnoringCase($0, host) }) else {
                return .failure(.hostNotAllowed())
            }
        }
        let contentLength = pending.contentLength ?? 0
        if contentLength > limits.maxBodySize { return .failure(.contentTooLarge()) }
        if pending.hasUnknownExpectation { return .failure(.expectationFailed()) }
        let keepAlive = isHTTP10 ? pending.connectionKeepAlive && !pending.connectionClose : !pending.connectionClose
        return .success(
            HTTPRequestHead(
                method: pending.method, path: pending.path, query: pending.query, version: pending.version,
                headers: HTTPHeaders(pending.fields), host: pending.host ?? "", contentLength: contentLength,
                keepAlive: keepAlive, expectsContinue: pending.expectsContinue && !isHTTP10 && contentLength > 0))
    }
}
