import TwofoldWire

/// A request the driver sends: method, path, optional bearer token and JSON body.
public struct HTTPClientRequest: Sendable {
    public let method: String
    public let path: String
    /// The name the latencies and errors of this request are filed under, e.g.
    /// `POST /api/v1/invites/{token}/accept` (a path template: no token in the summary).
    public let name: String
    public let bearer: String?
    public let body: [UInt8]?

    public init(method: String, path: String, name: String? = nil, bearer: String? = nil, json: JSONValue? = nil) {
        self.method = method
        self.path = path
        self.name = name ?? "\(method) \(path)"
        self.bearer = bearer
        self.body = json?.jsonBytes
    }

    /// The bytes on the wire, for `host` (the Host header).
    public func serialized(host: String) -> [UInt8] {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\nAccept: application/json\r\n"
        if let bearer { head += "Authorization: Bearer \(bearer)\r\n" }
        if let body {
            head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n"
        } else if method == "POST" || method == "PUT" || method == "DELETE" {
            head += "Content-Length: 0\r\n"
        }
        head += "\r\n"
        return Array(head.utf8) + (body ?? [])
    }
}
