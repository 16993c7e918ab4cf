// swift-tools-version:6.1
// The libFuzzer driver for Twofold's fuzz harnesses (Sources/TwofoldFuzz, docs/FUZZING.md).
//
// A package of its own so that `swift build` of Twofold never builds it: it only links with
// `-sanitize=fuzzer`, which scripts/fuzz.sh passes when it builds it into .build-fuzz.
import PackageDescription

let package = Package(
    name: "TwofoldFuzzDriver",
    dependencies: [.package(name: "Twofold", path: "..")],
    targets: [
        .executableTarget(
            name: "twofold-fuzz", dependencies: [.product(name: "TwofoldFuzz", package: "Twofold")])
    ],
    swiftLanguageModes: [.v6]
)
