import Glibc
import Testing

@testable import TwofoldSystem

@Suite struct SyscallTests {
    @Test func syscall_whenInterrupted_retriesUntilTheCallCompletes() throws {
        var attempts = 0
        let result = try syscall("fake") { () -> Int32 in
            attempts += 1
            if attempts < 3 {
                errno = EINTR
                return -1
            }
            return 42
        }
        #expect(result == 42)
        #expect(attempts == 3)
    }

    @Test func syscall_whenTheCallFails_throwsTheCallNameAndErrno() {
        let error = #expect(throws: SystemError.self) {
            try syscall("fakeOpen") { () -> Int32 in
                errno = ENOENT
                return -1
            }
        }
        #expect(error?.call == "fakeOpen")
        #expect(error?.errno == ENOENT)
        #expect(error?.description.contains("fakeOpen failed") == true)
    }

    @Test func nonBlockingSyscall_whenTheKernelSaysEAGAIN_reportsWouldBlock() throws {
        var attempts = 0
        let result = try nonBlockingSyscall("fakeRead") { () -> Int in
            attempts += 1
            errno = attempts == 1 ? EINTR : EAGAIN
            return -1
        }
        guard case .wouldBlock = result else {
            Issue.record("expected wouldBlock, got \(result)")
            return
        }
        #expect(attempts == 2)
    }

    @Test func nonBlockingSyscall_whenTheCallFails_throws() {
        let error = #expect(throws: SystemError.self) {
            try nonBlockingSyscall("fakeWrite") { () -> Int in
                errno = EPIPE
                return -1
            }
        }
        #expect(error?.errno == EPIPE)
    }

    @Test func fileDescriptor_closedTwice_closesOnceAndReportsClosed() throws {
        let (reader, writer) = try makePipe()
        writer.close()
        #expect(!writer.isOpen)
        writer.close()  // second close is a no-op, not a double close of a reused number
        #expect(!writer.isOpen)
        // The write end really is closed: the read end sees end of stream.
        var byte: UInt8 = 0
        #expect(Glibc.read(reader.rawValue, &byte, 1) == 0)
    }

    @Test func fileDescriptor_whenReleased_leavesTheDescriptorOpen() throws {
        let (reader, writer) = try makePipe()
        let raw = writer.release()
        #expect(!writer.isOpen)
        var byte: UInt8 = 7
        #expect(Glibc.write(raw, &byte, 1) == 1)
        #expect(Glibc.close(raw) == 0)
        var received: UInt8 = 0
        #expect(Glibc.read(reader.rawValue, &received, 1) == 1)
        #expect(received == 7)
    }

    @Test func systemInfo_reportsOurIdentityAndMovingClocks() {
        #expect(SystemInfo.processID == getpid())
        #expect(SystemInfo.userID == getuid())
        #expect(SystemInfo.groupID == getgid())
        let first = SystemInfo.monotonicNanoseconds()
        #expect(SystemInfo.monotonicNanoseconds() >= first)
        // Any date after 2020-01-01 proves this is the Unix-epoch wall clock.
        #expect(SystemInfo.wallClockSeconds() > 1_577_836_800)
    }

    private func makePipe() throws -> (FileDescriptor, FileDescriptor) {
        var fds: [Int32] = [-1, -1]
        try syscall("pipe") { pipe(&fds) }
        return (FileDescriptor(owning: fds[0]), FileDescriptor(owning: fds[1]))
    }
}
