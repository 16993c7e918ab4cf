/// What a buggy or hostile peer may answer instead of a correct response, for `FakeWirePeer`
/// scripts. A client must survive each: a malformed answer fails the call as `response.invalid`
/// (and the connection is replaced); an unmatched one is dropped and the call runs into its
/// deadline (`response.timeout`, the connection kept).
public enum PeerMisbehaviour: String, CaseIterable, Sendable, CustomStringConvertible {
    // Malformed frames or envelopes.
    case randomBytes, zeroLength, hugeLength, notJSON, unrelatedJSON, withoutResult, wrongVersion, hugeVersion
    case fractionalID, closedMidFrame, closedWithoutAnswer
    // Well-formed answers that match no call, and no answer at all.
    case idAsString, idNotNumber, unknownID, silence

    public static var malformed: [PeerMisbehaviour] { allCases.filter(\.isMalformed) }
    public static var unmatched: [PeerMisbehaviour] { allCases.filter { !$0.isMalformed } }

    /// True when the client can tell at once that the answer is broken.
    public var isMalformed: Bool {
        switch self {
        case .idAsString, .idNotNumber, .unknownID, .silence: false
        default: true
        }
    }

    /// The client-side error code the call must fail with.
    public var expectedCode: String { isMalformed ? "response.invalid" : "response.timeout" }

    public var description: String { rawValue }

    public func answer(to request: FakeWirePeer.Received) -> FakeWirePeer.Answer {
        let id = request.idText
        switch self {
        case .randomBytes: return .bytes([0x9C, 0x11, 0x5E, 0xA7, 0x03, 0xFF, 0x42, 0x00, 0x17, 0xE9])
        case .zeroLength: return .bytes([0, 0, 0, 0])
        case .hugeLength: return .bytes([0x7F, 0xFF, 0xFF, 0xFF, 0x7B])
        case .notJSON: return .bytes(FakeWirePeer.frame("not json at all"))
        case .unrelatedJSON: return .bytes(FakeWirePeer.frame(#"{"hello":"world"}"#))
        case .withoutResult: return .bytes(FakeWirePeer.frame(#"{"v":1,"id":\#(id),"ok":true}"#))
        case .wrongVersion: return .bytes(FakeWirePeer.frame(#"{"v":2,"id":\#(id),"ok":true,"result":{}}"#))
        case .hugeVersion:
            return .bytes(FakeWirePeer.frame(#"{"v":18446744073709551617,"id":\#(id),"ok":true,"result":{}}"#))
        case .fractionalID: return .bytes(FakeWirePeer.frame(#"{"v":1,"id":\#(id).0,"ok":true,"result":{}}"#))
        case .closedMidFrame: return .bytesThenClose([0, 0, 0, 60] + Array(#"{"v":1,"id":"#.utf8))
        case .closedWithoutAnswer: return .close
        case .idAsString: return .bytes(FakeWirePeer.frame(#"{"v":1,"id":"\#(id)","ok":true,"result":{}}"#))
        case .idNotNumber: return .bytes(FakeWirePeer.frame(#"{"v":1,"id":"not-\#(id)","ok":true,"result":{}}"#))
        case .unknownID: return .bytes(FakeWirePeer.frame(#"{"v":1,"id":\#(id)000,"ok":true,"result":{}}"#))
        case .silence: return .silence
        }
    }
}
