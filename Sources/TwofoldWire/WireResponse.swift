import Foundation

/// A response envelope, success `{"v":1,"id":…,"ok":true,"result":{…}}` or failure
/// `{"v":1,"id":…,"ok":false,"error":{"code":…,"message":…,"detail":…,"retry_after_ms":…}}`
/// (`detail` and `retry_after_ms` only when present).
///
/// `encoded()` writes the fields in exactly that order, with no whitespace, so responses are
/// byte-for-byte reproducible (the golden frames in `protocol/golden` depend on it).
public struct WireResponse: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case success([String: JSONValue])
        case failure(WireErrorPayload)
    }

    /// The request's id; nil only for a failure whose request id could not be read.
    public let id: RequestID?
    public let outcome: Outcome

    private init(id: RequestID?, outcome: Outcome) {
        self.id = id
        self.outcome = outcome
    }

    public static func success(id: RequestID, result: [String: JSONValue] = [:]) -> WireResponse {
        WireResponse(id: id, outcome: .success(result))
    }

    /// A success whose result is `result` encoded with `JSONValueEncoder`.
    /// - Throws: `internal` when it does not encode to a JSON object (send that error instead).
    public static func success(id: RequestID, encoding result: some Encodable) throws(WireError) -> WireResponse {
        .success(id: id, result: try WireRequest.encodeObject(result))
    }

    public static func failure(id: RequestID?, _ error: WireErrorPayload) -> WireResponse {
        WireResponse(id: id, outcome: .failure(error))
    }

    public static func failure(id: RequestID?, _ error: WireError) -> WireResponse {
        .failure(id: id, error.payload)
    }

    /// The canonical payload (see the type's documentation for the field order).
    public func encoded() -> [UInt8] {
        var writer = JSONWriter()
        writer.writeRaw("{\"v\":1")
        writer.writeKey("id")
        writer.write(id)
        switch outcome {
        case .success(let result):
            writer.writeRaw(",\"ok\":true")
            writer.writeKey("result")
            writer.write(.object(result))
        case .failure(let error):
            writer.writeRaw(",\"ok\":false")
            writer.writeKey("error")
            writer.bytes.append(UInt8(ascii: "{"))
            writer.writeKey("code", first: true)
            writer.write(error.code)
            writer.writeKey("message")
            writer.write(error.message)
            if let detail = error.detail {
                writer.writeKey("detail")
                writer.write(detail)
            }
            if let retryAfterMs = error.retryAfterMs {
                writer.writeKey("retry_after_ms")
                writer.write(Int64(retryAfterMs))
            }
            writer.bytes.append(UInt8(ascii: "}"))
        }
        writer.bytes.append(UInt8(ascii: "}"))
        return writer.bytes
    }

    /// The framed response, ready to write to the socket. A response too large for
    /// `maxFrameLength` is replaced by an `internal` error for the same id, since the peer
    /// would otherwise drop the whole connection.
    public func framed(maxFrameLength: Int = FrameDecoder.defaultMaxFrameLength) -> [UInt8] {
        if let frame = try? FrameEncoder.encode(encoded(), maxFrameLength: maxFrameLength) {
            return frame
        }
        let fallback = WireResponse.failure(id: id, WireError.internal()).encoded()
        do {
            return try FrameEncoder.encode(fallback, maxFrameLength: Int(UInt32.max))
        } catch {
            preconditionFailure("an internal-error response always fits a frame")
        }
    }
}
