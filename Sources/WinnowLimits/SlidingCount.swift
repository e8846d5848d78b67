/// A count over a sliding window, approximated from two fixed windows: the current one and the
/// one before, weighted by how much of it still overlaps the sliding window. Packed as
/// `[previous: 16 | count: 16 | window start, seconds: 32]`. Unlike `WindowCount`, a burst that
/// straddles the edge of a fixed window is not counted from zero again.
public struct SlidingCount: Equatable, Sendable {
    public var previous: Int
    public var count: Int
    public var start: Micros

    public init(previous: Int = 0, count: Int, start: Micros) {
        self.previous = previous
        self.count = count
        self.start = start
    }

    public init(packed: UInt64) {
        previous = Int(packed >> 48)
        count = Int(packed >> 32 & 0xFFFF)
        start = Micros(packed & 0xFFFF_FFFF) * Micros.perSecond
    }

    public var packed: UInt64 {
        UInt64(min(previous, 0xFFFF)) << 48 | UInt64(min(count, 0xFFFF)) << 32
            | UInt64(UInt32(clamping: start / Micros.perSecond))
    }

    /// The windows moved on to the one holding `now` (whole seconds: `window` at least 1 s).
    func advanced(to now: Micros, window: Micros) -> SlidingCount {
        if count == 0 && previous == 0 || now < start { return SlidingCount(count: 0, start: now) }
        let elapsed = now - start
        if elapsed < window { return self }
        if elapsed < 2 * window { return SlidingCount(previous: count, count: 0, start: start + window) }
        return SlidingCount(count: 0, start: now)
    }

    /// After `events` more at `now`.
    public func adding(_ events: Int = 1, at now: Micros, window: Micros) -> SlidingCount {
        var next = advanced(to: now, window: window)
        next.count += events
        return next
    }

    /// The estimate at `now`: this window's count plus the share of the previous one that the
    /// sliding window still covers.
    public func current(at now: Micros, window: Micros) -> Int {
        let moved = advanced(to: now, window: window)
        let overlap = 1 - Double(now - moved.start) / Double(window)
        return moved.count + Int((Double(moved.previous) * max(0, overlap)).rounded(.down))
    }
}
