/// An analyzed event waiting for the window step, and where its verdict sits.
/// (72 bytes: the window step reads one per event, written by another core.)
public struct PendingEvent: Sendable {
    public let facts: WindowFacts
    /// Its verdict's index in the verdicts the window step is given.
    public let index: Int
    public let timestamp: Double?
    /// Where the event sits among the events whose content the analysis skipped (see
    /// `Engine.analyze`), for the caller's `skippedEvent`; -1 otherwise.
    public let skipped: Int32

    public init(facts: WindowFacts, index: Int, timestamp: Double?, skipped: Int32 = -1) {
        self.facts = facts
        self.index = index
        self.timestamp = timestamp
        self.skipped = skipped
    }
}
