/// A strict recursive-descent RFC 8259 parser over validated UTF-8.
///
/// Written here rather than using `JSONSerialization` because the protocol needs what Foundation
/// does not give: explicit UTF-8 validation, rejection of duplicate keys and unpaired surrogate
/// escapes, integers kept apart from doubles (Linux `NSNumber` blurs `1`, `1.0` and `true`),
/// a depth limit so hostile nesting cannot exhaust the stack, and error messages that carry an
/// offset but never the input. It is also a few times faster on small frames.
struct JSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private let maxDepth: Int
    private var index = 0
    private var depth = 0
    /// Set by `parseNumber`: the last number was an integer literal too large for `Int64` (it is
    /// returned as a `double`, which loses that it was written as an integer).
    private var lastNumberWasOversizedInteger = false
    /// Members of the top-level object whose value is such an oversized integer literal.
    private(set) var oversizedIntegerMembers: Set<String> = []

    private init(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// Validates `bytes` as UTF-8, then parses exactly one value surrounded by optional whitespace.
    static func parseDocument(
        _ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int = JSONValue.defaultMaxDepth
    ) -> Result<JSONValue, WireError> {
        parseDocumentNotingOversizedIntegers(bytes, maxDepth: maxDepth).map(\.value)
    }

    /// `parseDocument`, also naming the top-level members written as integer literals beyond
    /// `Int64` (an envelope reader tells `"v":99999999999999999999`, an integer it does not speak,
    /// from `"v":1e20`, which is not an integer at all).
    static func parseDocumentNotingOversizedIntegers(
        _ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int = JSONValue.defaultMaxDepth
    ) -> Result<(value: JSONValue, oversizedIntegerMembers: Set<String>), WireError> {
        if let offset = UTF8Validator.firstInvalidOffset(in: bytes) {
            return .failure(.invalidUTF8(offset: offset))
        }
        var parser = JSONParser(bytes, maxDepth: maxDepth)
        do throws(WireError) {
            parser.skipWhitespace()
            let value = try parser.parseValue()
            parser.skipWhitespace()
            if parser.index != bytes.count { throw parser.error("unexpected data after the value") }
            return .success((value, parser.oversizedIntegerMembers))
        } catch {
            return .failure(error)
        }
    }

    // MARK: Values

    private mutating func parseValue() throws(WireError) -> JSONValue {
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("unexpected byte, expected a value")
        }
    }

    private mutating func parseObject() throws(WireError) -> JSONValue {
        try enterContainer()
        index += 1  // {
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if peek(UInt8(ascii: "}")) {
            index += 1
            depth -= 1
            return .object(members)
        }
        while true {
            guard peek(UInt8(ascii: "\"")) else { throw error("expected a string key") }
            let keyOffset = index
            let key = try parseString()
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "expected ':' after a key")
            skipWhitespace()
            lastNumberWasOversizedInteger = false
            let value = try parseValue()
            if depth == 1, lastNumberWasOversizedInteger, case .double = value { oversizedIntegerMembers.insert(key) }
            if members.updateValue(value, forKey: key) != nil {
                throw WireError.malformedJSON(offset: keyOffset, reason: "duplicate key")
            }
            skipWhitespace()
            if peek(UInt8(ascii: ",")) {
                index += 1
                skipWhitespace()
                continue
            }
            try expect(UInt8(ascii: "}"), "expected ',' or '}' in an object")
            depth -= 1
            return .object(members)
        }
    }

    private mutating func parseArray() throws(WireError) -> JSONValue {
        try enterContainer()
        index += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek(UInt8(ascii: "]")) {
            index += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue())
            skipWhitespace()
            if peek(UInt8(ascii: ",")) {
                index += 1
                skipWhitespace()
                continue
            }
            try expect(UInt8(ascii: "]"), "expected ',' or ']' in an array")
            depth -= 1
            return .array(elements)
        }
    }

    private mutating func enterContainer() throws(WireError) {
        depth += 1
        if depth > maxDepth { throw .nestingTooDeep(offset: index, limit: maxDepth) }
    }

    // MARK: Strings

    /// Parses a string starting at its opening quote. Unescaped runs are copied in one step.
    private mutating func parseString() throws(WireError) -> String {
        index += 1  // opening quote
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            index += 1
        }
        var utf8 = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape(into: &utf8)
            case 0..<0x20:
                throw error("unescaped control character in a string")
            default:
                utf8.append(byte)
                index += 1
            }
        }
        throw error("unterminated string")
    }

    private mutating func parseEscape(into utf8: inout [UInt8]) throws(WireError) {
        let escapeOffset = index
        index += 1  // backslash
        guard index < bytes.count else { throw error("unterminated string") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(byte)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = UInt32(try parseHex4())
            if (0xD800...0xDBFF).contains(scalar) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                    bytes[index + 1] == UInt8(ascii: "u")
                else { throw WireError.malformedJSON(offset: escapeOffset, reason: "unpaired surrogate escape") }
                index += 2
                let low = UInt32(try parseHex4())
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw WireError.malformedJSON(offset: escapeOffset, reason: "unpaired surrogate escape")
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw WireError.malformedJSON(offset: escapeOffset, reason: "unpaired surrogate escape")
            }
            // Surrogates were excluded above, so every remaining value is a scalar.
            guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid escape") }
            utf8.append(contentsOf: unicode.utf8)
        default:
            throw WireError.malformedJSON(offset: escapeOffset, reason: "invalid escape")
        }
    }

    private mutating func parseHex4() throws(WireError) -> UInt16 {
        guard index + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("invalid hex digit in \\u escape")
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    // MARK: Numbers

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`; integers that fit stay exact.
    private mutating func parseNumber() throws(WireError) -> JSONValue {
        let start = index
        let negative = peek(UInt8(ascii: "-"))
        if negative { index += 1 }
        let intStart = index
        guard index < bytes.count, isDigit(bytes[index]) else { throw error("expected a digit") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        let intEnd = index
        var isInteger = true
        if peek(UInt8(ascii: ".")) {
            isInteger = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("expected a digit after '.'") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if peek(UInt8(ascii: "e")) || peek(UInt8(ascii: "E")) {
            isInteger = false
            index += 1
            if peek(UInt8(ascii: "+")) || peek(UInt8(ascii: "-")) { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("expected a digit in the exponent") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if isInteger, let value = exactInteger(intStart..<intEnd, negative: negative) {
            return .integer(value)
        }
        lastNumberWasOversizedInteger = isInteger
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw WireError.malformedJSON(offset: start, reason: "number out of range")
        }
        return .double(value)
    }

    /// The digits in `range` as an `Int64`, or nil if they do not fit.
    private func exactInteger(_ range: Range<Int>, negative: Bool) -> Int64? {
        var magnitude: UInt64 = 0
        for i in range {
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(bytes[i] - UInt8(ascii: "0")))
            if overflow1 || overflow2 { return nil }
            magnitude = sum
        }
        if negative {
            if magnitude == UInt64(Int64.max) + 1 { return Int64.min }
            return magnitude <= UInt64(Int64.max) ? -Int64(magnitude) : nil
        }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    // MARK: Helpers

    private mutating func expectLiteral(_ literal: StaticString) throws(WireError) {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("invalid literal") }
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: count)
        for k in 0..<count where bytes[index + k] != expected[k] {
            throw error("invalid literal")
        }
        index += count
    }

    private mutating func expect(_ byte: UInt8, _ reason: String) throws(WireError) {
        guard peek(byte) else { throw error(reason) }
        index += 1
    }

    private func peek(_ byte: UInt8) -> Bool {
        index < bytes.count && bytes[index] == byte
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func error(_ reason: String) -> WireError {
        .malformedJSON(offset: index, reason: reason)
    }
}
