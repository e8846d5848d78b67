import Synchronization
import WinnowCore
import WinnowLimits

/// Step two of judging, after the content step the workers ran: each event's time on the
/// timeline, the window rules, the policy over their reasons and escalation — in input order,
/// on one thread at a time, so that on event time the verdicts are the same whatever the number
/// of workers. `filter` and `replay` (`FilterPipeline`), `consume` (`BatchJudge`) and `serve`
/// (`SidecarService`) all judge through it; with a shared store it asks the store once per
/// run of events (`SharedRuns`).
///
/// Used by one thread at a time — hence `@unchecked Sendable`: the sidecar, whose connections
/// share it, keeps it under a lock. The timeline it moves is the run's.
public final class WindowStep: @unchecked Sendable {
    private var timeline: Timeline
    /// For the rare comment whose analysis was skipped and is needed after all.
    private let finishing = WorkerScratch()

    /// How many events apart the prefetch steps are (see `Engine.prefetchWindows`).
    private static let prefetchDistance = 4
    private static let reasonsOffset = MemoryLayout<Verdict>.offset(of: \Verdict.reasons)!

    /// `now` as of the latest run of events, for other threads (`DecisionFollower`).
    private let published = Atomic<Int64>(0)
    /// The timeline's clock, kept apart: other threads read it, never `timeline`.
    private let clock: any Clock

    public init(timeline: Timeline) {
        self.timeline = timeline
        clock = timeline.clock
    }

    /// The run's time now (`Timeline.current`), on the thread that judges.
    public var now: Micros { timeline.current }

    /// The run's time as of its latest run of events, from any thread: the wall clock's on
    /// `--clock wall` (or before any event), the latest event's on `--clock event`.
    public var publishedNow: Micros {
        let latest = published.load(ordering: .relaxed)
        return latest == 0 ? Micros(seconds: clock.now()) : latest
    }

    /// One event: its time, the window rules on `verdict`, and the `late` reason when it came
    /// too far behind. `event` is asked for only when the content step skipped the comment and
    /// it is needed after all. Returns the time it was judged at and whether `verdict` changed.
    public func judge(
        _ facts: WindowFacts, timestamp: Double?, verdict: inout Verdict, engine: Engine, event: () -> Event
    ) -> (now: Micros, changed: Bool) {
        let (now, late) = timeline.time(of: timestamp)
        let finishing = self.finishing
        var changed = engine.applyWindows(facts, to: &verdict, at: now) {
            // The author's penalty ended in the meantime: analyze the comment after all.
            engine.analyze(event(), scratch: finishing)
        }
        if let late {
            verdict.reasons.append(late)
            changed = true
        }
        return (now, changed)
    }

    /// A run of events in input order: `pending[k]`'s verdict is `verdicts[pending[k].index]`.
    /// `skippedEvent(k)` gives event `k` when its content is needed after all; `judgedAt(k, now)`
    /// is told each event's time; `changed` each index of `verdicts` that changed (in order
    /// without a shared store; with one, possibly out of order and more than once). With a
    /// shared store and `strikesLater`, the strikes are left there for `SharedRuns.settleStrikes`.
    public func judge(
        _ pending: [PendingEvent], verdicts: inout [Verdict], engine: Engine, strikesLater: DeferredStrikes? = nil,
        skippedEvent: (Int) -> Event, judgedAt: ((Int, Micros) -> Void)? = nil, changed: (Int) -> Void
    ) {
        let finishing = self.finishing
        defer { published.store(timeline.current, ordering: .relaxed) }
        if let runs = SharedRuns(engine: engine) {
            // Its round trips and window step (the verdicts moved out and back: a swap each, no copy).
            var events: [(facts: WindowFacts, now: Micros)] = []
            var lates: [Reason?] = []
            var moved: [Verdict] = []
            events.reserveCapacity(pending.count)
            for event in pending {
                let (now, late) = timeline.time(of: event.timestamp)
                events.append((event.facts, now))
                lates.append(late)
                var verdict = Verdict(id: nil, action: .allow)
                swap(&verdict, &verdicts[event.index])
                moved.append(verdict)
            }
            runs.apply(
                events, to: &moved, strikesLater: strikesLater,
                analyzeSkipped: { k in engine.analyze(skippedEvent(k), scratch: finishing) },
                changed: { changed(pending[$0].index) })
            for k in pending.indices {
                if let late = lates[k] {
                    moved[k].reasons.append(late)
                    changed(pending[k].index)
                }
                swap(&moved[k], &verdicts[pending[k].index])
                judgedAt?(k, events[k].now)
            }
            return
        }
        let distance = Self.prefetchDistance
        for k in pending.indices {
            // What the workers wrote on the other core, well ahead of the table steps below
            // (which read it): the pending event, then its verdict.
            if k + 6 * distance < pending.count {
                pending.withUnsafeBufferPointer { Prefetch.lines(of: $0.baseAddress! + k + 6 * distance) }
            }
            if k + 4 * distance < pending.count {
                let ahead = pending[k + 4 * distance].index
                verdicts.withUnsafeBufferPointer { Prefetch.lines(of: $0.baseAddress! + ahead) }
            }
            for step in 1...3 where k + (4 - step) * distance < pending.count {
                engine.prefetchWindows(pending[k + (4 - step) * distance].facts, step: step)
            }
            // The verdict's reasons, written by a worker on another core, are read first thing.
            if k + distance < pending.count {
                let ahead = pending[k + distance].index
                verdicts.withUnsafeBufferPointer { all in
                    let reasons = UnsafeRawPointer(all.baseAddress! + ahead) + Self.reasonsOffset
                    Prefetch.arrayStorage(at: reasons.assumingMemoryBound(to: [Reason].self))
                }
            }
            let index = pending[k].index
            let (now, didChange) = judge(
                pending[k].facts, timestamp: pending[k].timestamp, verdict: &verdicts[index], engine: engine
            ) { skippedEvent(k) }
            judgedAt?(k, now)
            if didChange { changed(index) }
        }
    }
}
