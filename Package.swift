// swift-tools-version:6.1
// Twofold: password + TOTP login with the seeds isolated in a separate vault process.
// No package dependencies by design: only the Swift toolchain and the system OpenSSL.
import PackageDescription

let package = Package(
    name: "Twofold",
    products: [
        // Only for the libFuzzer driver package in Fuzz/ (scripts/fuzz.sh); never installed. The
        // executables keep their implicit products.
        .library(name: "TwofoldFuzz", targets: ["TwofoldFuzz"])
    ],
    targets: [
        // MARK: Lowest layer: the system libraries and the syscall boundary.
        .systemLibrary(
            name: "CLibCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(name: "TwofoldCrypto", dependencies: ["CLibCrypto"]),
        // Linux headers Glibc does not export (epoll, eventfd, signalfd); header-only, no C code.
        .systemLibrary(name: "CLinuxSystem"),
        .target(name: "TwofoldSystem", dependencies: ["CLinuxSystem"]),

        // MARK: Pure modules (no I/O).
        .target(name: "TwofoldOTP", dependencies: ["TwofoldCrypto"]),
        .target(name: "TwofoldQR"),
        .target(name: "TwofoldWire"),
        .target(name: "TwofoldHTTP"),
        .target(name: "TwofoldPhone"),
        // WebAuthn verification: CBOR, COSE keys, authenticator and client data, both ceremonies.
        .target(name: "TwofoldWebAuthn", dependencies: ["TwofoldCrypto", "TwofoldWire"]),
        // The common-password list is compiled in once from its text file (no resource bundle to
        // install next to the binaries).
        .target(
            name: "TwofoldPasswords", dependencies: ["TwofoldCrypto"],
            resources: [.embedInCode("Data/common-passwords.txt")]),
        .target(name: "TwofoldPages", dependencies: ["TwofoldHTTP"]),

        // MARK: Modules that do I/O through TwofoldSystem.
        .target(name: "TwofoldStore", dependencies: ["TwofoldSystem"]),
        .target(name: "TwofoldProcess", dependencies: ["TwofoldSystem"]),
        // The gateway's users, accounts, invites and sessions on a record store.
        .target(
            name: "TwofoldDirectory", dependencies: ["TwofoldStore", "TwofoldCrypto", "TwofoldSystem", "TwofoldWire"]),
        .target(name: "TwofoldIPC", dependencies: ["TwofoldSystem", "TwofoldWire"]),
        .target(name: "TwofoldHTTPServer", dependencies: ["TwofoldSystem", "TwofoldHTTP"]),

        // MARK: Tools.
        // Crash-test driver for TwofoldStore: appends until SIGKILLed (TwofoldStoreTests runs it).
        .executableTarget(name: "store-torture", dependencies: ["TwofoldStore", "TwofoldSystem"]),
        // Crash-test driver for TwofoldDirectory: changes and compacts until SIGKILLed (TwofoldDirectoryTests).
        .executableTarget(name: "directory-torture", dependencies: ["TwofoldDirectory", "TwofoldSystem"]),

        // MARK: Services.
        .target(
            name: "TwofoldVault",
            dependencies: [
                "TwofoldCrypto", "TwofoldOTP", "TwofoldPhone", "TwofoldProcess", "TwofoldStore", "TwofoldSystem",
                "TwofoldWire", "TwofoldIPC", "TwofoldWebAuthn",
            ]),
        .target(
            name: "TwofoldSMS",
            dependencies: ["TwofoldSystem", "TwofoldStore", "TwofoldWire", "TwofoldIPC", "TwofoldProcess"]),
        .target(
            name: "TwofoldGateway",
            dependencies: [
                "TwofoldHTTPServer", "TwofoldHTTP", "TwofoldIPC", "TwofoldWire", "TwofoldSystem", "TwofoldProcess",
                "TwofoldDirectory", "TwofoldPasswords", "TwofoldPages", "TwofoldCrypto", "TwofoldPhone", "TwofoldQR",
            ]),

        // The bundled load tester's library (scenarios, pacing, histogram, HTTP/vault clients).
        .target(
            name: "TwofoldLoad",
            dependencies: [
                "TwofoldCrypto", "TwofoldSystem", "TwofoldWire", "TwofoldIPC", "TwofoldOTP", "TwofoldProcess",
            ]),

        .target(
            name: "TwofoldCLI",
            dependencies: [
                "TwofoldQR", "TwofoldProcess", "TwofoldSystem", "TwofoldCrypto", "TwofoldIPC", "TwofoldWire",
            ]),

        // MARK: Executables (thin mains).
        .executableTarget(name: "twofold", dependencies: ["TwofoldCLI"]),
        // Benchmarks for release builds (scripts/bench.sh); never run as timed tests.
        .executableTarget(
            name: "twofold-bench",
            dependencies: [
                "TwofoldCrypto", "TwofoldOTP", "TwofoldQR", "TwofoldStore", "TwofoldLoad", "TwofoldDirectory",
                "TwofoldPasswords", "TwofoldVault", "TwofoldProcess", "TwofoldWire", "TwofoldSystem",
            ]),
        .executableTarget(name: "load-driver", dependencies: ["TwofoldLoad", "TwofoldProcess"]),
        .executableTarget(name: "secret-vault", dependencies: ["TwofoldVault", "TwofoldProcess"]),
        .executableTarget(
            name: "sms-sender", dependencies: ["TwofoldSMS", "TwofoldIPC", "TwofoldProcess", "TwofoldSystem"]),
        .executableTarget(
            name: "auth-gateway",
            dependencies: ["TwofoldGateway", "TwofoldHTTPServer", "TwofoldSystem", "TwofoldProcess"]),

        // The fuzz harnesses (docs/FUZZING.md): run by libFuzzer through Fuzz/, replayed by TwofoldFuzzTests.
        .target(
            name: "TwofoldFuzz",
            dependencies: [
                "TwofoldWire", "TwofoldHTTP", "TwofoldPhone", "TwofoldOTP", "TwofoldQR", "TwofoldStore",
                "TwofoldSystem", "TwofoldCrypto", "TwofoldVault", "TwofoldGateway", "TwofoldDirectory",
                "TwofoldHTTPServer", "TwofoldPasswords", "TwofoldProcess", "TwofoldWebAuthn", "TwofoldTestSupport",
            ]),

        // Shared by the test targets (the built executables, fake peers, a seeded generator) and the
        // fuzz harnesses.
        .target(name: "TwofoldTestSupport", dependencies: ["TwofoldSystem", "TwofoldWire"]),

        // MARK: Tests.
        .testTarget(name: "TwofoldCryptoTests", dependencies: ["TwofoldCrypto"], exclude: ["Vectors"]),
        .testTarget(name: "TwofoldOTPTests", dependencies: ["TwofoldOTP"], exclude: ["Vectors"]),
        .testTarget(name: "TwofoldSystemTests", dependencies: ["TwofoldSystem", "TwofoldTestSupport"]),
        .testTarget(name: "TwofoldTestSupportTests", dependencies: ["TwofoldTestSupport"]),
        .testTarget(
            name: "TwofoldStoreTests", dependencies: ["TwofoldStore", "TwofoldSystem", "TwofoldTestSupport"],
            exclude: ["Vectors"]),
        .testTarget(name: "TwofoldQRTests", dependencies: ["TwofoldQR", "TwofoldTestSupport"], exclude: ["Vectors"]),
        .testTarget(name: "TwofoldWireTests", dependencies: ["TwofoldWire"]),
        .testTarget(
            name: "TwofoldHTTPTests", dependencies: ["TwofoldHTTP", "TwofoldTestSupport"], exclude: ["Vectors"]),
        .testTarget(name: "TwofoldProcessTests", dependencies: ["TwofoldProcess"]),
        .testTarget(
            name: "TwofoldHTTPServerTests",
            dependencies: [
                "TwofoldHTTPServer", "TwofoldGateway", "TwofoldHTTP", "TwofoldSystem", "TwofoldProcess", "TwofoldIPC",
                "TwofoldWire", "TwofoldTestSupport", "TwofoldDirectory", "TwofoldPasswords", "TwofoldStore",
                "auth-gateway",
            ]),
        // AuthService and AdminService against a fake vault and a real directory (no HTTP).
        .testTarget(
            name: "TwofoldGatewayTests",
            dependencies: [
                "TwofoldGateway", "TwofoldDirectory", "TwofoldPasswords", "TwofoldHTTPServer", "TwofoldProcess",
                "TwofoldWire", "TwofoldSystem", "TwofoldIPC", "TwofoldStore",
            ]),
        .testTarget(name: "TwofoldPhoneTests", dependencies: ["TwofoldPhone"]),
        .testTarget(
            name: "TwofoldWebAuthnTests", dependencies: ["TwofoldWebAuthn", "TwofoldCrypto", "TwofoldTestSupport"],
            exclude: ["Vectors", "Corpus"]),
        .testTarget(
            name: "TwofoldDirectoryTests",
            dependencies: [
                "TwofoldDirectory", "TwofoldStore", "TwofoldSystem", "TwofoldTestSupport", "directory-torture",
            ]),
        .testTarget(
            name: "TwofoldPasswordsTests", dependencies: ["TwofoldPasswords", "TwofoldCrypto"], exclude: ["Vectors"]),
        .testTarget(name: "TwofoldPagesTests", dependencies: ["TwofoldPages", "TwofoldHTTP", "TwofoldQR"]),
        .testTarget(
            name: "TwofoldVaultTests",
            // CLibCrypto: the tests' software authenticator signs with OpenSSL (TwofoldCrypto only verifies).
            dependencies: [
                "TwofoldVault", "TwofoldCrypto", "TwofoldOTP", "TwofoldProcess", "TwofoldWebAuthn", "CLibCrypto",
            ]),
        .testTarget(
            name: "TwofoldIPCTests",
            dependencies: ["TwofoldIPC", "TwofoldSystem", "TwofoldWire", "TwofoldProcess", "TwofoldTestSupport"]),
        .testTarget(
            name: "TwofoldSMSTests",
            dependencies: [
                "TwofoldSMS", "TwofoldIPC", "TwofoldWire", "TwofoldProcess", "TwofoldSystem", "TwofoldTestSupport",
                "sms-sender",
            ]),
        .testTarget(name: "TwofoldLoadTests", dependencies: ["TwofoldLoad", "TwofoldWire", "TwofoldOTP"]),
        .testTarget(
            name: "TwofoldCLITests",
            dependencies: ["TwofoldCLI", "TwofoldIPC", "TwofoldWire", "TwofoldSystem", "TwofoldProcess"]),
        // Replays Fuzz/corpus and Fuzz/regressions through every harness.
        .testTarget(name: "TwofoldFuzzTests", dependencies: ["TwofoldFuzz"]),
        // End-to-end tests: start the built daemons and talk to them over their sockets.
        .testTarget(
            name: "TwofoldIntegrationTests",
            dependencies: [
                "TwofoldIPC", "TwofoldWire", "TwofoldOTP", "TwofoldSystem", "TwofoldTestSupport", "secret-vault",
                "sms-sender", "auth-gateway", "twofold", "twofold-bench",
            ]),
    ],
    swiftLanguageModes: [.v6]
)
