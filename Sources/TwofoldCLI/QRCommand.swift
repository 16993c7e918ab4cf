import Foundation
import TwofoldProcess
import TwofoldQR

/// `twofold qr`: renders text (an argument, or stdin) as a QR code in SVG, PNG or terminal form,
/// to a file or stdout. Operators use it to re-show an enrollment URI; the tests use it to make PNGs
/// for an external decoder.
public enum QRCommand {
    public static let parser = CommandLineParser(
        command: "twofold qr",
        summary: "Render TEXT (or standard input) as a QR code.",
        options: [
            .value("format", placeholder: "svg|png|terminal", default: "terminal", help: "Output format."),
            .value("level", placeholder: "L|M|Q|H", default: "M", help: "Error-correction level."),
            .value("output", placeholder: "file", help: "Write to this file instead of standard output."),
            .value("scale", placeholder: "pixels", default: "4", help: "PNG pixels per module (1–32)."),
            .value("title", placeholder: "text", default: "QR code", help: "SVG accessible title."),
            .flag("invert", help: "Terminal output for dark text on a light background."),
        ],
        positionals: ["[TEXT]"])

    public static func run(_ arguments: [String]) -> Int32 {
        let options: ParsedOptions
        do {
            switch try parser.parse(arguments, environment: [:]) {
            case .help(let text):
                FileHandle.standardOutput.write(Data(text.utf8))
                return 0
            case .run(let parsed): options = parsed
            }
        } catch {
            return report(error.message, status: error.exitStatus)
        }
        guard let format = QRRenderFormat(rawValue: options.string("format") ?? "terminal") else {
            return report("--format must be svg, png or terminal", status: 64)
        }
        let levels: [String: ErrorCorrectionLevel] = ["L": .low, "M": .medium, "Q": .quartile, "H": .high]
        guard let level = levels[(options.string("level") ?? "M").uppercased()] else {
            return report("--level must be L, M, Q or H", status: 64)
        }
        let scale: Int
        do {
            scale = try options.int("scale", in: 1...32) ?? 4
        } catch {
            return report(error.message, status: 64)
        }
        var text: String
        if options.positionals.isEmpty {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            if text.hasSuffix("\n") { text.removeLast() }
        } else {
            text = options.positionals.joined(separator: " ")
        }
        let renderOptions = QRRenderOptions(
            level: level, title: options.string("title") ?? "QR code", pngScale: scale,
            terminalInverted: options.flag("invert"))
        let bytes: [UInt8]
        do {
            bytes = try QRCode.render(text, as: format, options: renderOptions)
        } catch {
            return report(error.message, status: 65)
        }
        if let output = options.string("output") {
            guard FileManager.default.createFile(atPath: output, contents: Data(bytes)) else {
                return report("cannot write \(output)", status: 73)
            }
        } else {
            FileHandle.standardOutput.write(Data(bytes))
        }
        return 0
    }

    static func report(_ message: String, status: Int32) -> Int32 {
        FileHandle.standardError.write(Data("twofold qr: \(message)\n".utf8))
        return status
    }
}
