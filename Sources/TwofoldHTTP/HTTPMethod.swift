/// The request methods this server implements.
///
/// Methods are case-sensitive tokens (RFC 9110 §9.1): `get` is a different, unknown method.
/// Any well-formed method not listed here (including `CONNECT` and `TRACE`, which the server
/// deliberately does not support) is answered with 501 by the parser, so routing only ever
/// sees these cases.
public enum HTTPMethod: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case get = "GET"
    case head = "HEAD"
    case post = "POST"
    case put = "PUT"
    case delete = "DELETE"
    case patch = "PATCH"
    case options = "OPTIONS"

    public var description: String { rawValue }

    /// Recognises a method from its exact bytes; `nil` for anything else.
    init?(bytes: UnsafeBufferPointer<UInt8>) {
        // Compare against the literal spellings without building a String.
        for method in HTTPMethod.allCases where method.rawValue.utf8.elementsEqual(bytes) {
            self = method
            return
        }
        return nil
    }
}
