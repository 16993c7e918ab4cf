@testable import TwofoldQR

/// A strict reader for the PNGs the renderer writes: checks signature, chunk order and CRCs,
/// the zlib header and Adler-32, and unpacks greyscale pixels with filter type 0.
struct PNGFile {
    enum Failure: Error { case malformed(String) }

    let width: Int
    let height: Int
    let bitDepth: Int
    let colorType: Int
    let interlace: Int
    let storedBlockCount: Int
    private let rows: [[UInt8]]

    init(_ bytes: [UInt8]) throws {
        guard bytes.starts(with: PNGWriter.signature) else { throw Failure.malformed("signature") }
        var offset = 8
        var chunks: [(type: String, data: [UInt8])] = []
        while offset < bytes.count {
            guard offset + 12 <= bytes.count else { throw Failure.malformed("truncated chunk") }
            let length = Self.bigEndian(bytes, offset)
            let typeBytes = Array(bytes[(offset + 4)..<(offset + 8)])
            guard offset + 12 + length <= bytes.count else { throw Failure.malformed("chunk length") }
            let data = Array(bytes[(offset + 8)..<(offset + 8 + length)])
            let crc = UInt32(Self.bigEndian(bytes, offset + 8 + length))
            guard CRC32.checksum(typeBytes + data) == crc else { throw Failure.malformed("CRC") }
            chunks.append((String(decoding: typeBytes, as: UTF8.self), data))
            offset += 12 + length
        }
        guard chunks.map(\.type) == ["IHDR", "IDAT", "IEND"], chunks[0].data.count == 13, chunks[2].data.isEmpty else {
            throw Failure.malformed("chunk sequence")
        }
        let header = chunks[0].data
        width = Self.bigEndian(header, 0)
        height = Self.bigEndian(header, 4)
        bitDepth = Int(header[8])
        colorType = Int(header[9])
        interlace = Int(header[12])
        guard header[10] == 0, header[11] == 0 else { throw Failure.malformed("compression/filter method") }

        let blocks = try Self.storedBlocks(chunks[1].data)
        storedBlockCount = blocks.count
        let raw = blocks.flatMap(\.data)
        let rowBytes = (width * bitDepth + 7) / 8
        guard raw.count == height * (rowBytes + 1) else { throw Failure.malformed("image data size") }
        rows = (0..<height).map { y in Array(raw[(y * (rowBytes + 1))..<((y + 1) * (rowBytes + 1))]) }
        guard rows.allSatisfy({ $0[0] == 0 }) else { throw Failure.malformed("filter type") }
    }

    func isBlack(x: Int, y: Int) -> Bool {
        let row = rows[y]
        if bitDepth == 8 { return row[1 + x] == 0 }
        return (row[1 + x / 8] >> (7 - UInt8(x % 8))) & 1 == 0
    }

    /// The stored blocks of a zlib stream, after checking its header and Adler-32 trailer.
    static func storedBlocks(_ stream: [UInt8]) throws -> [(isFinal: Bool, data: [UInt8])] {
        guard stream.count >= 6, stream[0] & 0x0F == 8, (Int(stream[0]) << 8 | Int(stream[1])) % 31 == 0 else {
            throw Failure.malformed("zlib header")
        }
        var blocks: [(isFinal: Bool, data: [UInt8])] = []
        var offset = 2
        while blocks.last?.isFinal != true {
            guard offset + 5 <= stream.count, stream[offset] & 0b110 == 0 else { throw Failure.malformed("block type") }
            let length = Int(stream[offset + 1]) | Int(stream[offset + 2]) << 8
            let complement = Int(stream[offset + 3]) | Int(stream[offset + 4]) << 8
            guard length ^ complement == 0xFFFF, offset + 5 + length <= stream.count else {
                throw Failure.malformed("LEN")
            }
            blocks.append((stream[offset] & 1 == 1, Array(stream[(offset + 5)..<(offset + 5 + length)])))
            offset += 5 + length
        }
        guard offset + 4 == stream.count, UInt32(bigEndian(stream, offset)) == Adler32.checksum(blocks.flatMap(\.data))
        else {
            throw Failure.malformed("Adler-32 trailer")
        }
        return blocks
    }

    private static func bigEndian(_ bytes: [UInt8], _ offset: Int) -> Int {
        (0..<4).reduce(0) { $0 << 8 | Int(bytes[offset + $1]) }
    }
}
