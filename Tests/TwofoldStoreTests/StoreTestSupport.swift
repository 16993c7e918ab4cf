import Foundation
import Testing
import TwofoldStore

/// A fresh directory under the system temporary directory, removed when `body` returns.
func withTemporaryDirectory<R>(_ body: (String) throws -> R) throws -> R {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("twofold-store-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url.path)
}

func withTemporaryDirectory<R>(_ body: (String) async throws -> R) async throws -> R {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("twofold-store-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url.path)
}

/// The active log's path inside a store directory (the documented layout).
func logPath(_ directory: String) -> String { directory + "/records.log" }
func pendingLogPath(_ directory: String) -> String { directory + "/records.log.pending" }

func readLog(_ directory: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: logPath(directory))))
}

func writeLog(_ bytes: [UInt8], to directory: String) throws {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try Data(bytes).write(to: URL(fileURLWithPath: logPath(directory)))
}

/// Opens, appends `payloads` one by one, closes; returns the log's bytes.
@discardableResult
func makeStore(in directory: String, payloads: [[UInt8]]) throws -> [UInt8] {
    let opened = try RecordStore.open(directory: directory)
    for payload in payloads { _ = try opened.store.appendAndWait(payload) }
    opened.store.close()
    return try readLog(directory)
}

/// Expects `body` to throw a `StoreError` with `code`.
func expectStoreError(
    _ code: StoreError.Code,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record("expected \(code), but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as StoreError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
    }
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
