import TwofoldWire

extension FuzzHarness {
    /// Entry point 1: a byte stream from a peer, split into frames (chunked at random), each
    /// frame read as a request envelope and answered, and the answers read back by a client.
    static let wire = FuzzHarness(
        name: "wire",
        summary: "frame decoder + JSON parser + request envelope: every frame answered or the stream closed"
    ) { input throws(FuzzFailure) in
        try WireStreamHarness.run(&input)
    }
}

/// Checks, for one stream: the frames do not depend on how the bytes were chunked; re-encoding
/// them gives back exactly the bytes consumed, and a framing error is justified by the bytes
/// where it stopped; every frame gets one answer that a client decodes to the same response;
/// parsed JSON survives its canonical form; a read request survives `encoded()`.
enum WireStreamHarness {
    static let operations: Set<String> = ["health", "totp.verify", "phone.set"]

    enum Step: Equatable {
        case frame([UInt8])
        case error(String)
    }

    static func run(_ input: inout FuzzInput) throws(FuzzFailure) {
        let maxFrameLength = input.pick([FrameDecoder.defaultMaxFrameLength, 256, 1])
        let chunkSeed = UInt64(input.uint16())
        let maxChunk = input.int(in: 1...64)
        let stream = input.rest()

        let whole = try frames(of: [stream[...]], maxFrameLength: maxFrameLength)
        let chunked = try frames(
            of: stream.chunked(seed: chunkSeed, maxChunk: maxChunk), maxFrameLength: maxFrameLength)
        try check(whole == chunked, "the frames depend on the chunking: \(whole) vs \(chunked)")
        try checkFraming(whole, of: stream, maxFrameLength: maxFrameLength)

        let reader = WireRequestReader(operations: operations)
        for case .frame(let payload) in whole {
            try answer(payload, reader: reader)
            try readAsResponse(payload)
        }
    }

    /// Feeds `chunks`, draining after each; stops at the first error, then checks it sticks.
    static func frames(of chunks: [ArraySlice<UInt8>], maxFrameLength: Int) throws(FuzzFailure) -> [Step] {
        var decoder = FrameDecoder(maxFrameLength: maxFrameLength)
        var steps: [Step] = []
        do throws(WireError) {
            for chunk in chunks {
                decoder.feed(chunk)
                while let frame = try decoder.next() { steps.append(.frame(frame.payload)) }
            }
            try decoder.finish()
        } catch {
            try check(error.closesConnection, "framing error \(error.code) leaves the connection open")
            steps.append(.error(error.code))
            decoder.feed([0, 0, 0, 1, 0x7B])
            let first = error.code
            var sticks = false
            do { _ = try decoder.next() } catch { sticks = error.code == first }
            try check(sticks, "a failed decoder did not keep failing with \(first)")
            return steps
        }
        try check(decoder.bufferedByteCount == 0, "finish() succeeded with bytes buffered")
        return steps
    }

