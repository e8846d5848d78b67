import WinnowCore
import WinnowLimits
import WinnowRules

/// With a shared store, the window step of a run of events in order, as a forecast settled by
/// the store: each run is asked about in one round trip, this instance's own count of strikes
/// decides the verdicts at once (the forecast), and the run's strikes are counted in the store
/// in one more round trip — whose outcomes correct the forecast where every instance's strikes
/// together say otherwise (`settleStrikes`). `WindowStep` drives it; `Engine.applyWindows`
/// judges each event.
public struct SharedRuns {
    let engine: Engine
    let shared: SharedLink

    /// `nil` when `engine` has no shared store.
    public init?(engine: Engine) {
        guard let shared = engine.shared else { return nil }
        self.init(engine: engine, shared: shared)
    }

    init(engine: Engine, shared: SharedLink) {
        self.engine = engine
        self.shared = shared
    }

    /// The window step of a batch's events (in order) with a shared store: each run of events
    /// asked about in one round trip, their window rules, then the run's strikes in one round
    /// trip. A run ends before an author's event that could come after a penalty reached in
    /// the same run — the author's strikes so far (this instance's count) leave `n` to go, and
    /// `n` of their events are in the run already — so that the store never counts an event
    /// that this instance answers with a penalty (alone on the store, this decides exactly as
    /// without it). Events of authors under a penalty here are not asked about at all.
    /// `changed` is told each index whose verdict changed (possibly more than once).
    ///
    /// With `strikesLater`, the strikes are left there instead of counted run by run: the caller
    /// answers first (this instance's own count decided the verdicts) and settles them after
    /// (`settleStrikes`), so an event costs one round trip before its answer; what the store
    /// finds then applies to the author's later events.
    public func apply(
        _ events: [(facts: WindowFacts, now: Micros)], to verdicts: inout [Verdict],
        strikesLater: DeferredStrikes? = nil,
        analyzeSkipped: (Int) -> (verdict: Verdict, facts: WindowFacts), changed: (Int) -> Void
    ) {
        let deferred = strikesLater ?? DeferredStrikes()
        var answers = [SharedAnswer](repeating: .ask, count: events.count)
        var next = 0
        while next < events.count {
            var inRun: [UInt64: Int] = [:]
            var asked: [Int] = []
            var end = next
            while end < events.count {
                let (facts, now) = events[end]
                if engine.penalty(ofKey: facts.author, at: now) != nil {
                    // The local penalty answers it (applyWindows looks there first).
                    answers[end] = .answered(SharedCheck())
                } else {
                    let count = inRun[facts.author, default: 0]
                    if count >= strikesBeforePenalty(facts, at: now) { break }
                    inRun[facts.author] = count + 1
                    asked.append(end)
                }
                end += 1
            }
            for (k, answer) in zip(
                asked, shared.answers(asked.map { engine.sharedRequest(for: events[$0].facts, at: events[$0].now) }))
            {
                answers[k] = answer
            }
            for k in next..<end {
                deferred.tag = k
                let didChange = engine.applyWindows(
                    events[k].facts, to: &verdicts[k], at: events[k].now, sharedAnswer: answers[k],
                    deferredStrikes: deferred
                ) { analyzeSkipped(k) }
                if didChange { changed(k) }
            }
            if strikesLater == nil, !deferred.isEmpty {
                let penalized = settleStrikes(deferred, in: &verdicts, changed: changed)
                // Penalties the forecast missed hold for the authors' later events of the run.
                for k in next..<end {
                    guard let (penalty, fromTag) = penalized[events[k].facts.author], k > fromTag,
                        give(penalty, to: &verdicts[k], at: events[k].now)
                    else { continue }
                    changed(k)
                }
            }
            next = end
        }
    }

