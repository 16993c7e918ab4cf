import Testing
import TwofoldHTTP
import TwofoldTestSupport

@Suite struct HTTPRequestParserFuzzTests {
    private static let seeds = [
        "GET /a?b=c HTTP/1.1\r\nHost: example.com\r\nCookie: a=b\r\n\r\n",
        "POST /login HTTP/1.1\r\nHost: h\r\nContent-Length: 7\r\nExpect: 100-continue\r\n\r\nuser=me",
        "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n",
    ].map { Array($0.utf8) }

    /// Bytes that matter to framing, favoured by the mutator.
    private static let interesting: [UInt8] = [0x0D, 0x0A, 0x00, 0x20, 0x09, 0x3A, 0x2C, 0x2D, 0x30, 0x7F, 0xFF]

    private static func mutate(_ input: [UInt8], using random: inout SplitMix64) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let position = Int.random(in: 0..<bytes.count, using: &random)
            let byte =
                Bool.random(using: &random)
                ? interesting.randomElement(using: &random)! : UInt8.random(in: 0...255, using: &random)
            switch Int.random(in: 0..<3, using: &random) {
            case 0: bytes[position] = byte
            case 1: bytes.insert(byte, at: position)
            default: if bytes.count > 1 { bytes.remove(at: position) }
            }
        }
        return bytes
    }

    @Test(arguments: 0..<8)
    func parse_mutatedRequests_neverTrapAndGiveTheSameEventsHoweverChunked(seed: Int) {
        var random = SplitMix64(seed: UInt64(seed))
        for _ in 0..<250 {
            let base = Self.seeds.randomElement(using: &random)!
            let input = Self.mutate(base, using: &random)
            let whole = ParserHarness.events([input])
            let cut = Int.random(in: 0...input.count, using: &random)
            let split = ParserHarness.events([Array(input[..<cut]), Array(input[cut...])])
            #expect(whole == split, "input \(input) cut at \(cut)")
            #expect(ParserHarness.bytewise(input) == whole, "input \(input)")
            let failures = whole.filter { if case .failure = $0 { true } else { false } }
            #expect(failures.count <= 1)
            if !failures.isEmpty { #expect(whole.last == failures.first) }
        }
    }
}
