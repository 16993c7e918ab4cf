import TwofoldTestSupport

/// A fuzzer's bytes read as a tiny program: control values taken from the front (which chunking,
/// which limits, which variant), then the rest as the data under test.
///
/// Reading past the end yields zeros rather than failing, so every input is a valid program and
/// libFuzzer's mutations of the control bytes and of the data mix freely.
struct FuzzInput {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The next byte, or 0 past the end.
    mutating func byte() -> UInt8 {
        guard index < bytes.count else { return 0 }
        defer { index += 1 }
        return bytes[index]
    }

    /// The next two bytes as a big-endian number (0 past the end).
    mutating func uint16() -> UInt16 {
        UInt16(byte()) << 8 | UInt16(byte())
    }

    /// A value of `range` chosen by the next byte.
    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(byte()) % (range.upperBound - range.lowerBound + 1)
    }

    /// One of `choices`, chosen by the next byte.
    mutating func pick<T>(_ choices: [T]) -> T {
        choices[Int(byte()) % choices.count]
    }

    /// Everything not read yet; reading it ends the program.
    mutating func rest() -> [UInt8] {
        defer { index = bytes.count }
        return index < bytes.count ? Array(bytes[index...]) : []
    }
}

extension Array {
    /// The array cut into consecutive pieces of 1 to `maxChunk` elements, sizes drawn from `seed`.
    func chunked(seed: UInt64, maxChunk: Int) -> [ArraySlice<Element>] {
        var random = SplitMix64(seed: seed)
        var pieces: [ArraySlice<Element>] = []
        var start = 0
        while start < count {
            let size = Int(random.next() % UInt64(Swift.max(1, maxChunk))) + 1
            let end = Swift.min(count, start + size)
            pieces.append(self[start..<end])
            start = end
        }
        return pieces
    }
}