    /// How many of the author's events may be asked about in one run: the strikes they still
    /// need for a penalty (no limit when escalation cannot impose one).
    private func strikesBeforePenalty(_ facts: WindowFacts, at now: Micros) -> Int {
        let escalation = engine.behavior.escalation
        guard escalation.enabled, !escalation.dryRun, !engine.policy.dryRun, !facts.isExempt else { return .max }
        guard let slot = engine.state.authors.existingSlot(for: facts.author) else { return escalation.strikes }
        let count = WindowCount(packed: engine.state.authors.load(slot, AuthorWord.strikes)).current(
            at: now, window: escalation.window)
        return max(1, escalation.strikes - count)
    }

    /// Counts the strikes `applyWindows` handed over (in their order, one round trip) and folds
    /// the store's outcomes into `verdicts[tag]` where they differ from this instance's
    /// forecast; `changed` is told each tag whose verdict changed. An author the store penalized
    /// where the forecast did not gets the penalty from that event on: `penalized` (by author
    /// key, from which tag) says so, for the author's later events of the batch.
    /// With the store unreachable the forecast stands: the strikes were counted here.
    public func settleStrikes(
        _ deferred: DeferredStrikes, in verdicts: inout [Verdict], changed: (Int) -> Void
    ) -> [UInt64: (penalty: Penalty, fromTag: Int)] {
        guard !deferred.items.isEmpty else { return [:] }
        let items = deferred.items
        deferred.items.removeAll(keepingCapacity: true)
        guard let outcomes = shared.strikes(items.map(\.strike)) else { return [:] }
        var penalized: [UInt64: (penalty: Penalty, fromTag: Int)] = [:]
        for (item, outcome) in zip(items, outcomes) {
            let now = item.strike.now
            switch outcome {
            case .reached(let penalty):
                if item.localPenalty == penalty { continue }  // forecast right
                let context = WindowContext(
                    state: engine.state, now: now, authorKey: item.facts.author, channelKey: item.facts.channel,
                    isExempt: item.facts.isExempt, needsChannel: false)
                verdicts[item.tag] = item.before
                engine.behavior.escalation.impose(
                    penalty, on: &verdicts[item.tag], context, dryRunAll: engine.policy.dryRun)
                if !item.strike.quiet, penalized[item.facts.author] == nil {
                    penalized[item.facts.author] = (penalty, item.tag)
                }
            case .underPenalty(let penalty):
                guard give(penalty, to: &verdicts[item.tag], at: now) else { continue }
            case .counted, .alreadyCounted:
                // The forecast reached a penalty the store did not (its state was lost): it
                // stands, and is shared.
                guard let local = item.localPenalty, !item.strike.quiet else { continue }
                shared.impose(local, author: item.facts.author, now: now)
                continue
            }
            changed(item.tag)
        }
        return penalized
    }

    /// Makes a penalty the store found, in force at `now`, the whole answer of a verdict that
    /// is not a timeout or ban already; returns whether it did.
    private func give(_ penalty: Penalty, to verdict: inout Verdict, at now: Micros) -> Bool {
        guard verdict.action < .timeout,
            let (reasons, until) = engine.behavior.escalation.reasons(for: penalty, at: now)
        else { return false }
        verdict = engine.penaltyVerdict(replacing: verdict, reasons: reasons, until: until)
        return true
    }

    /// Folds the shared store's outcome for one strike, counted on its own, into its verdict
    /// (`nil`: the store could not be reached; the strike is counted on this instance).
    func settle(
        _ strike: SharedStrike, _ outcome: StrikeOutcome?, on verdict: inout Verdict, _ context: WindowContext
    ) {
        switch outcome {
        case .reached(let penalty)?:
            engine.behavior.escalation.impose(penalty, on: &verdict, context, dryRunAll: engine.policy.dryRun)
        case .underPenalty(let penalty)?:
            _ = give(penalty, to: &verdict, at: strike.now)
        case .counted?, .alreadyCounted?:
            break
        case nil:
            engine.behavior.escalation.apply(to: &verdict, context, dryRunAll: engine.policy.dryRun)
        }
    }
}
