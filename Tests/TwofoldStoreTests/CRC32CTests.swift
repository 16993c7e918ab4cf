import Foundation
import Testing
import TwofoldStore

@Suite struct CRC32CTests {
    struct Vector: CustomStringConvertible {
        let name: String
        let input: [UInt8]
        let checksum: UInt32
        var description: String { name }
    }

    static func vectors() throws -> [Vector] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "Vectors/crc32c.txt")
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let fields = line.split(separator: " ").map(String.init)
            try #require(fields.count == 3, "malformed vector line: \(line)")
            let input = fields[1] == "-" ? [] : try hex(fields[1])
            let checksum = try #require(UInt32(fields[2], radix: 16))
            return Vector(name: fields[0], input: input, checksum: checksum)
        }
    }

    static func hex(_ text: String) throws -> [UInt8] {
        let digits = Array(text)
        try #require(digits.count % 2 == 0)
        return try stride(from: 0, to: digits.count, by: 2).map { index in
            try #require(UInt8(String(digits[index...index + 1]), radix: 16))
        }
    }

    @Test func eightBytesAtATime_agreesWithOneAtATime_atEveryLengthAndAlignment() {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<300).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for start in 0..<9 {
            for end in start...bytes.count {
                var sliced = CRC32C()
                bytes.withUnsafeBytes { sliced.update(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
                var simple = CRC32C()
                simple.update(AnySequence(bytes[start..<end]))  // not contiguous: one byte at a time
                #expect(sliced.value == simple.value, "bytes \(start)..<\(end)")
            }
        }
    }

    @Test func checksum_matchesEveryPublishedVector() throws {
        let vectors = try Self.vectors()
        #expect(vectors.count >= 5)
        for vector in vectors {
            #expect(CRC32C.checksum(vector.input) == vector.checksum, "\(vector)")
        }
    }

    @Test func update_inPieces_equalsChecksumOfTheWhole() throws {
        for vector in try Self.vectors() where vector.input.count > 1 {
            for split in 1..<vector.input.count {
                var crc = CRC32C()
                crc.update(vector.input[..<split])
                vector.input[split...].withUnsafeBytes { crc.update($0) }
                #expect(crc.value == vector.checksum, "\(vector) split at \(split)")
            }
        }
    }
}
