import WinnowLimits
import WinnowPolicy

/// One strike for the shared store: whose, which event, when, and the escalation settings that
/// decide what it leads to.
public struct SharedStrike: Sendable {
    public var author: UInt64
    /// The event's id: what makes counting idempotent.
    public var eventKey: String
    public var now: Micros
    public var escalation: Escalation
    /// Dry run: count, but impose nothing.
    public var quiet: Bool

    public init(author: UInt64, eventKey: String, now: Micros, escalation: Escalation, quiet: Bool) {
        self.author = author
        self.eventKey = eventKey
        self.now = now
        self.escalation = escalation
        self.quiet = quiet
    }
}
