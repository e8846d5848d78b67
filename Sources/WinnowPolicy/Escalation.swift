import WinnowCore
import WinnowLimits
import WinnowSettings

/// Strikes lead to a timeout, timeouts to a ban. A verdict at least as strong as
/// `strikeAction`, asked for by one of `strikeRules` (what the author said or did, not how
/// often: being rate-limited is its own answer), is a strike; `strikes` of them within
/// `window` time the author out for
/// `timeout`; the `banAfterTimeouts`-th timeout is a ban instead (for `banDuration`, or for
/// good). While a timeout or ban is in force, the author's events get it straight away.
public struct Escalation: Sendable, Equatable {
    public static let name = "escalation"

    public var enabled: Bool
    public var strikeAction: Action
    /// Rules whose findings count as strikes.
    public var strikeRules: Set<String>
    public var strikes: Int
    public var window: Micros
    public var timeout: Micros
    /// 0: never ban.
    public var banAfterTimeouts: Int
    /// `nil`: a ban has no end.
    public var banDuration: Micros?
    /// Count strikes and report the would-be penalty, but impose none.
    public var dryRun: Bool

    public init(
        enabled: Bool = true, strikeAction: Action = .reject, strikeRules: Set<String> = Escalation.defaultStrikeRules,
        strikes: Int = 3, window: Micros = 600 * Micros.perSecond,
        timeout: Micros = 600 * Micros.perSecond, banAfterTimeouts: Int = 3, banDuration: Micros? = nil,
        dryRun: Bool = false
    ) {
        self.enabled = enabled
        self.strikeAction = strikeAction
        self.strikeRules = strikeRules
        self.strikes = strikes
        self.window = window
        self.timeout = timeout
        self.banAfterTimeouts = banAfterTimeouts
        self.banDuration = banDuration
        self.dryRun = dryRun
    }

    /// Content and manipulation rules; not rate limits or slow-mode.
    public static let defaultStrikeRules: Set<String> = ["stopword", "repeat", "flood", "links", "known_spam"]

    /// The timeout or ban in force for the event's author, if any.
    public func penaltyInForce(_ context: WindowContext) -> Penalty? {
        guard let slot = context.author else { return nil }
        let penalty = Penalty(packed: context.state.authors.load(slot, AuthorWord.penalty))
        return penalty.isActive(at: context.now) ? penalty : nil
    }

    /// `reason(for:at:)` as a verdict's reasons. A ban for good, the commonest penalty by far
    /// (every later event of a banned author gets it), is one array built once, not a reason
    /// and an array per event.
    public func reasons(for penalty: Penalty, at now: Micros) -> (reasons: [Reason], until: Micros?)? {
        if penalty.kind == .ban && penalty.until == Penalty.forever { return (Self.bannedForGood, nil) }
        return reason(for: penalty, at: now).map { ([$0.reason], $0.until) }
    }

    /// `reason(for:at:)` of a ban for good, made by it (it depends on neither the settings nor the time).
    private static let bannedForGood = [
        Escalation().reason(for: Penalty(kind: .ban, until: Penalty.forever, timeouts: 1), at: 0)!.reason
    ]

    /// The reason a penalty gives at `now` (`nil` when it is not in force), and when it ends
    /// (`nil`: never) — for a penalty found here or in the shared store.
    public func reason(for penalty: Penalty, at now: Micros) -> (reason: Reason, until: Micros?)? {
        guard penalty.isActive(at: now) else { return nil }
        let forever = penalty.until == Penalty.forever
        let retryAfter = forever ? nil : (penalty.until - now).seconds
        let reason: Reason
        switch penalty.kind {
        case .ban:
            reason = Reason(
                rule: "ban", action: .ban,
                message: "the author is banned",
                retryAfter: retryAfter)
        default:
            reason = Reason(
                rule: "timeout", action: .timeout, message: "the author is timed out", retryAfter: retryAfter)
        }
        return (reason, forever ? nil : penalty.until)
    }

    /// Counts a strike when `verdict` is one, and turns the verdict into a timeout or ban when
    /// the strikes reach the threshold. `dryRunAll` is the global `--dry-run`. Returns the
    /// penalty the strikes reached (imposed unless in dry run), if they did.
    @discardableResult
    public func apply(to verdict: inout Verdict, _ context: WindowContext, dryRunAll: Bool) -> Penalty? {
        guard isStrike(verdict, context), let slot = context.author else { return nil }
        let table = context.state.authors
        let now = context.now
        var reached = false
        _ = table.update(slot, AuthorWord.strikes) { word in
            var count = WindowCount(packed: word).adding(at: now, window: window)
            reached = count.count >= strikes
            if reached { count = WindowCount(count: 0, start: now) }
            return count.packed
        }
        guard reached else { return nil }
        let timeouts = Penalty(packed: table.load(slot, AuthorWord.penalty)).timeouts + 1
        let penalty = nextPenalty(timeouts: timeouts, at: now)
        impose(penalty, on: &verdict, context, dryRunAll: dryRunAll)
        return penalty
    }

