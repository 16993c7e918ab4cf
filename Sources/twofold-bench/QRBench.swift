import TwofoldQR

enum QRBench {
    static func run() {
        let uri =
            "otpauth://totp/Twofold:alice.example%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
            + "&issuer=Twofold&algorithm=SHA1&digits=6&period=30"
        let svg = nanosecondsPerCall(seconds: 1) {
            blackHole(try? QRCode.encode(uri, level: .medium).svg(title: "QR code"))
        }
        print("| operation | µs per call |")
        print("|---|---|")
        row("QR encode + SVG of a \(uri.utf8.count)-byte otpauth URI (level M)", formatted(svg / 1000, decimals: 1))
    }
}
