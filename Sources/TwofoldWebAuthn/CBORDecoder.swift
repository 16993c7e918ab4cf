/// A strict CBOR decoder (RFC 8949) for attestation objects, COSE keys and authenticator extensions.
///
/// Every length is checked against the bytes that remain before anything is allocated, nesting
/// and item counts are bounded, and no input can trap it. It never accepts indefinite lengths or
/// duplicate map keys (compared by value, so `0x01` and `0x1801` are the same key). With
/// `Options.ctap2` it also enforces the CTAP2 canonical form that WebAuthn requires of every
/// encoder (WebAuthn §2.4): shortest heads, map keys sorted (major type, then encoded length,
/// then bytes), no tags, and floats in their shortest exact width.
public struct CBORDecoder: Sendable {
    public struct Options: Sendable, Equatable {
        /// Arrays, maps and tags nested deeper than this are refused.
        public var maxDepth: Int
        /// At most this many data items in one document.
        public var maxItems: Int
        /// At most this many bytes of input.
        public var maxBytes: Int
        /// Enforce the CTAP2 canonical encoding form.
        public var canonical: Bool
        /// Accept tags (major type 6); CTAP2's canonical form has none.
        public var allowsTags: Bool

        public init(maxDepth: Int, maxItems: Int, maxBytes: Int, canonical: Bool, allowsTags: Bool) {
            self.maxDepth = maxDepth
            self.maxItems = maxItems
            self.maxBytes = maxBytes
            self.canonical = canonical
            self.allowsTags = allowsTags
        }

        /// WebAuthn's structures: canonical, no tags. An attestation object nests four levels
        /// (object, statement, certificate chain, certificate); extensions may add a few.
        public static let ctap2 = Options(
            maxDepth: 16, maxItems: 4096, maxBytes: 64 * 1024, canonical: true, allowsTags: false)

        /// Any well-formed CBOR with definite lengths and distinct map keys (for tests and tools).
        public static let wellFormed = Options(
            maxDepth: 64, maxItems: 1 << 16, maxBytes: 1 << 20, canonical: false, allowsTags: true)
    }

    public let options: Options

    public init(options: Options = .ctap2) {
        self.options = options
    }

    /// Decodes `bytes` as exactly one data item.
    public func decode(_ bytes: [UInt8]) throws(WebAuthnError) -> CBORValue {
        let (value, end) = try decodePrefix(bytes, from: 0)
        guard end == bytes.count else { throw .malformed("\(bytes.count - end) bytes after the CBOR item") }
        return value
    }

    /// Decodes one data item starting at `start`, returning it and the offset just past it (the
    /// authenticator data holds a COSE key followed by more bytes, with no length of its own).
    public func decodePrefix(_ bytes: [UInt8], from start: Int) throws(WebAuthnError) -> (CBORValue, end: Int) {
        guard bytes.count - min(start, bytes.count) <= options.maxBytes else {
            throw .limitExceeded("CBOR input larger than \(options.maxBytes) bytes")
        }
        guard start >= 0, start <= bytes.count else { throw .malformed("CBOR start offset out of range") }
        var reader = Reader(bytes: bytes, index: start, options: options)
        let value = try reader.readItem(depth: 0)
        return (value, reader.index)
    }
}

/// The decoding state over one input.
private struct Reader {
    let bytes: [UInt8]
    var index: Int
    let options: CBORDecoder.Options
    var items = 0

    init(bytes: [UInt8], index: Int, options: CBORDecoder.Options) {
        self.bytes = bytes
        self.index = index
        self.options = options
    }

    var remaining: Int { bytes.count - index }

    /// A data item's initial byte and argument (RFC 8949 §3).
    struct Head {
        let offset: Int
        let majorType: UInt8
        let additionalInfo: UInt8
        let argument: UInt64
    }

    mutating func readItem(depth: Int) throws(WebAuthnError) -> CBORValue {
        items += 1
        guard items <= options.maxItems else { throw .limitExceeded("more than \(options.maxItems) CBOR items") }
        let head = try readHead()
        switch head.majorType {
        case 0: return .unsigned(head.argument)
        case 1: return .negative(head.argument)
        case 2: return .bytes(try readContent(length: head.argument))
        case 3:
            let content = try readContent(length: head.argument)
            guard let text = String(validating: content, as: UTF8.self) else {
                throw .malformed("invalid UTF-8 in the text string at offset \(head.offset)")
            }
            return .text(text)
        case 4:
            let count = try containerCount(head, itemsPerEntry: 1, depth: depth)
            var elements: [CBORValue] = []
            elements.reserveCapacity(Self.initialCapacity(count))
            for _ in 0..<count { elements.append(try readItem(depth: depth + 1)) }
            return .array(elements)
        case 5: return try readMap(head, depth: depth)
        case 6:
            guard options.allowsTags else { throw .cborNotCanonical("a tag at offset \(head.offset)") }
            guard depth < options.maxDepth else { throw .limitExceeded("CBOR nested deeper than \(options.maxDepth)") }
            return .tagged(head.argument, try readItem(depth: depth + 1))
        default: return try simpleOrFloat(head)
        }
    }

