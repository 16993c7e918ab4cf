// auth-gateway: the web-facing daemon. Everything lives in TwofoldGateway; this only reads the
// command line and runs it.
import Foundation
import TwofoldGateway
import TwofoldProcess
import TwofoldSystem

// Before any thread exists, so every thread inherits the mask and signals reach the signalfd.
do {
    try SignalHandler.block(Signal.handledSignals)
} catch {
    CommandLineTool.fail(command: "auth-gateway", "cannot block signals: \(error)")
}
SignalHandler.ignoreBrokenPipe()

let options: GatewayOptions
do {
    options = try GatewayOptions(CommandLineTool.parseOrExit(GatewayOptions.parser))
} catch {
    CommandLineTool.exit(command: "auth-gateway", error)
}
let logger = Logger(label: "auth-gateway", minimumLevel: options.logLevel)
let status = GatewayDaemon.runBlocking(options: options, logger: logger)
exit(status)
