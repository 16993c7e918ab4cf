import Dispatch
import Foundation
import Synchronization
import Testing
import TwofoldProcess
import TwofoldSMS
import TwofoldStore
import TwofoldSystem

/// The outbox on a disk that fills up: a state with in-place recovery, never an exit.
@Suite struct OutboxFailureTests {
    /// Submits and waits (a synchronous test blocks only its own thread).
    private func send(_ writer: OutboxWriter, _ message: OutboxMessage) -> Result<Outbox.AppendOutcome, SMSError> {
        let result = Mutex<Result<Outbox.AppendOutcome, SMSError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        writer.submit(message) { outcome in
            result.withLock { $0 = outcome }
            done.signal()
        }
        done.wait()
        return result.withLock { $0 } ?? .failure(.providerFailed())
    }

    @Test func append_onAFullDisk_refusesUntilSpaceReturns_andKeepsExactlyTheAcknowledgedLines() throws {
        guard let disk = SmallTmpfs() else {
            print("skipped: filling a small tmpfs needs root (mount -t tmpfs)")
            return
        }
        let sink = LogSink.memory()
        let outbox = try Outbox(directory: disk.path, logger: quietLogger(sink))
        let writer = OutboxWriter(
            outbox: outbox, logger: quietLogger(sink),
            retry: RetryBackoff(initial: .milliseconds(5), maximum: .milliseconds(20)))
        let text = String(repeating: "x", count: 480)
        #expect(try send(writer, message("before", text: text)).get() != .duplicate)

        disk.fill()
        var acknowledged = ["before"]
        var failure: SMSError?
        for index in 0..<64 where failure == nil {
            switch send(writer, try message("m\(index)", text: text)) {
            case .success: acknowledged.append("m\(index)")
            case .failure(let error): failure = error
            }
        }
        #expect(failure?.code == "sms.outbox_io")
        #expect(failure?.systemError?.errno == ENOSPC)
        #expect(failure?.wirePayload.code == "unavailable")
        // Refused at once while failed, and the error is logged once, not per message.
        for index in 0..<5 {
            let refused = send(writer, try message("refused\(index)"))
            #expect((try? refused.get()) == nil)
        }
        #expect(!outbox.isHealthy)
        #expect(outbox.failure?.message.contains("No space left on device") == true)
        #expect(sink.lines.filter { $0.contains("outbox write failed") }.count == 1)

        disk.free()
        var recovered = false
        for _ in 0..<2_000 where !recovered {
            recovered = outbox.isHealthy
            if !recovered { Thread.sleep(forTimeInterval: 0.005) }
        }
        #expect(recovered)
        #expect(sink.lines.contains { $0.contains("outbox recovered") && $0.contains("\"refused\":5") })
        #expect(try send(writer, message("after")).get() != .duplicate)
        writer.drain()
        outbox.close()

        let reopened = try Outbox(directory: disk.path, logger: quietLogger())
        defer { reopened.close() }
        #expect(reopened.recovery.droppedBytes == 0)
        #expect(reopened.messageCount == acknowledged.count + 1)
        for id in acknowledged + ["after"] { #expect(reopened.contains(id: id)) }
        #expect(!reopened.contains(id: "refused0"))
    }
}
