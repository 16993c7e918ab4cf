import Foundation
import Testing

@testable import TwofoldProcess

@Test func prepare_whenMissing_createsPrivateDirectory() throws {
    let path = NSTemporaryDirectory() + "twofold-data-\(UUID().uuidString)/nested"
    defer { try? FileManager.default.removeItem(atPath: path) }
    let prepared = try DataDirectory.prepare(path)
    let attributes = try FileManager.default.attributesOfItem(atPath: prepared)
    #expect((attributes[.posixPermissions] as? Int) == 0o700)
}

@Test func prepare_whenPathIsAFile_failsWithConfigError() throws {
    let path = NSTemporaryDirectory() + "twofold-file-\(UUID().uuidString)"
    _ = FileManager.default.createFile(atPath: path, contents: Data())
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect {
        try DataDirectory.prepare(path)
    } throws: { error in
        (error as? ProcessError)?.stableCode == "config.unusable_directory"
            && (error as? ProcessError)?.exitStatus == 78
    }
}

@Test func prepare_whenEmptyPath_fails() {
    #expect(throws: ProcessError.self) { try DataDirectory.prepare("") }
}
