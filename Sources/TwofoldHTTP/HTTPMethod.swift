/// The request methods this server recognises.
///
/// Methods are case-sensitive tokens (RFC 9110 §9.1): `get` is a different, unknown method.
/// Any well-formed method not listed here (including `CONNECT`, whose authority-form target the
/// server does not take) is answered with 501 by the parser, so routing only ever sees these
/// cases. `TRACE` and `QUERY` are recognised only so that the router refuses them like any
/// method a resource does not take (405 with `Allow`): no route accepts them, so nothing is ever
/// reflected, and clients probing standard methods get the answer RFC 9110 §15.5.6 describes.
public enum HTTPMethod: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case get = "GET"
    case head = "HEAD"
    case post = "POST"
    case put = "PUT"
    case delete = "DELETE"
    case patch = "PATCH"
    case options = "OPTIONS"
    case trace = "TRACE"
    case query = "QUERY"

    public var description: String { rawValue }

    /// Recognises a method from its exact bytes; `nil` for anything else.
    init?(bytes: UnsafeBufferPointer<UInt8>) {
        // Dispatch on length first: one comparison of a short literal, no String, no allocation.
        let candidate: HTTPMethod
        switch bytes.count {
        case 3: candidate = bytes[0] == UInt8(ascii: "G") ? .get : .put
        case 4: candidate = bytes[0] == UInt8(ascii: "H") ? .head : .post
        case 5:
            switch bytes[0] {
            case UInt8(ascii: "T"): candidate = .trace
            case UInt8(ascii: "Q"): candidate = .query
            default: candidate = .patch
            }
        case 6: candidate = .delete
        case 7: candidate = .options
        default: return nil
        }
        let matches = candidate.literal.withUTF8Buffer { literal in
            literal.count == bytes.count && memcmpEqual(literal, bytes)
        }
        guard matches else { return nil }
        self = candidate
    }

    private var literal: StaticString {
        switch self {
        case .get: "GET"
        case .head: "HEAD"
        case .post: "POST"
        case .put: "PUT"
        case .delete: "DELETE"
        case .patch: "PATCH"
        case .options: "OPTIONS"
        case .trace: "TRACE"
        case .query: "QUERY"
        }
    }
}

private func memcmpEqual(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Bool {
    for index in 0..<lhs.count where lhs[index] != rhs[index] { return false }
    return true
}
