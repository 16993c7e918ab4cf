import Foundation
import TwofoldStore
import TwofoldSystem

extension FuzzHarness {
    /// Entry point 6: `RecordStore.open` on a data directory whose log holds arbitrary bytes
    /// (built from the input: raw, behind a valid header, or valid records then damage).
    static let store = FuzzHarness(
        name: "store",
        summary: "record store recovery: open succeeds (dropping a torn tail) or refuses, as the format documents"
    ) { input throws(FuzzFailure) in
        try StoreRecoveryHarness.run(&input)
    }
}

/// Checks `RecordStore.open` against an oracle written from docs/store-format.md: a damaged
/// header refuses; records are the intact frames from offset 28; at the first damaged frame the
/// log is corrupt (refused, file untouched) if an intact frame starts at any later offset, and
/// otherwise a torn tail that is truncated away. After a successful open an append lands after
/// the intact records, so the log then holds exactly those records plus it.
enum StoreRecoveryHarness {
    static let maximumRecordSize = RecordCodec.defaultMaximumPayloadSize

    static func run(_ input: inout FuzzInput) throws(FuzzFailure) {
        let log = makeLog(&input)
        guard let directory = makeDirectory() else { return }
        defer { removeDirectory(directory) }
        let logPath = directory + "/records.log"
        if let log { try write(log.bytes, to: logPath) }
        if log?.withPending == true { try write([0x89, 0x54], to: directory + "/records.log.pending") }

        let expected = log.map { oracle($0.bytes) } ?? .success(Recovered(records: [], firstSequence: 1, intact: 28))
        let opened: RecordStore.Opened
        do {
            opened = try RecordStore.open(directory: directory)
        } catch {
            guard case .failure(let code) = expected else {
                throw FuzzFailure(message: "open refused an acceptable log: \(error)", file: #fileID, line: #line)
            }
            try check(error.code.description == code, "open failed with \(error.code), expected \(code)")
            try check(read(logPath) == log?.bytes, "a refused log was modified")
            return
        }
        guard case .success(let recovered) = expected else {
            opened.store.close()
            throw FuzzFailure(
                message: "open accepted a log the format refuses: \(expected)", file: #fileID, line: #line)
        }
        let logBytes = log?.bytes ?? []
        try check(opened.records.map(\.payload) == recovered.records, "replayed records differ from the intact frames")
        let sequences = opened.records.map(\.sequence)
        try check(
            sequences == (0..<UInt64(sequences.count)).map { recovered.firstSequence &+ $0 }, "sequence numbers")
        try check(opened.recovery.removedPendingLog == (log?.withPending == true), "pending log not reported")
        try check(opened.recovery.createdLog == (log == nil), "log creation not reported")
        if log != nil, recovered.intact < logBytes.count {
            try check(
                opened.recovery.tornTail?.offset == Int64(recovered.intact)
                    && opened.recovery.tornTail?.droppedBytes == Int64(logBytes.count - recovered.intact),
                "torn tail reported as \(String(describing: opened.recovery.tornTail)), expected at \(recovered.intact)"
            )
        } else {
            try check(opened.recovery.tornTail == nil, "a torn tail reported for a clean log")
        }
        let onDisk = read(logPath)
        try check(
            log == nil || onDisk == Array(logBytes.prefix(recovered.intact)), "the log was not cut to its intact length"
        )

        // The recovered store appends after the intact records: the log then reads (by the
        // oracle, which the open above just agreed with) as exactly those records plus it.
        let payload: [UInt8] = [0x5A] + Array(logBytes.suffix(3))
        var appended: UInt64?
        do { appended = try opened.store.appendAndWait(payload) } catch {}
        opened.store.close()
        let expectedRecords = recovered.records + (appended == nil ? [] : [payload])
        guard let after = read(logPath), case .success(let replayed) = oracle(after) else {
            throw FuzzFailure(message: "the log after an append does not read back", file: #fileID, line: #line)
        }
        try check(replayed.records == expectedRecords, "records lost or added by an append after recovery")
        try check(replayed.intact == after.count, "an append after recovery left a damaged tail")
        if let appended {
            try check(appended == recovered.firstSequence &+ UInt64(opened.records.count), "appended as \(appended)")
        }
    }

    // MARK: Building the log from the input

    struct Log {
        var bytes: [UInt8]
        var withPending: Bool
    }

    /// Control byte: bits 0–1 the layout (no log, raw bytes, header + raw, header + records),
    /// bit 2 a leftover pending file, bits 3–4 the damage, bits 5–6 the first sequence number.
    static func makeLog(_ input: inout FuzzInput) -> Log? {
        let control = input.byte()
        let damageAt = Int(input.uint16())
        let sequenceChoice = input.byte()
        let firstSequence: UInt64
        switch (control >> 5) & 3 {
        case 0: firstSequence = 1
        case 1: firstSequence = UInt64.max - UInt64(sequenceChoice)
        case 2: firstSequence = UInt64(sequenceChoice)
        default: firstSequence = UInt64(sequenceChoice) << 56 | UInt64(sequenceChoice)
        }
        var data = FuzzInput(input.rest())
        var bytes: [UInt8]
        switch control & 3 {
        case 0: return nil
        case 1: bytes = data.rest()
        case 2: bytes = LogHeader(firstSequence: firstSequence).encoded() + data.rest()
        default:
            bytes = LogHeader(firstSequence: firstSequence).encoded()
            let codec = RecordCodec()
            var payloads = data.rest()[...]
            while let length = payloads.first {
                let payload = payloads.dropFirst().prefix(Int(length))
                try? codec.encode(Array(payload), into: &bytes)
                payloads = payloads.dropFirst(1 + payload.count)
            }
        }
        let offset = bytes.isEmpty ? 0 : damageAt % bytes.count
        switch (control >> 3) & 3 {
        case 1: bytes.removeSubrange(offset...)
        case 2: if !bytes.isEmpty { bytes[offset] ^= UInt8(truncatingIfNeeded: damageAt >> 8) | 1 }
        case 3: bytes.append(contentsOf: repeatElement(0, count: damageAt % 64))
        default: break
        }
        return Log(bytes: bytes, withPending: control & 4 != 0)
    }

    // MARK: The oracle

    struct Recovered: Equatable {
        var records: [[UInt8]]
        var firstSequence: UInt64
        /// Bytes kept: the header and the intact records.
        var intact: Int
    }

    enum Expected: Equatable {
        case success(Recovered)
        case failure(String)
    }

    static func oracle(_ log: [UInt8]) -> Expected {
        guard log.count >= 28, log.starts(with: [0x89, 0x54, 0x46, 0x4C, 0x4F, 0x47, 0x0D, 0x0A]),
            crc32c(log[0..<24]) == bigEndian(log, at: 24, count: 4)
        else { return .failure("store.corrupt") }
        guard bigEndian(log, at: 8, count: 4) == 1, bigEndian(log, at: 12, count: 4) == 0 else {
            return .failure("store.unsupported_version")
        }
        let firstSequence = bigEndian(log, at: 16, count: 8)
        guard firstSequence <= UInt64(Int64.max) else { return .failure("store.corrupt") }
        var recovered = Recovered(records: [], firstSequence: firstSequence, intact: 28)
        while recovered.intact < log.count {
            guard let next = intactFrame(log, at: recovered.intact) else {
                let later = (recovered.intact + 1)..<log.count
                return later.contains { intactFrame(log, at: $0) != nil }
                    ? .failure("store.corrupt") : .success(recovered)
            }
            recovered.records.append(Array(log[(recovered.intact + 8)..<next]))
            recovered.intact = next
        }
        return .success(recovered)
    }

    /// The end of the intact frame starting at `offset`, or nil.
    static func intactFrame(_ log: [UInt8], at offset: Int) -> Int? {
        guard log.count - offset >= 8 else { return nil }
        let length = Int(bigEndian(log, at: offset, count: 4))
        guard length <= maximumRecordSize, length <= log.count - offset - 8 else { return nil }
        let crc = crc32c(log[offset..<(offset + 4)] + log[(offset + 8)..<(offset + 8 + length)])
        return crc == bigEndian(log, at: offset + 4, count: 4) ? offset + 8 + length : nil
    }

    static func bigEndian(_ bytes: [UInt8], at offset: Int, count: Int) -> UInt64 {
        bytes[offset..<(offset + count)].reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// CRC-32C (Castagnoli, reflected 0x82F63B78), bit by bit.
    static func crc32c<C: Collection<UInt8>>(_ bytes: C) -> UInt64 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return UInt64(~crc)
    }

    // MARK: Files

    /// A fresh directory, in memory (`/dev/shm`) when possible so syncs cost nothing.
    static func makeDirectory() -> String? {
        let base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : (getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp")
        var template = Array((base + "/twofold-fuzz-store.XXXXXX").utf8CString)
        return template.withUnsafeMutableBufferPointer { buffer in
            guard let start = buffer.baseAddress, mkdtemp(start) != nil else { return nil }
            return String(cString: start)
        }
    }

    /// Removes the directory and whatever the store left in it (lock, log, pending or probe files).
    static func removeDirectory(_ directory: String) {
        for name in ["records.log", "records.log.pending", "LOCK"] { unlink(directory + "/" + name) }
        if rmdir(directory) != 0 { try? FileManager.default.removeItem(atPath: directory) }
    }

    static func write(_ bytes: [UInt8], to path: String) throws(FuzzFailure) {
        do {
            let file = try FileSystem.open(path, options: [.readWrite, .create, .truncate])
            defer { file.close() }
            try file.write(bytes, at: 0)
        } catch {
            throw FuzzFailure(message: "cannot write the test log: \(error)", file: #fileID, line: #line)
        }
    }

    static func read(_ path: String) -> [UInt8]? {
        guard let file = try? FileSystem.open(path, options: [.readOnly]) else { return nil }
        defer { file.close() }
        guard let size = try? file.size() else { return nil }
        return try? file.read(count: Int(size), at: 0)
    }
}
