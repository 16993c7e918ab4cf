import Foundation

/// Runs Debian's `zbarimg` (package zbar-tools) as an independent QR decoder.
enum Zbar {
    /// The `zbarimg` executable on `PATH` (or in /usr/bin), nil when zbar-tools is not installed.
    static let executable: URL? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"]
        return directories.lazy
            .map { URL(fileURLWithPath: $0).appendingPathComponent("zbarimg") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    static var isAvailable: Bool { executable != nil }

    /// Decodes the images with `zbarimg --raw -q` and returns its stdout (stderr goes to /dev/null).
    ///
    /// Without `binary`, zbar converts byte-mode data from the charset it guesses to UTF-8 and ends
    /// each symbol with a newline; with `binary` (`-Sbinary`) it writes the symbol's exact bytes
    /// and no newline.
    static func decode(_ images: [URL], binary: Bool) throws -> [UInt8] {
        guard let executable else { throw ZbarError.notInstalled }
        let process = Process()
        process.executableURL = executable
        // Only the QR decoder: zbar's 1D decoders occasionally "find" a linear barcode in a symbol's
        // stripes (seen with mask 1 at 34-H) and print it as a second result.
        process.arguments =
            ["--raw", "-q", "-Sdisable", "-Sqrcode.enable"] + (binary ? ["-Sbinary"] : []) + images.map(\.path)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return [UInt8](data)
    }
}

enum ZbarError: Error { case notInstalled }
