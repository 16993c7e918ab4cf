/// A hash index from keys to record slots that stores no keys: 8 bytes per bucket (32 bits of the
/// key's hash and the slot + 1, 0 meaning empty), open addressing with linear probing, at most
/// 3/4 full. A lookup compares a candidate's key through `matches`, which reads it from the
/// record itself, so a million users cost 16 MiB per index instead of a `String` per key.
///
/// Hashes come from `Hasher`, which Swift seeds randomly per process: an attacker who chooses
/// emails cannot aim them at one bucket chain. Removal shifts the following entries back (no
/// tombstones), so probe chains never grow from churn.
struct SlotIndex {
    private var buckets: [UInt64]
    private(set) var count = 0

    init(capacity: Int = 16) {
        var size = 16
        while size * 3 / 4 < capacity { size *= 2 }
        buckets = Array(repeating: 0, count: size)
    }

    static func hash(_ key: UnsafeRawBufferPointer) -> UInt32 {
        var hasher = Hasher()
        hasher.combine(bytes: key)
        return UInt32(truncatingIfNeeded: hasher.finalize())
    }

    static func hash(_ key: String) -> UInt32 {
        var key = key
        return key.withUTF8 { hash(UnsafeRawBufferPointer($0)) }
    }

    private var mask: Int { buckets.count - 1 }

    private static func slot(of bucket: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: bucket) &- 1 }
    private static func hash(of bucket: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: bucket >> 32) }

    /// The slot whose key has `hash` and satisfies `matches`, if any.
    func find(hash: UInt32, where matches: (UInt32) -> Bool) -> UInt32? {
        var position = Int(hash) & mask
        while true {
            let bucket = buckets[position]
            if bucket == 0 { return nil }
            if Self.hash(of: bucket) == hash, matches(Self.slot(of: bucket)) { return Self.slot(of: bucket) }
            position = (position + 1) & mask
        }
    }

    /// Adds `slot` under `hash`; the caller has checked that its key is not present.
    mutating func insert(slot: UInt32, hash: UInt32) {
        if (count + 1) * 4 > buckets.count * 3 { grow() }
        place(UInt64(hash) << 32 | UInt64(slot &+ 1))
        count += 1
    }

    /// Removes `slot`, which was inserted under `hash`; nothing happens if it is absent.
    mutating func remove(slot: UInt32, hash: UInt32) {
        let wanted = UInt64(hash) << 32 | UInt64(slot &+ 1)
        var position = Int(hash) & mask
        while true {
            let bucket = buckets[position]
            if bucket == 0 { return }
            if bucket == wanted { break }
            position = (position + 1) & mask
        }
        // Backward-shift deletion: move later members of the run into the gap when their home
        // bucket is not between the gap and their position (cyclically).
        var gap = position
        var next = (gap + 1) & mask
        while buckets[next] != 0 {
            let home = Int(Self.hash(of: buckets[next])) & mask
            let distanceFromHome = (next - home) & mask
            let distanceFromGap = (next - gap) & mask
            if distanceFromHome >= distanceFromGap {
                buckets[gap] = buckets[next]
                gap = next
            }
            next = (next + 1) & mask
        }
        buckets[gap] = 0
        count -= 1
    }

    private mutating func place(_ entry: UInt64) {
        var position = Int(Self.hash(of: entry)) & mask
        while buckets[position] != 0 { position = (position + 1) & mask }
        buckets[position] = entry
    }

    private mutating func grow() {
        let old = buckets
        buckets = Array(repeating: 0, count: old.count * 2)
        for entry in old where entry != 0 { place(entry) }
    }

    /// Bytes held by the buckets (for the memory figures).
    var footprint: Int { buckets.count * 8 }
}
