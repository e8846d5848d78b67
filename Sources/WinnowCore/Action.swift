/// What happens to a comment. The cases are ordered from mildest to strongest so that the
/// policy can take the strongest action any signal asked for; `error` stands apart and is only
/// given to input that could not be read.
public enum Action: String, Sendable, CaseIterable, Comparable {
    case allow, flag, censor, hold, reject, timeout, ban, error

    /// Position in `allCases`, for per-action counters.
    public var index: Int { rank }

    private var rank: Int {
        switch self {
        case .allow: 0
        case .flag: 1
        case .censor: 2
        case .hold: 3
        case .reject: 4
        case .timeout: 5
        case .ban: 6
        case .error: 7
        }
    }

    public static func < (lhs: Action, rhs: Action) -> Bool { lhs.rank < rhs.rank }
}

/// What a rule asks the policy to do about one finding. `annotate` lets the comment through with
/// a help note (for sensitive topics, where help beats punishment); the others name an `Action`.
public enum RuleAction: String, Sendable, CaseIterable {
    case annotate, flag, censor, hold, reject, timeout, ban

    /// The verdict action this request amounts to.
    public var verdictAction: Action {
        switch self {
        case .annotate: .allow
        case .flag: .flag
        case .censor: .censor
        case .hold: .hold
        case .reject: .reject
        case .timeout: .timeout
        case .ban: .ban
        }
    }
}
