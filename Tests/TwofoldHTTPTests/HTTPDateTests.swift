import Foundation
import Testing
import TwofoldHTTP

@Suite struct HTTPDateTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let seconds: Int64
        let text: String
        var testDescription: String { "\(seconds)" }
    }

    static func vectors() throws -> [Vector] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Vectors/imf-fixdate.txt")
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("#") }
            .map { line in
                let parts = line.split(separator: "\t")
                return Vector(seconds: Int64(parts[0])!, text: String(parts[1]))
            }
    }

    @Test func vectors_fileIsPresentAndNonTrivial() throws {
        #expect(try Self.vectors().count >= 10)
    }

    @Test(arguments: try vectors())
    func imfFixdate_matchesVector(_ vector: Vector) {
        #expect(HTTPDate(secondsSince1970: vector.seconds).imfFixdate == vector.text)
    }

    @Test func init_clampsToTheRepresentableRange() {
        #expect(HTTPDate(secondsSince1970: -1).imfFixdate == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate(secondsSince1970: .max).imfFixdate == "Fri, 31 Dec 9999 23:59:59 GMT")
    }
}
