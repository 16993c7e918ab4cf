import Testing
import TwofoldWire

@Suite struct FrameDecoderTests {
    private static func framed(_ text: String) -> [UInt8] {
        let payload = Array(text.utf8)
        let n = payload.count
        return [UInt8(n >> 24 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] + payload
    }

    private static func drain(_ decoder: inout FrameDecoder) throws(WireError) -> [String] {
        var texts: [String] = []
        while let frame = try decoder.next() { texts.append(String(decoding: frame.payload, as: UTF8.self)) }
        return texts
    }

    private static let texts = [#"{"a":1}"#, "{}", String(repeating: "x", count: 300)]
    private static let stream = texts.flatMap(framed)

    @Test func next_withoutInput_needsMoreData() throws {
        var decoder = FrameDecoder()
        #expect(try decoder.next() == nil)
        decoder.feed([0, 0, 0])
        #expect(try decoder.next() == nil)
        #expect(decoder.bufferedByteCount == 3)
    }

    @Test func feed_splitAtEveryByteBoundary_yieldsTheSameFrames() throws {
        for split in 0...Self.stream.count {
            var decoder = FrameDecoder()
            decoder.feed(Self.stream[..<split])
            var texts = try Self.drain(&decoder)
            decoder.feed(Self.stream[split...])
            texts += try Self.drain(&decoder)
            #expect(texts == Self.texts, "split at \(split)")
            #expect(decoder.bufferedByteCount == 0)
        }
    }

    @Test func feed_oneByteAtATime_yieldsEachFrameWhenItsLastByteArrives() throws {
        var decoder = FrameDecoder()
        var texts: [String] = []
        var frameEnds: [Int] = []
        for (offset, byte) in Self.stream.enumerated() {
            decoder.feed([byte])
            let newTexts = try Self.drain(&decoder)
            if !newTexts.isEmpty { frameEnds.append(offset) }
            texts += newTexts
        }
        #expect(texts == Self.texts)
        #expect(frameEnds == [10, 16, Self.stream.count - 1])
    }

    @Test func feed_manyPipelinedFramesInOneChunk_yieldsAllInOrder() throws {
        let texts = (0..<10_000).map { #"{"id":\#($0)}"# }
        var decoder = FrameDecoder()
        decoder.feed(texts.flatMap(Self.framed))
        #expect(try Self.drain(&decoder) == texts)
    }

    @Test func feed_interleavedWithDraining_keepsOnlyUnreadBytes() throws {
        var decoder = FrameDecoder()
        for round in 0..<1_000 {
            let chunk = Self.framed("{\"n\":\(round)}") + Self.framed("{}").prefix(2)
            decoder.feed(chunk)
            _ = try Self.drain(&decoder)
            decoder.feed(Self.framed("{}").dropFirst(2))
            #expect(try Self.drain(&decoder) == ["{}"])
            #expect(decoder.bufferedByteCount == 0)
        }
    }

    @Test func next_whenLengthIsZero_failsWithFrameEmpty_andStaysFailed() throws {
        var decoder = FrameDecoder()
        decoder.feed([0, 0, 0, 0] + Self.framed("{}"))
        #expect(throws: WireError.frameEmpty()) { try decoder.next() }
        decoder.feed(Self.framed("{}"))
        #expect(throws: WireError.frameEmpty()) { try decoder.next() }
        #expect(decoder.bufferedByteCount == 0)
        #expect(throws: WireError.frameEmpty()) { try decoder.finish() }
    }

    @Test(arguments: [[0x00, 0x10, 0x00, 0x01], [0xFF, 0xFF, 0xFF, 0xFF], [0x80, 0x00, 0x00, 0x00]] as [[UInt8]])
    func next_whenHeaderExceedsMax_failsFromTheHeaderAlone(header: [UInt8]) throws {
        var decoder = FrameDecoder()
        decoder.feed(header)
        #expect(throws: WireError.frameTooLarge(limit: 1_048_576)) { try decoder.next() }
        #expect(decoder.bufferedByteCount == 0)
        decoder.feed(Self.framed("{}"))
        #expect(throws: WireError.frameTooLarge(limit: 1_048_576)) { try decoder.next() }
    }

    @Test func next_atExactlyTheDefaultMaximum_acceptsTheFrame_andOneMoreIsRejected() throws {
        let max = FrameDecoder.defaultMaxFrameLength
        #expect(max == 1_048_576)
        var decoder = FrameDecoder()
        decoder.feed([0x00, 0x10, 0x00, 0x00] + [UInt8](repeating: 0x20, count: max))
        let frame = try #require(try decoder.next())
        #expect(frame.payload.count == max)
        decoder.feed([0x00, 0x10, 0x00, 0x01])
        #expect(throws: WireError.frameTooLarge(limit: max)) { try decoder.next() }
    }

    @Test func next_withConfiguredMaximum_enforcesIt() throws {
        var decoder = FrameDecoder(maxFrameLength: 8)
        decoder.feed(Self.framed("12345678"))
        #expect(try decoder.next()?.payload == Array("12345678".utf8))
        decoder.feed(Self.framed("123456789"))
        #expect(throws: WireError.frameTooLarge(limit: 8)) { try decoder.next() }
    }

    @Test func finish_afterWholeFrames_succeeds() throws {
        var decoder = FrameDecoder()
        decoder.feed(Self.framed("{}"))
        _ = try Self.drain(&decoder)
        try decoder.finish()
        decoder.feed(Self.framed("{}"))
        #expect(try decoder.next() == nil)
    }

    @Test(arguments: [1, 3, 4, 5])
    func finish_inTheMiddleOfAFrame_failsWithFrameTruncated(prefixLength: Int) throws {
        var decoder = FrameDecoder()
        decoder.feed(Self.framed("{\"a\":1}").prefix(prefixLength))
        #expect(try decoder.next() == nil)
        #expect(throws: WireError.frameTruncated()) { try decoder.finish() }
        #expect(throws: WireError.frameTruncated()) { try decoder.next() }
    }
}
