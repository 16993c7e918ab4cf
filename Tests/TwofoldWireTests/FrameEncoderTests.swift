import Testing
import TwofoldWire

@Suite struct FrameEncoderTests {
    @Test func encode_prefixesTheBigEndianLength() throws {
        #expect(try FrameEncoder.encode(Array("{}".utf8)) == [0, 0, 0, 2, 0x7B, 0x7D])
        let big = [UInt8](repeating: 0x20, count: 0x01_02_03)
        #expect(try FrameEncoder.encode(big).prefix(4) == [0x00, 0x01, 0x02, 0x03])
    }

    @Test func encode_emptyPayload_failsWithFrameEmpty() {
        #expect(throws: WireError.frameEmpty()) { try FrameEncoder.encode([UInt8]()) }
    }

    @Test func append_overMaximum_failsAndLeavesTheBufferUnchanged() {
        var buffer: [UInt8] = [1, 2, 3]
        #expect(throws: WireError.frameTooLarge(limit: 4)) {
            try FrameEncoder.append([UInt8](repeating: 0, count: 5), to: &buffer, maxFrameLength: 4)
        }
        #expect(buffer == [1, 2, 3])
    }

    @Test func encodedFrames_roundTripThroughTheDecoder() throws {
        var stream: [UInt8] = []
        let payloads = ["{}", #"{"é":"😀"}"#, String(repeating: "z", count: 70_000)].map { Array($0.utf8) }
        for payload in payloads { try FrameEncoder.append(payload, to: &stream) }
        var decoder = FrameDecoder()
        decoder.feed(stream)
        var decoded: [[UInt8]] = []
        while let frame = try decoder.next() { decoded.append(frame.payload) }
        #expect(decoded == payloads)
    }
}
