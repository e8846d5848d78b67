/// How a review case was closed.
public enum CaseOutcome: String, Sendable, CaseIterable {
    /// The comments stay up: the hold was wrong.
    case approve
    /// The comments come down: the hold was right.
    case remove

    /// The case's `status` once closed this way (`expired` cases keep theirs in `decisions`).
    public var status: String { self == .approve ? "approved" : "removed" }
}
