/// Microseconds since the Unix epoch: the one time unit of every window, so that limits never
/// round through floating point (a 10 s / 3 interval is 3,333,333 µs on every run).
public typealias Micros = Int64

extension Micros {
    public static let perSecond: Micros = 1_000_000

    /// `seconds` (since the epoch, or a duration) rounded to the nearest microsecond; saturates.
    public init(seconds: Double) {
        let value = (seconds * 1e6).rounded()
        if value.isNaN {
            self = 0
        } else if value >= 9.2e18 {
            self = .max
        } else if value <= -9.2e18 {
            self = .min
        } else {
            self = Int64(value)
        }
    }

    /// The longest duration a flag, a policy setting or an op may give: 100 years. With event
    /// times before 2100 (`Timestamp.eventRange`), a time plus or minus any such duration stays
    /// far inside `Int64`.
    public static let longestDuration: Micros = 100 * 365 * 86_400 * perSecond

    /// This time or duration in seconds.
    public var seconds: Double { Double(self) / 1e6 }
}
