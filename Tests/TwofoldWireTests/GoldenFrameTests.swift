import Testing
import TwofoldWire

@Suite("Golden frames in protocol/golden")
struct GoldenFrameTests {
    @Test func goldenFolder_holdsTheDocumentedCases() throws {
        let requests = GoldenFile.all(endingWith: ".request.hex").map(\.name)
        let responses = GoldenFile.all(endingWith: ".response.hex").map(\.name)
        #expect(requests.count >= 20)
        #expect(responses.count >= 20)
        for required in [
            "health", "frame_empty", "frame_too_large", "frame_truncated", "invalid_utf8",
            "malformed_json", "not_object", "op_wrong_type", "op_unknown", "version_unsupported", "pipelined",
        ] {
            #expect(requests.contains("\(required).request.hex"), "missing golden \(required)")
        }
    }

    @Test(arguments: GoldenFile.all(endingWith: ".request.hex"))
    func replayRequest_inOneWrite_producesExactlyTheGoldenResponse(file: GoldenFile) throws {
        let input = try file.bytes()
        let expected = try file.sibling("response.hex")?.bytes() ?? []
        var server = ReferenceServer()
        server.receive(input)
        server.receiveEnd()
        #expect(server.output == expected)
    }

    @Test(arguments: GoldenFile.all(endingWith: ".request.hex"))
    func replayRequest_oneByteAtATime_producesExactlyTheGoldenResponse(file: GoldenFile) throws {
        let input = try file.bytes()
        let expected = try file.sibling("response.hex")?.bytes() ?? []
        var server = ReferenceServer()
        for byte in input { server.receive([byte]) }
        server.receiveEnd()
        #expect(server.output == expected)
    }

    @Test(arguments: GoldenFile.all(endingWith: ".response.hex"))
    func goldenResponse_decodesAndReencodesByteForByte(file: GoldenFile) throws {
        var decoder = FrameDecoder()
        decoder.feed(try file.bytes())
        var count = 0
        while let frame = try decoder.next() {
            let response = try WireResponse.decode(frame.payload)
            #expect(response.encoded() == frame.payload)
            count += 1
        }
        try decoder.finish()
        #expect(count >= 1)
    }

    @Test(arguments: GoldenFile.all(endingWith: ".request.hex"))
    func goldenSuccessResponse_echoesTheIdOfItsRequest(file: GoldenFile) throws {
        var requests = FrameDecoder()
        requests.feed(try file.bytes())
        var responses = FrameDecoder()
        responses.feed(try file.sibling("response.hex")?.bytes() ?? [])
        let reader = WireRequestReader(operations: ["health"])
        while let requestFrame = try? requests.next(), let responseFrame = try responses.next() {
            let response = try WireResponse.decode(responseFrame.payload)
            if case .success(let request) = reader.read(requestFrame.payload) {
                #expect(response.id == request.id)
            }
        }
    }

    @Test func hexFormat_ignoresCommentsAndWhitespace_andRejectsNonHex() throws {
        #expect(try GoldenFile.decodeHex("# c 0xzz\n 0a0B \t\n ff # tail ab\n") == [0x0A, 0x0B, 0xFF])
        #expect(throws: GoldenFile.FormatError.self) { try GoldenFile.decodeHex("0g") }
        #expect(throws: GoldenFile.FormatError.self) { try GoldenFile.decodeHex("abc") }
    }
}
