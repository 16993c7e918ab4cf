import Dispatch
import Foundation
import Synchronization
import TwofoldProcess
import TwofoldStore
import TwofoldSystem

/// Exit statuses of `secret-vault` besides 0 and the usage errors (64), documented in
/// `deploy/README.md`: the unit does not restart on 78, and a supervisor may retry 75.
public enum VaultExitStatus {
    /// A wrong master key, a wrong previous key, an unreadable rotation, a bad key file.
    public static let configuration: Int32 = 78
    /// Another process holds the data folder, or a key rotation could not be written.
    public static let temporaryFailure: Int32 = 75
}

extension VaultDaemon {
    /// Opens the store under `directory` (exiting 75 while another vault holds it), replays it into
    /// `vault`, makes `vault` the store's owner for recovery, and checks the master key, exiting
    /// 78 on a mismatch. A store that cannot be read at start (a full disk) leaves the vault
    /// degraded, with the key checked when the store recovers.
    static func openStore(
        _ directory: String, command: String, logger: Logger, makeVault: (RecordStore) throws -> Vault
    ) throws -> (vault: Vault, opened: RecordStore.Opened) {
        let opened: RecordStore.Opened
        do {
            opened = try RecordStore.open(directory: directory)
        } catch {
            if error.code == .locked {
                CommandLineTool.fail(
                    command: command,
                    "another secret-vault is using the data folder (\(error.detail)); stop it first",
                    status: VaultExitStatus.temporaryFailure)
            }
            CommandLineTool.fail(command: command, "cannot open the store: \(error)")
        }
        if let failure = opened.failure {
            logger.error(
                "the store cannot be read; serving degraded until it recovers",
                ["code": .string(failure.code.description), "error": .string(failure.detail)])
        } else if !opened.recovery.isClean {
            logger.warning("store recovered", ["report": .string(opened.recovery.description)])
        }
        let vault = try makeVault(opened.store)
        for record in opened.records { try vault.replay(record.payload) }
        opened.store.setOwner(owner(for: vault, command: command, logger: logger))
        return (vault, opened)
    }

    /// What the store tells the vault while it fails and recovers: logged once, then counts.
    private static func owner(for vault: Vault, command: String, logger: Logger) -> RecordStore.Owner {
        RecordStore.Owner(
            report: { event in
                switch event {
                case .failed(let error):
                    logger.error(
                        "store failed; refusing requests until it recovers",
                        [
                            "code": .string(error.code.description), "error": .string(error.detail),
                            "errno": .integer(error.systemError?.errno ?? 0),
                        ])
                case .stillFailing(let error, let refused):
                    logger.warning(
                        "store still failing",
                        [
                            "code": .string(error.code.description), "error": .string(error.detail),
                            "refused": .integer(refused),
                        ])
                case .recovered(let refused):
                    logger.notice("store recovered; serving again", ["refused": .integer(refused)])
                }
            },
            rebuild: { records, resume in
                do {
                    try vault.rebuild(from: records.lazy.map(\.payload), resume: resume)
                } catch let error as KeyCheckError {
                    logger.critical(
                        "the recovered store does not match the master key", ["error": .string(error.message)])
                    CommandLineTool.fail(command: command, error.message, status: VaultExitStatus.configuration)
                } catch {
                    logger.error(
                        "cannot rebuild from the recovered store; still refusing", ["error": .string("\(error)")])
                }
            })
    }

    /// The key check at start, and a rotation when a previous key was given: re-seal, then one
    /// compaction that writes the re-sealed records with the new key check value, atomically.
    static func checkKeys(_ vault: Vault, opened: RecordStore.Opened, rotating: Bool, command: String, logger: Logger) {
        guard opened.failure == nil else {
            if rotating {
                CommandLineTool.fail(
                    command: command,
                    "cannot rotate the master key while the store cannot be read; nothing was changed",
                    status: VaultExitStatus.temporaryFailure)
            }
            return
        }
        let verdict: KeyVerdict
        do {
            verdict = try vault.checkKey(rotating: rotating)
        } catch {
            CommandLineTool.fail(command: command, error.message, status: VaultExitStatus.configuration)
        }
        switch verdict {
        case .matches:
            break
        case .unchecked:
            if let error = wait({ vault.writeKeyCheck(completion: $0) }) {
                logger.warning("could not record the key check value yet", ["error": .string("\(error)")])
            } else {
                logger.notice("recorded the master key's check value in the store")
            }
        case .rotate:
            let (resealed, unreadable) = vault.resealAll()
            if let error = wait({ vault.compact(completion: $0) }) {
                CommandLineTool.fail(
                    command: command,
                    "the key rotation could not be written (\(error)); keep both keys and start again with both",
                    status: VaultExitStatus.temporaryFailure)
            }
            logger.notice(
                "re-sealed the store under the new master key; the previous key is no longer needed",
                ["records": .integer(resealed), "unreadable": .integer(unreadable)])
        }
    }

    /// Runs a completion-style call and blocks this (main, start-up) thread until it completes.
    static func wait(_ call: (@escaping @Sendable ((any Error)?) -> Void) -> Void) -> (any Error)? {
        waitForCompletion(call)
    }
}
