import Synchronization
import Testing

@testable import TwofoldSystem

@Suite(.timeLimit(.minutes(1))) struct LoopBoundTests {
    final class Counter {
        var count = 0
    }

    @Test func valueMadeOnTheLoop_isReadBackOnTheLoopFromSendableClosures() async throws {
        try await withLoop { loop in
            let bound = try await loop.submit { LoopBound(Counter(), loop: loop) }
            let done = Latch(count: 10)
            for _ in 0..<10 {
                loop.execute {
                    bound.value.count += 1
                    done.signal()
                }
            }
            await done.wait()
            #expect(try await loop.submit { bound.value.count } == 10)
            #expect(bound.loop === loop)
        }
    }

    @Test func valueHandedOverOffTheLoop_isReadOnTheLoop() async throws {
        try await withLoop { loop in
            let bound = LoopBound(handingOver: Counter(), loop: loop)
            let count = try await loop.submit {
                bound.value.count += 3
                return bound.value.count
            }
            #expect(count == 3)
        }
    }

    @Test func readingOffTheLoopThread_traps() async {
        await #expect(processExitsWith: .failure) {
            let loop = try EventLoop()
            try loop.start()
            let bound = LoopBound(handingOver: Counter(), loop: loop)
            _ = bound.value.count
        }
    }
}
