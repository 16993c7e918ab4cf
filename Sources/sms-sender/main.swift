import TwofoldProcess
import TwofoldSMS
import TwofoldSystem

// Before any thread exists, so every thread inherits the mask and the signals reach the signalfds.
do {
    try SignalHandler.block(Signal.handledSignals)
} catch {
    CommandLineTool.fail(command: "sms-sender", "cannot block signals: \(error.message)")
}
SignalHandler.ignoreBrokenPipe()

let options = CommandLineTool.parseOrExit(SMSDaemon.commandLine)
let configuration: SMSDaemon.Configuration
let level: Logger.Level
do {
    configuration = try SMSDaemon.Configuration(options: options)
    level = try options.logLevel()
} catch {
    CommandLineTool.exit(command: "sms-sender", error)
}

let logger = Logger(label: "sms-sender", minimumLevel: level)
do {
    try SMSDaemon(configuration: configuration, logger: logger).runBlocking()
} catch let error as SMSError {
    // The stable code (e.g. sms.outbox_corrupt) goes to the log and to the one stderr line.
    logger.critical("stopped on an error", ["code": .string(error.code), "error": .string(error.message)])
    CommandLineTool.fail(
        command: "sms-sender", "\(error.code): \(error.message)", status: error.code == "sms.outbox_locked" ? 75 : 1)
} catch {
    logger.critical("stopped on an error", ["error": .string("\(error)")])
    CommandLineTool.fail(command: "sms-sender", "\(error)")
}
