import WinnowLimits

/// What counting a strike in the shared store did.
public enum StrikeOutcome: Equatable, Sendable {
    /// Counted; below the threshold.
    case counted
    /// This event's strike was counted before (nothing changed).
    case alreadyCounted
    /// The author was under a penalty at the strike's time (one reached earlier in the same
    /// batch): not counted; the event gets the penalty.
    case underPenalty(Penalty)
    /// The threshold was reached: the penalty the author gets (recorded unless quiet).
    case reached(Penalty)
}
