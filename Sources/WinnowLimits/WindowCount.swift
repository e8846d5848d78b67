/// A count within a fixed window: `[count: 16 | window start, seconds: 32]` in the low 48 bits.
/// Fixed windows are coarse at their edges; they serve strikes and raids, where a window is minutes.
public struct WindowCount: Equatable, Sendable {
    public var count: Int
    public var start: Micros

    public init(count: Int, start: Micros) {
        self.count = count
        self.start = start
    }

    public init(packed: UInt64) {
        count = Int(packed >> 32 & 0xFFFF)
        start = Micros(packed & 0xFFFF_FFFF) * Micros.perSecond
    }

    public var packed: UInt64 {
        UInt64(min(count, 0xFFFF)) << 32 | UInt64(UInt32(clamping: start / Micros.perSecond))
    }

    /// The count after one more event at `now`: a window older than `window` starts over.
    public func adding(at now: Micros, window: Micros) -> WindowCount {
        adding(1, at: now, window: window)
    }

    /// The count after `added` more events at `now`.
    public func adding(_ added: Int, at now: Micros, window: Micros) -> WindowCount {
        if count == 0 || now < start || now - start >= window {
            return WindowCount(count: added, start: now)
        }
        return WindowCount(count: count + added, start: start)
    }

    /// The count at `now`: 0 once the window is over.
    public func current(at now: Micros, window: Micros) -> Int {
        now < start || now - start >= window ? 0 : count
    }
}
