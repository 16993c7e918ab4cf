/// Identifies one scheduled entry of a `TimerQueue`, for cancellation.
public struct TimerID: Hashable, Sendable {
    let rawValue: UInt64
}

/// A min-heap of deadlines with O(log n) insertion, removal of the earliest and cancellation.
///
/// Pure (no clock, no I/O): the event loop asks it for expired entries and for how long
/// `epoll_wait` may sleep. Entries with equal deadlines come out in scheduling order.
/// Cancelled entries are removed at once, so a server that cancels most of its timeouts does
/// not accumulate dead entries.
public struct TimerQueue<Element> {
    struct Entry {
        var deadline: Deadline
        var id: TimerID
        var element: Element

        func fires(before other: Entry) -> Bool {
            deadline != other.deadline ? deadline < other.deadline : id.rawValue < other.id.rawValue
        }
    }

    private var heap: [Entry] = []
    /// Where each live entry sits in `heap`; kept in step with every swap.
    private var positions: [TimerID: Int] = [:]
    private var nextID: UInt64 = 0

    public init() {}

    public var count: Int { heap.count }
    public var isEmpty: Bool { heap.isEmpty }

    /// The earliest pending deadline, or nil when nothing is scheduled.
    public var nextDeadline: Deadline? { heap.first?.deadline }

    @discardableResult
    public mutating func schedule(_ element: Element, at deadline: Deadline) -> TimerID {
        let id = TimerID(rawValue: nextID)
        nextID += 1
        heap.append(Entry(deadline: deadline, id: id, element: element))
        positions[id] = heap.count - 1
        siftUp(heap.count - 1)
        return id
    }

    /// Removes the entry; returns its element, or nil if it already fired or was cancelled.
    @discardableResult
    public mutating func cancel(_ id: TimerID) -> Element? {
        guard let index = positions[id] else { return nil }
        return remove(at: index)
    }

    /// Removes and returns every element due at `now` (deadline <= now), earliest first.
    public mutating func popExpired(now: Deadline) -> [Element] {
        var expired: [Element] = []
        while let first = heap.first, first.deadline <= now {
            expired.append(remove(at: 0))
        }
        return expired
    }

    /// How long `epoll_wait` may sleep, in milliseconds: -1 (no timer), 0 (something is due)
    /// or the time to the next deadline rounded up, so the loop never wakes just too early.
    public func pollTimeout(now: Deadline) -> Int32 {
        nextDeadline?.pollMilliseconds(from: now) ?? -1
    }

    private mutating func remove(at index: Int) -> Element {
        let removed = heap[index]
        positions[removed.id] = nil
        let last = heap.count - 1
        if index != last {
            heap[index] = heap[last]
            positions[heap[index].id] = index
        }
        heap.removeLast()
        if index < heap.count {
            siftDown(index)
            siftUp(index)
        }
        return removed.element
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].fires(before: heap[parent]) else { return }
            swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].fires(before: heap[smallest]) { smallest = left }
            if right < heap.count, heap[right].fires(before: heap[smallest]) { smallest = right }
            guard smallest != parent else { return }
            swapAt(parent, smallest)
            parent = smallest
        }
    }

    private mutating func swapAt(_ i: Int, _ j: Int) {
        heap.swapAt(i, j)
        positions[heap[i].id] = i
        positions[heap[j].id] = j
    }
}

extension TimerQueue: Sendable where Element: Sendable {}
extension TimerQueue.Entry: Sendable where Element: Sendable {}
