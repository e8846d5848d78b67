/// A rate: `events` per `period`, with bursts of up to `burst` events at once.
///
/// Enforced with the generic cell rate algorithm: the whole state is one number, the
/// theoretical arrival time (TAT) of the next event, which fits one atomic word. An event at
/// `now` conforms when `max(TAT, now) - now ≤ (burst - 1) × interval`; conforming events move
/// the TAT on by one interval, others leave it (a refused event does not use up the rate).
public struct RateLimit: Sendable, Equatable, CustomStringConvertible {
    public var events: Int
    public var period: Micros
    public var burst: Int

    public init(events: Int, period: Micros, burst: Int? = nil) {
        precondition(events > 0 && period > 0)
        self.events = events
        self.period = period
        self.burst = max(1, burst ?? events)
    }

    /// Time between events at the sustained rate.
    public var interval: Micros { max(1, period / Micros(events)) }

    /// How far ahead of `now` the TAT may be for an event to conform.
    public var tolerance: Micros { interval * Micros(burst - 1) }

    /// `5/10s`, the way it is written in flags and the policy file (with `burst N` when not `events`).
    public var description: String {
        let base = "\(events)/\(DurationText.describe(period))"
        return burst == events ? base : "\(base) burst \(burst)"
    }

    /// The decision for an event at `now` given the stored TAT (0 when none): the new TAT when
    /// it conforms, or how long to wait when it does not.
    @inline(__always)
    public func check(tat: Micros, now: Micros) -> Decision {
        let start = max(tat, now)
        if start - now <= tolerance { return .conforms(newTAT: start + interval) }
        return .limited(retryAfter: start - tolerance - now)
    }

    public enum Decision: Equatable, Sendable {
        case conforms(newTAT: Micros)
        case limited(retryAfter: Micros)
    }
}

extension RateLimit {
    /// `N/DURATION` (`5/10s`, `100/1m`), optionally followed by ` burst B`.
    public init?(parsing text: String) {
        let words = text.split(separator: " ")
        guard words.count == 1 || (words.count == 3 && words[1] == "burst") else { return nil }
        let parts = words[0].split(separator: "/", maxSplits: 1)
        guard parts.count == 2, let events = Int(parts[0]), events > 0, events <= 1_000_000_000,
            let period = DurationText.parse(String(parts[1])), period > 0
        else { return nil }
        var burst: Int?
        if words.count == 3 {
            guard let b = Int(words[2]), b > 0, b <= 1_000_000_000 else { return nil }
            burst = b
        }
        self.init(events: events, period: period, burst: burst)
        // A burst of a slow rate can reach further ahead than any time the windows hold.
        let (reach, overflow) = interval.multipliedReportingOverflow(by: Micros(self.burst - 1))
        guard !overflow, reach <= Micros.longestDuration else { return nil }
    }
}
