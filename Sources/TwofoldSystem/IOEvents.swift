internal import CLinuxSystem

/// Readiness of a descriptor, as interest (`readable`, `writable`) when registering and as what
/// happened when the loop calls back (which may also carry `hangup` and `error`).
public struct IOEvents: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Data (or end of stream, or a pending connection) can be read without blocking.
    public static let readable = IOEvents(rawValue: 1 << 0)
    /// The send buffer has room again (or a non-blocking connect finished).
    public static let writable = IOEvents(rawValue: 1 << 1)
    /// The peer closed its side (EPOLLHUP/EPOLLRDHUP); reads will soon return end of stream.
    public static let hangup = IOEvents(rawValue: 1 << 2)
    /// The descriptor has a pending error (EPOLLERR); the next read/write will report it.
    public static let error = IOEvents(rawValue: 1 << 3)

    /// The epoll mask for this interest. Read interest includes EPOLLRDHUP so that a half-close
    /// is noticed; EPOLLHUP and EPOLLERR are always reported by the kernel.
    var epollMask: UInt32 {
        var mask: UInt32 = 0
        if contains(.readable) { mask |= EPOLLIN.rawValue | EPOLLRDHUP.rawValue }
        if contains(.writable) { mask |= EPOLLOUT.rawValue }
        return mask
    }

    init(epollMask mask: UInt32) {
        var events: IOEvents = []
        if mask & EPOLLIN.rawValue != 0 { events.insert(.readable) }
        if mask & EPOLLOUT.rawValue != 0 { events.insert(.writable) }
        if mask & (EPOLLHUP.rawValue | EPOLLRDHUP.rawValue) != 0 { events.insert(.hangup) }
        if mask & EPOLLERR.rawValue != 0 { events.insert(.error) }
        self = events
    }

    public var description: String {
        let names: [(IOEvents, String)] = [
            (.readable, "readable"), (.writable, "writable"), (.hangup, "hangup"), (.error, "error"),
        ]
        return "[" + names.filter { contains($0.0) }.map(\.1).joined(separator: ", ") + "]"
    }
}
