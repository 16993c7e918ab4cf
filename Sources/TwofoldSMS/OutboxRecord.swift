import TwofoldWire

/// One line of `outbox.jsonl`: `{"id":…,"to":…,"text":…,"time":…}` then `\n`, fields in that order,
/// strings escaped as JSON requires (so a text with newlines still takes one line).
public struct OutboxRecord: Sendable, Hashable {
    public let id: String
    public let to: String
    public let text: String
    /// RFC 3339 UTC with milliseconds: when the worker accepted the message.
    public let time: String

    public init(message: OutboxMessage, time: String) {
        self.init(id: message.id, to: message.to, text: message.text, time: time)
    }

    init(id: String, to: String, text: String, time: String) {
        self.id = id
        self.to = to
        self.text = text
        self.time = time
    }

    /// Reads one line (without its `\n`); nil unless it is a JSON object whose four fields are
    /// strings (other fields are ignored, for later versions).
    public init?(line: some Collection<UInt8>) {
        guard case .object(let fields)? = try? JSONValue.parse(line),
            case .string(let id)? = fields["id"], case .string(let to)? = fields["to"],
            case .string(let text)? = fields["text"], case .string(let time)? = fields["time"]
        else { return nil }
        self.init(id: id, to: to, text: text, time: time)
    }

    /// The line as written to the outbox, including the trailing `\n`.
    public var line: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 96)
        for (index, (key, value)) in [("id", id), ("to", to), ("text", text), ("time", time)].enumerated() {
            bytes.append(index == 0 ? UInt8(ascii: "{") : UInt8(ascii: ","))
            bytes += JSONValue.string(key).jsonBytes
            bytes.append(UInt8(ascii: ":"))
            bytes += JSONValue.string(value).jsonBytes
        }
        bytes += [UInt8(ascii: "}"), UInt8(ascii: "\n")]
        return bytes
    }
}
