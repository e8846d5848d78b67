import WinnowCore
import WinnowLimits

/// Which time the window rules run on.
public enum ClockMode: String, Sendable, CaseIterable {
    /// The event's `ts`: replays and tests are deterministic.
    case event
    /// The time the event is judged at.
    case wall
}

/// Gives each event, in input order, the time it is judged at.
///
/// On event time the stream's time is the latest `ts` seen so far. An event up to
/// `lateTolerance` behind it is judged at its own `ts`; one further behind is judged at
/// `latest - lateTolerance` and gets an informational `late` reason. An event without `ts`
/// is judged at the latest time (the wall clock before the first `ts`).
public struct Timeline: Sendable {
    let mode: ClockMode
    let lateTolerance: Micros
    let clock: any Clock
    private var latest: Micros = .min

    public init(mode: ClockMode, lateTolerance: Micros, clock: any Clock) {
        self.mode = mode
        self.lateTolerance = lateTolerance
        self.clock = clock
    }

    /// The time now on this timeline: the latest event's (event clock, once one came), else
    /// the wall clock's. What a moderator's decision is applied at.
    public var current: Micros {
        mode == .event && latest != .min ? latest : Micros(seconds: clock.now())
    }

    public mutating func time(of timestamp: Double?) -> (now: Micros, late: Reason?) {
        guard mode == .event else { return (Micros(seconds: clock.now()), nil) }
        guard let timestamp else {
            if latest == .min { latest = Micros(seconds: clock.now()) }
            return (latest, nil)
        }
        let ts = Micros(seconds: timestamp)
        if ts >= latest {
            latest = ts
            return (ts, nil)
        }
        let floor = latest - lateTolerance
        if ts >= floor { return (ts, nil) }
        let behind = DurationText.describe(latest - ts)
        return (
            floor,
            Reason(
                rule: "late",
                message:
                    "ts is \(behind) behind the latest event; judged \(DurationText.describe(lateTolerance)) before it")
        )
    }
}
