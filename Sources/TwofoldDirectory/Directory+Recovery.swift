import Dispatch
import TwofoldStore

/// Storage failure as a state (issue 16): the directory is its record store's `Owner`.
///
/// When a write or sync fails, the store refuses every request and the directory refuses every
/// change at once (`storage.failed`), before running it, so nothing is applied that could not be
/// written; `unavailableReason` says why, for the health check. The store retries by itself
/// (truncating its log to the last acknowledged record, probing for space, reading it back) and
/// then hands the log's records to `rebuild`, which loads the snapshot and replays the log into a
/// fresh state, as start-up does: changes whose writes failed are gone, everything acknowledged
/// is there. The state is swapped in and the store resumed under the directory's lock, so every
/// change decided against the old state was refused and every later one is decided against the
/// rebuilt state.
extension Directory {
    /// Why the directory refuses requests (its storage is failing, or it is rebuilding from
    /// disk), as a short text without paths (e.g. `No space left on device (errno 28)`), or nil
    /// while it serves.
    public var unavailableReason: String? {
        if let crash = crash.withLock({ $0 }) { return crash }
        return store.failure.map(Self.reason)
    }

    /// Throws `storage.failed` while the directory refuses requests, counting the refusal (the
    /// store reports the count while it stays failed). Reads that answer a client call it too:
    /// while the storage fails, memory may hold changes whose writes failed, which the rebuild
    /// from disk drops.
    public func checkAvailable() throws(DirectoryError) {
        if let crash = crash.withLock({ $0 }) {
            throw DirectoryError(.storage, "The gateway's directory stopped (\(crash)); it must be restarted.")
        }
        do {
            try store.checkWritable()
        } catch {
            throw .refused(store.failure ?? error)
        }
    }

    /// Requests refused because the storage was failing, since the directory was opened.
    public var refusedRequests: Int { store.stats.refused }

    /// A store error as the short reason operators see: the failing call's errno text when there
    /// is one. Never a path or a source location.
    static func reason(_ error: StoreError) -> String {
        if let system = error.systemError { return "\(system.message) (errno \(system.errno))" }
        switch error.code {
        case .faultInjected: return "stopped by a test's fault hook"
        case .corrupt: return "its log did not read back as written"
        case .closed: return "closed"
        default: return error.code.description
        }
    }

    /// Makes this directory its store's owner (done by `open`).
    func adoptStore() {
        store.setOwner(
            RecordStore.Owner(
                report: { [weak self] event in self?.storeReported(event) },
                rebuild: { [weak self] records, resume in self?.rebuild(from: records, resume: resume) }))
    }

    private func storeReported(_ event: RecordStore.Event) {
        guard let events = options.events else { return }
        switch event {
        case .failed(let error): events(.storageFailed(error))
        case .stillFailing(let error, let refused): events(.storageStillFailing(error, refused: refused))
        case .recovered(let refused): events(.storageRecovered(refused: refused))
        }
    }

    /// The store's recovery, on its writer thread: the state the snapshot and `records` describe
    /// replaces the one in memory. The old state is dropped first: every request is refused
    /// meanwhile anyway, and a million users are then never held twice. If the files cannot be
    /// read back, the store stays failed and this runs again at its next attempt.
    private func rebuild(from records: [StoredRecord], resume: () -> Void) {
        let started = DispatchTime.now().uptimeNanoseconds
        let threshold = options.compactionLogBytes
        state.withLock { guarded in
            guarded.data = DirectoryState()
            guarded.journal = Journal(threshold: threshold)
            guarded.generation &+= 1
        }
        var records = records
        let data = DirectoryState()
        var journal = Journal(threshold: threshold)
        var report = OpenReport()
        do {
            try Self.load(&records, into: data, journal: &journal, path: path, report: &report)
        } catch {
            options.events?(.rebuildFailed(error))
            return
        }
        let needsCompaction = report.format1Records > 0 || journal.isOverThreshold
        if needsCompaction { journal.requested = true }
        let installed = journal
        state.withLock { guarded in
            guarded.data = data
            guarded.journal = installed
            guarded.generation &+= 1
            resume()
        }
        report.milliseconds = Int64((DispatchTime.now().uptimeNanoseconds - started) / 1_000_000)
        options.events?(.rebuilt(report))
        if needsCompaction, options.compactsAutomatically { requestCompaction() }
    }
}
