// load-driver: Twofold's bundled load tester. Everything lives in TwofoldLoad; this reads the
// command line and runs it.
import Foundation
import TwofoldLoad
import TwofoldProcess

let parsed = CommandLineTool.parseOrExit(LoadOptions.parser)
let options: LoadOptions
do {
    options = try LoadOptions(parsed)
} catch {
    CommandLineTool.fail(command: "load-driver", error.message, status: LoadDriver.usage)
}
let status = try blockingAwait { await LoadDriver.run(options) }
exit(status)
