import TwofoldCrypto
import TwofoldOTP

enum OTPBench {
    struct FixedTime: TimeSource { func unixTime() -> Int64 { 1_764_000_000 } }

    static func run() {
        let secret = SecureRandom.bytes(count: 20)
        let generate = nanosecondsPerCall {
            blackHole(TOTP.code(secret: secret, unixTime: 1_764_000_000, parameters: OTPParameters()))
        }
        let verifier = TOTPVerifier(clock: FixedTime())
        let code = TOTP.code(secret: secret, unixTime: 1_764_000_000, parameters: OTPParameters())
        let verifyHit = nanosecondsPerCall { blackHole(verifier.verify(code, secret: secret, lastAccepted: nil)) }
        let verifyMiss = nanosecondsPerCall { blackHole(verifier.verify("000000", secret: secret, lastAccepted: nil)) }
        print("| operation | ns per call |")
        print("|---|---|")
        row("TOTP code generation (HMAC-SHA1, 6 digits)", formatted(generate))
        row("TOTP verification, window ±1, matching code", formatted(verifyHit))
        row("TOTP verification, window ±1, wrong code", formatted(verifyMiss))
    }
}
