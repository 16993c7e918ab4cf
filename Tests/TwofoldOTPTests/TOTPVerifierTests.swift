import Synchronization
import Testing

@testable import TwofoldOTP

final class ManualTime: TimeSource {
    let now: Mutex<Int64>
    init(_ value: Int64) { now = Mutex(value) }
    func unixTime() -> Int64 { now.withLock { $0 } }
}

private let secret = Array("12345678901234567890".utf8)

private func code(atStep step: UInt64) -> String {
    HOTP.code(secret: secret, counter: step, parameters: OTPParameters())
}

@Test(arguments: [(-2, false), (-1, true), (0, true), (1, true), (2, false)])
func verify_acceptsOnlyTheWindow(offset: Int, accepted: Bool) {
    let verifier = TOTPVerifier(clock: ManualTime(1_000 * 30 + 7))
    let step = UInt64(1_000 + offset)
    let outcome = verifier.verify(code(atStep: step), secret: secret, lastAccepted: nil)
    #expect(outcome == (accepted ? .accepted(TimeStep(step)) : .invalid))
}

@Test func verify_atOrBelowLastAcceptedStep_isReplay() {
    let verifier = TOTPVerifier(clock: ManualTime(1_000 * 30))
    #expect(verifier.verify(code(atStep: 1_000), secret: secret, lastAccepted: TimeStep(1_000)) == .replayed)
    #expect(verifier.verify(code(atStep: 999), secret: secret, lastAccepted: TimeStep(1_000)) == .replayed)
    #expect(
        verifier.verify(code(atStep: 1_001), secret: secret, lastAccepted: TimeStep(1_000))
            == .accepted(TimeStep(1_001)))
    #expect(
        verifier.verify("000000", secret: secret, lastAccepted: TimeStep(1_000)) != .replayed
            || code(atStep: 1_000) == "000000")
}

@Test func verify_windowIsConfigurable() {
    let wide = TOTPVerifier(stepsBehind: 2, stepsAhead: 0, clock: ManualTime(1_000 * 30))
    #expect(wide.verify(code(atStep: 998), secret: secret, lastAccepted: nil) == .accepted(TimeStep(998)))
    #expect(wide.verify(code(atStep: 1_001), secret: secret, lastAccepted: nil) == .invalid)
}

@Test func verify_nearTimeZero_doesNotUnderflow() {
    let verifier = TOTPVerifier(clock: ManualTime(5))
    #expect(verifier.verify(code(atStep: 0), secret: secret, lastAccepted: nil) == .accepted(TimeStep(0)))
}

@Test(arguments: ["", "12345", "1234567", "12a456", "１２３４５６", "12345 "])
func verify_malformedCodes_areInvalid(text: String) {
    #expect(TOTPVerifier(clock: ManualTime(30_000)).verify(text, secret: secret, lastAccepted: nil) == .invalid)
}
