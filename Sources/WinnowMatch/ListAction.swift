import WinnowCore

/// What a wordlist asks for when one of its entries matches.
public enum ListAction: String, Sendable, CaseIterable {
    case flag, hold, censor, reject, annotate

    public var ruleAction: RuleAction {
        switch self {
        case .flag: .flag
        case .hold: .hold
        case .censor: .censor
        case .reject: .reject
        case .annotate: .annotate
        }
    }
}