    mutating func readHead() throws(WebAuthnError) -> Head {
        guard index < bytes.count else { throw .malformed("CBOR truncated at offset \(index)") }
        let offset = index
        let initial = bytes[index]
        index += 1
        let majorType = initial >> 5
        let additionalInfo = initial & 0x1F
        let argument: UInt64
        switch additionalInfo {
        case 0..<24: argument = UInt64(additionalInfo)
        case 24...27:
            let width = 1 << Int(additionalInfo - 24)
            guard remaining >= width else { throw .malformed("CBOR truncated at offset \(offset)") }
            argument = bytes[index..<(index + width)].reduce(0) { $0 << 8 | UInt64($1) }
            index += width
        case 31:
            if (2...5).contains(majorType) { throw .cborIndefiniteLength(offset: offset) }
            throw .malformed(
                majorType == 7
                    ? "a CBOR break outside an indefinite-length item at offset \(offset)"
                    : "CBOR reserved additional information at offset \(offset)")
        default: throw .malformed("CBOR reserved additional information at offset \(offset)")
        }
        // Major type 7 uses the argument for simple values and floats, checked separately.
        if options.canonical, majorType != 7, !Self.isShortest(additionalInfo, argument) {
            throw .cborNotCanonical("a longer head than needed at offset \(offset)")
        }
        return Head(offset: offset, majorType: majorType, additionalInfo: additionalInfo, argument: argument)
    }

    static func isShortest(_ additionalInfo: UInt8, _ argument: UInt64) -> Bool {
        switch additionalInfo {
        case 24: argument >= 24
        case 25: argument > 0xFF
        case 26: argument > 0xFFFF
        case 27: argument > 0xFFFF_FFFF
        default: true
        }
    }

    mutating func readContent(length: UInt64) throws(WebAuthnError) -> [UInt8] {
        guard length <= UInt64(remaining) else { throw .malformed("CBOR string longer than its input") }
        let end = index + Int(length)
        defer { index = end }
        return Array(bytes[index..<end])
    }

    /// The element count of an array or map, refused before any allocation if the remaining bytes
    /// cannot hold that many items (each needs at least one byte) or the item budget is short.
    func containerCount(_ head: Head, itemsPerEntry: UInt64, depth: Int) throws(WebAuthnError) -> Int {
        guard depth < options.maxDepth else { throw .limitExceeded("CBOR nested deeper than \(options.maxDepth)") }
        let (needed, overflow) = head.argument.multipliedReportingOverflow(by: itemsPerEntry)
        guard !overflow, needed <= UInt64(remaining) else {
            throw .malformed("CBOR container at offset \(head.offset) has more items than bytes")
        }
        guard needed <= UInt64(options.maxItems - items) else {
            throw .limitExceeded("more than \(options.maxItems) CBOR items")
        }
        return Int(head.argument)
    }

    /// Capacity reserved up front: small, so nested containers that each claim many items cannot
    /// make the decoder allocate far more than the input's size before their items are read.
    static func initialCapacity(_ count: Int) -> Int { min(count, 64) }

    mutating func readMap(_ head: Head, depth: Int) throws(WebAuthnError) -> CBORValue {
        let count = try containerCount(head, itemsPerEntry: 2, depth: depth)
        var entries: [CBORMapEntry] = []
        entries.reserveCapacity(Self.initialCapacity(count))
        var seen = Set<CBORValue>()
        var previousKey: ArraySlice<UInt8>?
        for _ in 0..<count {
            let keyStart = index
            let key = try readItem(depth: depth + 1)
            let encodedKey = bytes[keyStart..<index]
            guard seen.insert(key).inserted else { throw .cborDuplicateKey(offset: keyStart) }
            if options.canonical {
                if let previousKey, !CBOREncoder.precedes(previousKey, encodedKey) {
                    throw .cborNotCanonical("map keys out of canonical order at offset \(keyStart)")
                }
                previousKey = encodedKey
            }
            entries.append(CBORMapEntry(key, try readItem(depth: depth + 1)))
        }
        return .map(entries)
    }

    mutating func simpleOrFloat(_ head: Head) throws(WebAuthnError) -> CBORValue {
        switch head.additionalInfo {
        case 20: return .bool(false)
        case 21: return .bool(true)
        case 22: return .null
        case 23: return .undefined
        case 24:
            // RFC 8949 §3.3: simple values below 32 in the two-byte form are not well-formed.
            guard head.argument >= 32 else { throw .malformed("a two-byte simple value below 32 at \(head.offset)") }
            return .simple(UInt8(head.argument))
        case 25:
            let value = CBORFloat.double(fromHalf: UInt16(head.argument))
            if options.canonical, value.isNaN, head.argument != UInt64(CBORFloat.canonicalNaNHalf) {
                throw .cborNotCanonical("a NaN other than 0xf97e00 at offset \(head.offset)")
            }
            return .float(value.isNaN ? .nan : value)
        case 26:
            let value = Double(Float(bitPattern: UInt32(head.argument)))
            if options.canonical, CBORFloat.halfBits(exactly: value) != nil {
                throw .cborNotCanonical("a single-precision float that fits half precision at \(head.offset)")
            }
            return .float(value.isNaN ? .nan : value)
        case 27:
            let value = Double(bitPattern: head.argument)
            if options.canonical, CBORFloat.fitsSingle(value) {
                throw .cborNotCanonical("a double-precision float that fits single precision at \(head.offset)")
            }
            return .float(value.isNaN ? .nan : value)
        default: return .simple(head.additionalInfo)
        }
    }
}
