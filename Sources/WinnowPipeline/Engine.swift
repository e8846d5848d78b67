import WinnowCore
import WinnowMatch
import WinnowPolicy
import WinnowRules
import WinnowText

/// Everything needed to judge one event, built once from the configuration and shared read-only
/// by every worker. The path of an event: normalize once → rules report reasons → policy decides.
public final class Engine: Sendable {
    public let normalizer: Normalizer
    public let stopwordRule: StopwordRule
    public let policy: Policy

    public init(stopwords: StopwordSet, policy: Policy) {
        normalizer = Normalizer()
        stopwordRule = StopwordRule(stopwords: stopwords)
        self.policy = policy
    }

    /// The verdict for one decoded event. `scratch` belongs to the calling thread.
    public func judge(_ event: Event, scratch: WorkerScratch) -> Verdict {
        let needsFolded = stopwordRule.stopwords.needsFoldedView
        var text = event.text
        text.withUTF8 { normalizer.normalize($0, into: &scratch.normalized, folded: needsFolded) }
        scratch.reasons.removeAll(keepingCapacity: true)
        stopwordRule.evaluate(
            original: event.text, normalized: scratch.normalized, scratch: scratch.match,
            matches: &scratch.matches, into: &scratch.reasons)
        return policy.verdict(for: event, reasons: scratch.reasons)
    }
}

/// Per-thread working memory, reused from one event to the next so that normalization and
/// matching do not allocate once warm. Never shared between threads.
public final class WorkerScratch: @unchecked Sendable {
    public var normalized = NormalizedText()
    public let match = MatchScratch()
    public var matches = StopwordMatches()
    public var reasons: [Reason] = []
    /// Verdicts given per action since the start.
    public var actionCounts = [Int](repeating: 0, count: Action.allCases.count)

    public init() {}
}
