/// Records in numbered slots, reused after removal: the stable small numbers `SlotIndex` points
/// at, and an order compaction can walk in chunks while changes continue between them.
struct SlotTable<Element> {
    private(set) var elements: [Element?] = []
    private var free: [UInt32] = []
    private(set) var count = 0

    /// One past the highest slot ever used: iterate `0..<slotCount` and skip empty slots.
    var slotCount: Int { elements.count }

    subscript(slot: UInt32) -> Element? {
        Int(slot) < elements.count ? elements[Int(slot)] : nil
    }

    mutating func insert(_ element: Element) -> UInt32 {
        count += 1
        if let slot = free.popLast() {
            elements[Int(slot)] = element
            return slot
        }
        elements.append(element)
        return UInt32(elements.count - 1)
    }

    /// Replaces the element in an occupied `slot`.
    mutating func replace(_ slot: UInt32, with element: Element) {
        precondition(elements[Int(slot)] != nil, "replace of an empty slot")
        elements[Int(slot)] = element
    }

    @discardableResult
    mutating func remove(_ slot: UInt32) -> Element? {
        guard Int(slot) < elements.count, let element = elements[Int(slot)] else { return nil }
        elements[Int(slot)] = nil
        free.append(slot)
        count -= 1
        return element
    }

    mutating func reserveCapacity(_ capacity: Int) { elements.reserveCapacity(capacity) }
}
