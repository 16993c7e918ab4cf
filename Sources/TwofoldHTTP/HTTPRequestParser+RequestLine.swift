extension HTTPRequestParser {
    /// What has been learnt about the request being parsed, before its head is complete.
    struct PendingHead: Sendable {
        var method = HTTPMethod.get
        var path = ""
        var query: String?
        /// The authority of an absolute-form target.
        var targetAuthority: String?
        var version = HTTPVersion.http1_1
        var fields: [HTTPField] = []
        var headerBytes = 0
        var contentLength: Int?
        var hasTransferEncoding = false
        var host: String?
        var connectionClose = false
        var connectionKeepAlive = false
        var expectsContinue = false
        var hasUnknownExpectation = false
    }

    /// Parses `method SP request-target SP HTTP-version` (without CRLF) into `pending`.
    /// Syntax errors (400) win over an unsupported version (505), which wins over an unknown
    /// method (501).
    mutating func parseRequestLine(_ line: UnsafeBufferPointer<UInt8>) -> HTTPError? {
        guard let firstSpace = line.firstIndex(of: ASCII.space) else { return .invalidRequestLine() }
        let methodBytes = UnsafeBufferPointer(rebasing: line[..<firstSpace])
        guard ASCII.isToken(methodBytes) else { return .invalidMethod() }
        let rest = line[(firstSpace + 1)...]
        guard let secondSpace = rest.firstIndex(of: ASCII.space) else { return .invalidRequestLine() }
        let target = UnsafeBufferPointer(rebasing: line[(firstSpace + 1)..<secondSpace])
        guard !target.isEmpty, target.allSatisfy({ ASCII.isTargetByte($0) }) else { return .invalidTarget() }
        let versionBytes = UnsafeBufferPointer(rebasing: line[(secondSpace + 1)...])
        switch Self.parseVersion(versionBytes) {
        case .failure(let error): return error
        case .success(let version): pending.version = version
        }
        guard let method = HTTPMethod(bytes: methodBytes) else { return .methodNotImplemented() }
        pending.method = method
        return parseTarget(target)
    }

    /// `HTTP/` DIGIT `.` DIGIT, case-sensitive (RFC 9112 §2.3).
    static func parseVersion(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<HTTPVersion, HTTPError> {
        guard bytes.count == 8, bytes[0] == 0x48, bytes[1] == 0x54, bytes[2] == 0x54, bytes[3] == 0x50,
            bytes[4] == 0x2F, bytes[6] == 0x2E,
            (0x30...0x39).contains(bytes[5]), (0x30...0x39).contains(bytes[7])
        else { return .failure(.invalidVersion()) }
        let major = Int(bytes[5] - 0x30)
        let minor = Int(bytes[7] - 0x30)
        guard major == 1 else { return .failure(.versionNotSupported()) }
        return .success(minor == 0 ? .http1_0 : .http1_1)
    }

    /// Splits an origin-form, asterisk-form or absolute-form target into `pending`.
    private mutating func parseTarget(_ target: UnsafeBufferPointer<UInt8>) -> HTTPError? {
        if target[0] == UInt8(ascii: "/") {
            splitPathAndQuery(target)
            return nil
        }
        if target.count == 1, target[0] == UInt8(ascii: "*") {
            guard pending.method == .options else { return .invalidTarget() }
            pending.path = "*"
            return nil
        }
        let schemeLength: Int
        if ASCII.equalsIgnoringCase(target.prefix(7), "http://") {
            schemeLength = 7
        } else if ASCII.equalsIgnoringCase(target.prefix(8), "https://") {
            schemeLength = 8
        } else {
            return .invalidTarget()
        }
        let afterScheme = target[schemeLength...]
        let authorityEnd =
            afterScheme.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") } ?? target.endIndex
        let authority = target[schemeLength..<authorityEnd]
        // No userinfo (RFC 9110 §4.2.4 forbids it for http URIs); only host characters.
        guard !authority.isEmpty, authority.allSatisfy({ $0 != UInt8(ascii: "@") && ASCII.isHostByte($0) })
        else { return .invalidTarget() }
        pending.targetAuthority = String(decoding: authority, as: UTF8.self)
        if authorityEnd == target.endIndex {
            pending.path = "/"
        } else if target[authorityEnd] == UInt8(ascii: "?") {
            pending.path = "/"
            pending.query = String(decoding: target[(authorityEnd + 1)...], as: UTF8.self)
        } else {
            splitPathAndQuery(UnsafeBufferPointer(rebasing: target[authorityEnd...]))
        }
        return nil
    }

    private mutating func splitPathAndQuery(_ target: UnsafeBufferPointer<UInt8>) {
        if let question = target.firstIndex(of: UInt8(ascii: "?")) {
            pending.path = String(decoding: target[..<question], as: UTF8.self)
            pending.query = String(decoding: target[(question + 1)...], as: UTF8.self)
        } else {
            pending.path = String(decoding: target, as: UTF8.self)
        }
    }
}
