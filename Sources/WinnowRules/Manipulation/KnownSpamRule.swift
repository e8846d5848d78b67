import WinnowCore
import WinnowLimits
import WinnowSettings
import WinnowText

/// **known_spam**: a near-copy of comments moderators removed (the known-spam bank,
/// `KnownCopies`, filled from the review queue's decisions). The reason says how many times such
/// copies were removed. Copies moderators approved at least as often as they removed them are
/// not held again: the rule marks them (`WindowEvent.approvedCopies`) and the engine lets their
/// `hold` reasons go unacted (kept, in dry run, for the record). Short and generic comments are
/// never matched: their sketches say too little ("I like this song").
public struct KnownSpamRule: Sendable, Equatable {
    public static let name = "known_spam"

    public var enabled: Bool
    /// Equal sketch values of eight for "a copy".
    public var minMatches: Int
    /// Comments with fewer uncommon words are not matched.
    public var minWords: Int
    /// Removals of copies from which the rule acts.
    public var minRemovals: Int
    public var action: RuleAction
    public var dryRun: Bool

    public init(
        enabled: Bool = true, minMatches: Int = 6, minWords: Int = 3, minRemovals: Int = 1,
        action: RuleAction = .reject, dryRun: Bool = false
    ) {
        self.enabled = enabled
        self.minMatches = minMatches
        self.minWords = minWords
        self.minRemovals = minRemovals
        self.action = action
        self.dryRun = dryRun
    }

    /// The bank's entry for a comment, if it is one the rule can match.
    public func entry(_ fingerprint: Fingerprint, in bank: KnownCopies) -> KnownCopies.Entry? {
        guard !bank.isEmpty, fingerprint.wordSet != 0, !fingerprint.isGeneric, fingerprint.words >= minWords else {
            return nil
        }
        return bank.entry(matching: fingerprint.wordSet, minMatches: minMatches)
    }

    /// The reason for a copy of comments removed `removals` times (approved `approvals` times).
    public func reason(removals: Int, approvals: Int) -> Reason {
        let approved = approvals > 0 ? ", approved \(approvals)" : ""
        return Reason(
            rule: Self.name, action: action,
            message:
                "a near-copy of comments moderators removed \(removals) time\(removals == 1 ? "" : "s")\(approved)",
            limit: "\(minRemovals) removal\(minRemovals == 1 ? "" : "s")", count: removals, dryRun: dryRun)
    }
}

extension KnownSpamRule {
    /// Why a copy of approved comments was not held (the `hold` reasons it had stay, unacted).
    public func approvedReason(approvals: Int) -> Reason {
        Reason(
            rule: Self.name,
            message:
                "a near-copy of comments moderators approved \(approvals) time\(approvals == 1 ? "" : "s"): not held again",
            count: approvals)
    }
}

extension KnownSpamRule: SettingsSection {
    public static let section = "known_spam"
    public static let about = [
        "known_spam: near-copies of comments moderators removed in the review queue (the",
        "known-spam bank, kept in the audit trail). Copies approved at least as often as removed",
        "are not held again.",
    ]
    public static var settings: [RuleSetting<Self>] {
        [
            .enabled(\.enabled),
            .int("min_matches", \.minMatches, in: 1...8, "equal sketch values of 8 that make a copy"),
            .int("min_words", \.minWords, in: 1...100, "uncommon words a comment needs to be matched"),
            .int("min_removals", \.minRemovals, in: 1...255, "removals of copies from which the rule acts"),
            .action(\.action), .dryRun(\.dryRun),
        ]
    }
    public var summary: String {
        Self.summaryLine(
            enabled: enabled,
            "copies removed \(minRemovals)+ times (\(minMatches) of 8 sketch values, \(minWords)+ words)",
            action: action.rawValue, dryRun: dryRun)
    }
}

extension KnownSpamRule: WindowRule {
    public var isActive: Bool { enabled }

    @inlinable
    public func evaluate(_ event: inout WindowEvent, into reasons: inout [Reason]) {
        guard let entry = entry(event.fingerprint, in: event.context.state.knownCopies) else { return }
        if entry.approvals > 0 && entry.approvals >= entry.removals {
            event.approvedCopies = entry.approvals
        } else if entry.removals >= minRemovals && !event.context.isExempt {
            reasons.append(reason(removals: entry.removals, approvals: entry.approvals))
        }
    }
}
