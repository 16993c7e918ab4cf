import Glibc
import Testing

@testable import TwofoldSystem

@Suite(.timeLimit(.minutes(1))) struct SignalHandlerTests {
    @Test func raisedSignal_isDeliveredToTheHandlerOnTheLoopThread() async throws {
        try await withLoop { loop in
            let received = Recorder<Signal>()
            let onLoop = Recorder<Bool>()
            let latch = Latch()
            let handler = try await loop.submit {
                try SignalHandler(on: loop, signals: [.hangup]) { signal in
                    received.append(signal)
                    onLoop.append(loop.inEventLoop)
                    latch.signal()
                }
            }
            defer { handler.cancel() }
            // raise() targets the calling thread; on the loop thread SIGHUP is blocked, so it
            // waits for the signalfd instead of running the default action (terminating).
            loop.execute { raise(SIGHUP) }
            await latch.wait()
            #expect(received.values == [.hangup])
            #expect(onLoop.values == [true])
        }
    }

    @Test func cancelledHandler_closesItsSignalfdAndDeregisters() async throws {
        try await withLoop { loop in
            let handler = try await loop.submit { try SignalHandler(on: loop, signals: [.hangup]) { _ in } }
            #expect(try await loop.submit { loop.registrationCount } == 1)
            handler.cancel()
            handler.cancel()
            #expect(try await loop.submit { loop.registrationCount } == 0)
        }
    }

    @Test func signalNames_describeTheHandledSignals() {
        #expect(Signal.terminate.description == "SIGTERM")
        #expect(Signal.interrupt.description == "SIGINT")
        #expect(Signal.hangup.description == "SIGHUP")
        #expect(Signal(rawValue: SIGUSR1).description == "signal \(SIGUSR1)")
        #expect(Signal.shutdownSignals == [.terminate, .interrupt])
    }

    @Test func ignoreBrokenPipe_setsSIGPIPEToIgnored() {
        SignalHandler.ignoreBrokenPipe()
        var action = sigaction()
        #expect(sigaction(SIGPIPE, nil, &action) == 0)
        #expect(
            unsafeBitCast(action.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self))
    }
}
