/// How a review case or an appeal was closed.
public enum CaseOutcome: String, Sendable, CaseIterable {
    /// The comments stay up: the hold was wrong.
    case approve
    /// The comments come down: the hold was right.
    case remove
    /// An appeal refused: the verdict stands.
    case uphold
    /// An appeal granted: the verdict is undone in full (its strike, and the penalty it led to).
    case overturn

    /// The case's `status` once closed this way (`expired` cases keep theirs in `decisions`).
    public var status: String {
        switch self {
        case .approve: "approved"
        case .remove: "removed"
        case .uphold: "upheld"
        case .overturn: "overturned"
        }
    }

    /// Whether it decides an appeal (else a review case).
    public var decidesAppeal: Bool { self == .uphold || self == .overturn }

    /// As a training label: the verdict was right (remove, uphold), or wrong.
    public var confirmsVerdict: Bool { self == .remove || self == .uphold }
}