    /// The frames re-encoded are exactly the consumed bytes; where decoding stopped, the next
    /// bytes justify the error.
    static func checkFraming(_ steps: [Step], of stream: [UInt8], maxFrameLength: Int) throws(FuzzFailure) {
        var consumed = 0
        for step in steps {
            switch step {
            case .frame(let payload):
                try check(!payload.isEmpty && payload.count <= maxFrameLength, "frame of \(payload.count) bytes")
                let framed: [UInt8]
                do { framed = try FrameEncoder.encode(payload, maxFrameLength: maxFrameLength) } catch {
                    throw FuzzFailure(message: "a decoded frame does not encode: \(error)", file: #fileID, line: #line)
                }
                try check(
                    stream[consumed...].starts(with: framed), "frame at \(consumed) does not re-encode to its bytes")
                consumed += framed.count
            case .error(let code):
                let left = stream.count - consumed
                let length =
                    left >= 4
                    ? Int(stream[consumed]) << 24 | Int(stream[consumed + 1]) << 16 | Int(stream[consumed + 2]) << 8
                        | Int(stream[consumed + 3]) : -1
                switch code {
                case "frame.empty": try check(length == 0, "frame.empty at a length of \(length)")
                case "frame.too_large": try check(length > maxFrameLength, "frame.too_large at a length of \(length)")
                case "frame.truncated":
                    try check(left > 0 && (length < 0 || length > left - 4), "frame.truncated with \(left) bytes left")
                default: try check(false, "unexpected framing error \(code)")
                }
                return
            }
        }
        try check(consumed == stream.count, "\(stream.count - consumed) bytes left without an error")
    }

    /// The server side of one frame: JSON round trip, envelope reading, the answer read back.
    static func answer(_ payload: [UInt8], reader: WireRequestReader) throws(FuzzFailure) {
        let isUTF8 = String(validating: payload, as: UTF8.self) != nil
        var parseError: WireError?
        var parsed: JSONValue?
        do throws(WireError) { parsed = try JSONValue.parse(payload) } catch { parseError = error }
        if let value = parsed {
            try check(isUTF8, "the parser accepted ill-formed UTF-8")
            let canonical = value.jsonBytes
            let reparsed = try? JSONValue.parse(canonical)
            try check(reparsed == value, "a parsed value does not survive its canonical form")
            try check(reparsed?.jsonBytes == canonical, "the canonical form is not stable")
        }
        if let error = parseError {
            try check(
                error.code == (isUTF8 ? "json.malformed" : "json.invalid_utf8"),
                "JSON error \(error.code) for input whose UTF-8 validity is \(isUTF8)")
        }

        let response: WireResponse
        switch reader.read(payload) {
        case .success(let request):
            try check(parseError == nil, "a request was read from invalid JSON")
            try check(operations.contains(request.operation), "an unknown operation was accepted")
            try check(request.id.isValid, "an invalid id was accepted")
            let again = reader.read(request.encoded())
            try check(again == .success(request), "a request does not survive encoded()")
            try decodeProbes { () throws(WireError) in
                _ = try request.decodeArgs(OptionalArgs.self)
                _ = try request.decodeArgs(RequiredArgs.self)
            }
            response = .success(id: request.id, result: request.args)
        case .failure(let rejection):
            try check(!rejection.error.closesConnection && rejection.error.isAnswerable, "unanswerable rejection")
            if let parseError {
                try check(rejection.error == parseError && rejection.id == nil, "JSON error not answered as such")
            }
            response = rejection.response
        }
        var client = FrameDecoder()
        client.feed(response.framed())
        let frame = try? client.next()
        try check(frame != nil && client.bufferedByteCount == 0, "the answer is not exactly one frame")
        let decoded = frame.flatMap { try? WireResponse.decode($0.payload) }
        try check(decoded == response, "the answer does not decode to itself")
    }

    /// The client side: any frame from an untrusted peer read as a response.
    static func readAsResponse(_ payload: [UInt8]) throws(FuzzFailure) {
        guard let response = try? WireResponse.decode(payload) else { return }
        try check((try? WireResponse.decode(response.encoded())) == response, "a response does not survive encoded()")
        try decodeProbes { () throws(WireError) in
            _ = try response.decodeResult(OptionalArgs.self)
            _ = try response.decodeResult(RequiredArgs.self)
        }
    }

    /// Runs `body`; decoding may fail, but only with the field-naming envelope errors.
    static func decodeProbes(_ body: () throws(WireError) -> Void) throws(FuzzFailure) {
        do { try body() } catch {
            try check(
                error.code == "request.invalid" || error.code == "response.invalid",
                "argument decoding failed with \(error.code)")
        }
    }

    /// Argument shapes exercising every container and number type of the decoder.
    struct OptionalArgs: Decodable {
        let user: String?
        let digits: Int8?
        let counter: UInt64?
        let step: Int?
        let ratio: Float?
        let weight: Double?
        let flags: [Bool]?
        let nested: [String: [UInt16]]?
        let matrix: [[Int32]]?
    }

    struct RequiredArgs: Decodable {
        let user: String
        let code: String
        let at: Int64
    }
}
