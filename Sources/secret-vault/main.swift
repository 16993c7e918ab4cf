import TwofoldProcess
import TwofoldVault

// secret-vault: the only process that stores TOTP seeds. See VaultDaemon for the wiring.
VaultDaemon.run(CommandLineTool.parseOrExit(VaultDaemon.parser))
