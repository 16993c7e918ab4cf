import Foundation
import TwofoldCLI

// twofold: the operator's CLI and the local launcher. See TwofoldCommand.
exit(TwofoldCommand.main(Array(CommandLine.arguments.dropFirst())))
