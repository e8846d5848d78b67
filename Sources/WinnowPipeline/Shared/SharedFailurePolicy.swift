/// What an event gets while the shared store cannot be reached.
public enum SharedFailurePolicy: String, Sendable, CaseIterable {
    /// Judged on this instance's own windows alone (limits may be overshot across instances).
    case open
    /// Held (`hold`, rule `shared`) until the store answers again.
    case closed
}