    /// Whether `verdict` is a strike: escalation is on, the author is not exempt, the verdict is
    /// at least `strikeAction` (below a timeout, not an error), asked for by a strike rule.
    public func isStrike(_ verdict: Verdict, _ context: WindowContext) -> Bool {
        let decided = verdict.would ?? verdict.action
        return enabled && !context.isExempt && decided >= strikeAction && decided < .timeout && decided != .error
            && context.author != nil
            && verdict.reasons.withUnsafeBufferPointer { reasons in
                // Read in place (a copy of a reason retains each of its strings); the set
                // lookup (a string hash) last.
                reasons.indices.contains { k in
                    !reasons[k].dryRun && (reasons[k].action?.verdictAction ?? .allow) >= strikeAction
                        && strikeRules.contains(reasons[k].rule)
                }
            }
    }

    /// Whether a final verdict counted a strike: `isStrike` of it as it was before its
    /// escalation step (the verdict that reached the threshold is a timeout or ban by now, and
    /// keeps the strike rule's reason). For the audit trail, which keeps each strike so that a
    /// moderator's decision can take it back; an exempt author's count is the trail's only.
    public func countsAsStrike(_ verdict: Verdict) -> Bool {
        let decided = verdict.would ?? verdict.action
        guard enabled, decided >= strikeAction, decided != .error else { return false }
        return verdict.reasons.contains { reason in
            !reason.dryRun && (reason.action?.verdictAction ?? .allow) >= strikeAction
                && strikeRules.contains(reason.rule)
        }
    }

    /// The penalty for an author's `timeouts`-th timeout at `now`: a ban from the
    /// `banAfterTimeouts`-th on, else a timeout.
    public func nextPenalty(timeouts: Int, at now: Micros) -> Penalty {
        let ban = banAfterTimeouts > 0 && timeouts >= banAfterTimeouts
        let until: Micros? = ban ? banDuration.map { now + $0 } : now + timeout
        return Penalty(kind: ban ? .ban : .timeout, until: until ?? Penalty.forever, timeouts: timeouts)
    }

    /// The strikes reached the threshold and brought `penalty` (counted here, or in the shared
    /// store): the author's slot gets it (unless in dry run) and the verdict says so.
    public func impose(_ penalty: Penalty, on verdict: inout Verdict, _ context: WindowContext, dryRunAll: Bool) {
        let quiet = dryRun || dryRunAll
        let now = context.now
        if !quiet, let slot = context.author {
            context.state.authors.store(slot, AuthorWord.penalty, penalty.packed)
            context.state.penaltyHints.mark(context.authorKey)
        }
        let ban = penalty.kind == .ban
        let until: Micros? = penalty.until == Penalty.forever ? nil : penalty.until
        let action: RuleAction = ban ? .ban : .timeout
        let length = until.map { "for \(DurationText.describe($0 - now))" } ?? "for good"
        let what =
            ban ? "banned \(length) (timeout \(penalty.timeouts))" : "timed out \(length) (timeout \(penalty.timeouts))"
        verdict.reasons.append(
            Reason(
                rule: Self.name, action: action,
                message: "strike \(strikes) of \(strikes) in \(DurationText.describe(window)): \(what)",
                limit: "\(strikes) strikes in \(DurationText.describe(window))", count: strikes,
                retryAfter: until.map { ($0 - now).seconds }, dryRun: quiet))
        if dryRunAll {
            verdict.would = max(verdict.would ?? verdict.action, action.verdictAction)
        } else if !dryRun {
            verdict.action = action.verdictAction
            verdict.text = nil
            verdict.until = until?.seconds
        }
    }
}

extension Escalation: SettingsSection {
    public static let section = "escalation"
    public static let about = [
        "Strikes lead to timeouts, timeouts to a ban. A strike: a verdict at least as strong as",
        "strike_action, asked for by one of strike_rules (not by rate limits or slow-mode).",
    ]
    public static var settings: [RuleSetting<Self>] {
        [
            .enabled(\.enabled),
            .dryRun(\.dryRun),
            .choice(
                "strike_action", \.strikeAction, of: [Action.flag, .hold, .reject],
                "the weakest verdict that is a strike"),
            .words("strike_rules", \.strikeRules, "the rules whose verdicts count as strikes"),
            .int("strikes", \.strikes, in: 1...1000, "strikes within the window that time an author out"),
            .duration("window", \.window, "how long a strike counts"),
            .duration("timeout", \.timeout, "how long a timeout lasts"),
            .int(
                "ban_after_timeouts", \.banAfterTimeouts, in: 0...10_000,
                "the timeout that is a ban instead (0: never a ban)"),
            RuleSetting(
                "ban_duration", type: "duration, or forever", help: "how long a ban lasts",
                read: { value, rule in
                    if value.isScalar, value.string() == "forever" {
                        rule.banDuration = nil
                    } else if let duration = value.duration() {
                        rule.banDuration = duration
                    }
                }, write: { $0.banDuration.map(DurationText.describe) ?? "forever" }),
        ]
    }
    public var problems: [(key: String, message: String)] { window <= 0 ? [("window", "must be longer than 0s")] : [] }
    public var summary: String {
        guard enabled else { return "escalation: off" }
        return
            "escalation: \(strikes) strikes (\(strikeAction.rawValue) or stronger, from "
            + "\(strikeRules.sorted().joined(separator: ", "))) in \(DurationText.describe(window)) "
            + "-> timeout \(DurationText.describe(timeout)); "
            + (banAfterTimeouts == 0
                ? "never a ban"
                : "ban after \(banAfterTimeouts) timeouts for \(banDuration.map(DurationText.describe) ?? "good")")
            + (dryRun ? " (dry run)" : "")
    }
}
