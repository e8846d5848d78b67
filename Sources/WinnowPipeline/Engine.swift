import WinnowCore
import WinnowLimits
import WinnowMatch
import WinnowPolicy
import WinnowRules
import WinnowText

/// Everything needed to judge events, built once from the configuration and shared by every
/// worker. An event is judged in two steps:
///
/// 1. `analyze` — stateless and parallel: normalize once, content rules report reasons.
/// 2. `decide` — in event order: window rules read and update the shared `BehaviorState`,
///    the policy turns all reasons into a verdict, escalation may turn it into a timeout or ban.
public final class Engine: Sendable {
    public let normalizer: Normalizer
    public let stopwordRule: StopwordRule
    public let policy: Policy
    public let behavior: BehaviorSettings
    /// Per-author and per-channel windows; survives a new `Engine` built on reload.
    public let state: BehaviorState

    public init(
        stopwords: StopwordSet, policy: Policy, behavior: BehaviorSettings = BehaviorSettings(),
        state: BehaviorState? = nil
    ) {
        normalizer = Normalizer()
        stopwordRule = StopwordRule(stopwords: stopwords)
        self.policy = policy
        self.behavior = behavior
        self.state = state ?? BehaviorState(maxAuthors: behavior.maxAuthors)
    }

    /// Step 1: what can be known about `event` without any state. `scratch` belongs to the
    /// calling thread.
    public func analyze(_ event: Event, scratch: WorkerScratch) -> Analysis {
        let needsFolded = stopwordRule.stopwords.needsFoldedView
        var text = event.text
        text.withUTF8 { normalizer.normalize($0, into: &scratch.normalized, folded: needsFolded) }
        var analysis = Analysis()
        stopwordRule.evaluate(
            original: event.text, normalized: scratch.normalized, scratch: scratch.match,
            matches: &scratch.matches, into: &analysis.reasons)
        if behavior.isActive {
            analysis.authorKey = BehaviorState.authorKey(event.author)
            analysis.channelKey = BehaviorState.channelKey(event.channel)
        }
        return analysis
    }

    /// Step 2: the verdict for `event` judged at `now`. Calls for events whose order matters
    /// (one author, one channel) must come in that order; any thread may make them.
    public func decide(_ event: Event, _ analysis: Analysis, at now: Micros) -> Verdict {
        guard behavior.isActive else { return policy.verdict(for: event, reasons: analysis.reasons) }
        let isExempt = !event.roles.isEmpty && event.roles.contains(where: behavior.exemptRoles.contains)
        let context = WindowContext(
            state: state, now: now, channel: event.channel, authorKey: analysis.authorKey,
            channelKey: analysis.channelKey, isExempt: isExempt)
        var reasons = analysis.reasons
        if let (penalty, until) = behavior.escalation.penaltyInForce(context) {
            reasons.insert(penalty, at: 0)
            var verdict = policy.verdict(for: event, reasons: reasons)
            if verdict.action >= .timeout { verdict.until = until?.seconds }
            return verdict
        }
        let channel = behavior.settings(for: event.channel)
        behavior.rateLimit.evaluate(context, limits: channel.rateLimits, into: &reasons)
        behavior.slowMode.evaluate(context, interval: channel.slowMode, raidInterval: 0, into: &reasons)
        var verdict = policy.verdict(for: event, reasons: reasons)
        behavior.escalation.apply(to: &verdict, context, dryRunAll: policy.dryRun)
        return verdict
    }

    /// Both steps at once, for callers that judge one event at a time.
    public func judge(_ event: Event, scratch: WorkerScratch, at now: Micros) -> Verdict {
        decide(event, analyze(event, scratch: scratch), at: now)
    }
}

/// What `Engine.analyze` found, handed to `Engine.decide`.
public struct Analysis: Sendable {
    /// The content rules' reasons, in text order.
    public var reasons: [Reason] = []
    /// Keys of the author and the channel in the window tables (0 when no window rule is on).
    public var authorKey: UInt64 = 0
    public var channelKey: UInt64 = 0
}

/// Per-thread working memory, reused from one event to the next so that normalization and
/// matching do not allocate once warm. Never shared between threads.
public final class WorkerScratch: @unchecked Sendable {
    public var normalized = NormalizedText()
    public let match = MatchScratch()
    public var matches = StopwordMatches()

    public init() {}
}
