import Testing

@testable import TwofoldDirectory

@Suite struct SlotIndexTests {
    /// Keys for slots, as the directory keeps them in its records.
    struct Table {
        var keys: [String?] = []
        var index = SlotIndex()

        mutating func insert(_ key: String, hash: UInt32? = nil) {
            keys.append(key)
            index.insert(slot: UInt32(keys.count - 1), hash: hash ?? SlotIndex.hash(key))
        }

        func find(_ key: String, hash: UInt32? = nil) -> UInt32? {
            index.find(hash: hash ?? SlotIndex.hash(key)) { keys[Int($0)] == key }
        }

        mutating func remove(_ key: String, hash: UInt32? = nil) {
            guard let slot = find(key, hash: hash) else { return }
            index.remove(slot: slot, hash: hash ?? SlotIndex.hash(key))
            keys[Int(slot)] = nil
        }
    }

    @Test func find_returnsTheSlotOfEachKey_acrossGrowth() {
        var table = Table()
        for number in 0..<10_000 { table.insert("user\(number)@example.com") }
        #expect(table.index.count == 10_000)
        for number in stride(from: 0, to: 10_000, by: 7) {
            #expect(table.find("user\(number)@example.com") == UInt32(number))
        }
        #expect(table.find("nobody@example.com") == nil)
    }

    @Test func keysWithTheSameHash_areToldApartByTheirRecords() {
        var table = Table()
        for number in 0..<50 { table.insert("k\(number)", hash: 42) }
        for number in 0..<50 { #expect(table.find("k\(number)", hash: 42) == UInt32(number)) }
        #expect(table.find("k50", hash: 42) == nil)
    }

    @Test func removal_keepsEveryOtherKeyFindable_whenRunsCollideAndWrap() {
        // Hashes chosen to land in the last buckets, so probe runs wrap around the table end.
        var table = Table()
        for number in 0..<12 { table.insert("k\(number)", hash: UInt32(14 + number % 3)) }
        for number in stride(from: 0, to: 12, by: 3) { table.remove("k\(number)", hash: UInt32(14 + number % 3)) }
        for number in 0..<12 {
            let found = table.find("k\(number)", hash: UInt32(14 + number % 3))
            #expect((found == nil) == (number % 3 == 0), "k\(number)")
        }
        #expect(table.index.count == 8)
    }

    @Test func randomInsertsAndRemovals_agreeWithADictionary() {
        var table = Table()
        var reference: [String: UInt32] = [:]
        var generator = SystemRandomNumberGenerator()
        for step in 0..<20_000 {
            let key = "k\(Int.random(in: 0..<2_000, using: &generator))"
            // A narrow hash range makes long runs, where removal bugs show.
            let hash = UInt32(key.hashValue & 0xff)
            if reference[key] != nil, Bool.random(using: &generator) {
                table.remove(key, hash: hash)
                reference[key] = nil
            } else if reference[key] == nil {
                table.insert(key, hash: hash)
                reference[key] = UInt32(table.keys.count - 1)
            }
            if step % 1000 == 0 {
                for (key, slot) in reference { #expect(table.find(key, hash: UInt32(key.hashValue & 0xff)) == slot) }
            }
        }
        #expect(table.index.count == reference.count)
    }
}
