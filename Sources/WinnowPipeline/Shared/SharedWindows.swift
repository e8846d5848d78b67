import WinnowLimits
import WinnowRules

/// Window state kept outside this process and shared by every Winnow instance pointed at it
/// (Redis, through `WinnowShared`): rate limits of every scope, slow-mode, repeat and flood
/// fingerprints, strikes, timeouts and bans. Keys are the
/// engine's stable 64-bit hashes of author, channel and author-in-channel, the same in every
/// instance.
public protocol SharedWindows: AnyObject, Sendable {
    /// For each request, in order and in one atomic step each: the author's penalty if one is
    /// in force, and otherwise (unless exempt) the rate limits from the narrowest to the
    /// widest, stopping at the first the event is over — what `RateLimitRule` does locally —
    /// then slow-mode, repeat and flood as their rules do locally. All of them in one round trip.
    func check(_ requests: [SharedRequest]) throws -> [SharedCheck]

    /// Records a timeout or ban for every instance (`.none` lifts it).
    func impose(_ penalty: Penalty, author: UInt64, now: Micros) throws

    /// Counts strikes for every instance, in order and in one round trip, each once per event:
    /// the same `eventKey` again (an event judged twice, a redelivered stream entry) is not
    /// counted again, nor is a strike of an author already under a penalty at its time. When
    /// the strikes reach the threshold, the penalty is recorded (unless `quiet`) and returned.
    func strikes(_ strikes: [SharedStrike]) throws -> [StrikeOutcome]

    /// How far behind its latest event this instance judges an event at its own time (the late
    /// tolerance on event time, 0 on the wall clock): what tells a window written by an instance
    /// ahead in time from one of its own.
    func setLateTolerance(_ tolerance: Micros)
}

extension SharedWindows {
    public func setLateTolerance(_ tolerance: Micros) {}
}
