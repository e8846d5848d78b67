#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A source of "now" in seconds since the Unix epoch. Injected so that rules never read the wall
/// clock themselves: replays run on event time and tests advance a fake clock.
public protocol Clock: Sendable {
    func now() -> Double
}

/// The system's real-time clock.
public struct WallClock: Clock {
    public init() {}

    public func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
