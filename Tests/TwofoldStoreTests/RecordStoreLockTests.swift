import Testing
import TwofoldStore

@Suite struct RecordStoreLockTests {
    @Test func open_whileAnotherStoreInThisProcessHoldsTheDirectory_failsAsLocked() throws {
        try withTemporaryDirectory { directory in
            let first = try RecordStore.open(directory: directory)
            _ = try first.store.appendAndWait(bytes("owned"))
            expectStoreError(.locked) { _ = try RecordStore.open(directory: directory) }
            // The refused open touched nothing: the first store still appends.
            #expect(try first.store.appendAndWait(bytes("still owned")) == 2)
            first.store.close()

            let second = try RecordStore.open(directory: directory)
            defer { second.store.close() }
            #expect(second.records.map(\.payload) == [bytes("owned"), bytes("still owned")])
        }
    }

    @Test func lockedError_namesTheDirectory() throws {
        try withTemporaryDirectory { directory in
            let first = try RecordStore.open(directory: directory)
            defer { first.store.close() }
            do throws(StoreError) {
                _ = try RecordStore.open(directory: directory)
                Issue.record("expected store.locked")
            } catch {
                #expect(error.code == .locked)
                #expect(error.code.description == "store.locked")
                #expect(error.detail.contains(directory))
            }
        }
    }
}
