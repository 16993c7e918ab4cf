import Foundation
import Synchronization
import TwofoldWire

/// Reads the SMS recovery codes the sms-sender writes to its outbox (`outbox.jsonl`: one JSON
/// object per line with `to` and `text`), the way a tester reads a phone. It reads only what
/// was appended since its last look, and remembers per number how many codes it has seen, so a
/// waiter asks for "the code after the N-th".
public final class OutboxWatcher: Sendable {
    private struct State {
        var offset: UInt64 = 0
        var partial: [UInt8] = []
        /// Per E.164 number: the recovery codes seen, oldest first.
        var codes: [String: [String]] = [:]
    }

    let path: String
    private let state = Mutex(State())

    /// Starts at the current end of the file: earlier messages are not this run's.
    public init(path: String) {
        self.path = path
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.uint64Value ?? 0
        state.withLock { $0.offset = size }
    }

    /// How many recovery codes have been seen for `phone` so far.
    public func codeCount(for phone: String) -> Int {
        poll()
        return state.withLock { $0.codes[phone]?.count ?? 0 }
    }

    /// Waits (polling every 10 ms) until `phone` has more than `seen` codes, up to `timeout`.
    public func waitForCode(for phone: String, after seen: Int, timeout: Duration) async -> String? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            poll()
            if let code = state.withLock({ state -> String? in
                guard let codes = state.codes[phone], codes.count > seen else { return nil }
                return codes[codes.count - 1]
            }) {
                return code
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    /// Reads what was appended since the last poll.
    func poll() {
        state.withLock { state in
            guard let handle = FileHandle(forReadingAtPath: path) else { return }
            defer { try? handle.close() }
            do {
                try handle.seek(toOffset: state.offset)
                guard let data = try handle.readToEnd(), !data.isEmpty else { return }
                state.offset += UInt64(data.count)
                state.partial.append(contentsOf: data)
            } catch {
                return
            }
            var start = 0
            for index in state.partial.indices where state.partial[index] == UInt8(ascii: "\n") {
                if let (to, code) = Self.recoveryCode(inLine: state.partial[start..<index]) {
                    state.codes[to, default: []].append(code)
                }
                start = index + 1
            }
            state.partial.removeFirst(start)
        }
    }

    /// The number and code of a recovery-code message (`… recovery code: 123456. …`); nil for
    /// any other line (notices, malformed lines).
    static func recoveryCode(inLine line: ArraySlice<UInt8>) -> (to: String, code: String)? {
        guard let value = try? JSONValue.parse(line), let to = value["to"]?.stringValue,
            let text = value["text"]?.stringValue, let marker = text.range(of: "recovery code: ")
        else { return nil }
        let digits = text[marker.upperBound...].prefix(while: { $0.isASCII && $0.isNumber })
        guard digits.count == 6 else { return nil }
        return (to, String(digits))
    }
}
