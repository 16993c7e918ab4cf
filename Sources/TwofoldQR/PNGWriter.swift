/// Writes a greyscale PNG (ISO/IEC 15948) whose image data is a zlib stream (RFC 1950) of stored,
/// uncompressed deflate blocks (RFC 1951 §3.2.4): simple, exact, and small enough for QR images
/// because each scanline is written once per pixel row without any compressor state.
enum PNGWriter {
    /// The most data one stored deflate block can carry (its LEN field is 16 bits).
    static let maxStoredBlock = 65535

    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// A PNG of `width` × `height` greyscale pixels at `bitDepth` (1 or 8) from `scanlines`: the
    /// filtered image data (each row a filter-type byte, 0, followed by its packed pixels).
    static func greyscale(width: Int, height: Int, bitDepth: Int, scanlines: [UInt8]) -> [UInt8] {
        precondition(bitDepth == 1 || bitDepth == 8, "only 1- and 8-bit greyscale are written")
        precondition(scanlines.count == height * (1 + (width * bitDepth + 7) / 8), "scanlines must match the size")
        var png = signature
        png.reserveCapacity(scanlines.count + scanlines.count / maxStoredBlock * 5 + 128)
        var header: [UInt8] = []
        appendBigEndian(UInt32(width), to: &header)
        appendBigEndian(UInt32(height), to: &header)
        // Bit depth, colour type 0 (greyscale), compression 0, filter method 0, no interlace.
        header += [UInt8(bitDepth), 0, 0, 0, 0]
        appendChunk("IHDR", header, to: &png)
        appendChunk("IDAT", zlibStored(scanlines), to: &png)
        appendChunk("IEND", [], to: &png)
        return png
    }

    /// A zlib stream holding `data` in stored deflate blocks, the last one flagged final.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        // CMF 0x78: deflate with a 32 KiB window; FLG 0x01 makes CMF·256 + FLG a multiple of 31.
        var stream: [UInt8] = [0x78, 0x01]
        stream.reserveCapacity(data.count + (data.count / maxStoredBlock + 1) * 5 + 6)
        var start = 0
        repeat {
            let length = min(maxStoredBlock, data.count - start)
            let isFinal = start + length == data.count
            stream.append(isFinal ? 1 : 0)  // BFINAL, BTYPE = 00 (stored); the rest of the byte is padding.
            let len = UInt16(length)
            stream += [UInt8(len & 0xFF), UInt8(len >> 8), UInt8(~len & 0xFF), UInt8(~len >> 8)]
            stream += data[start..<(start + length)]
            start += length
        } while start < data.count
        appendBigEndian(Adler32.checksum(data), to: &stream)
        return stream
    }

    private static func appendChunk(_ type: String, _ data: [UInt8], to png: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        appendBigEndian(UInt32(data.count), to: &png)
        png += typeBytes
        png += data
        appendBigEndian(CRC32.checksum(data, continuing: CRC32.checksum(typeBytes)), to: &png)
    }

    private static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}
