import Dispatch
import Synchronization
import WinnowCore
import WinnowIO
import WinnowLimits

/// Judges batches of event lines already in memory — the entries `winnow consume` takes from a
/// Redis Stream — by the same two steps as `filter`: analysis spread over the workers, then the
/// window step in input order (with a shared store, asked once for the whole batch). One caller
/// at a time.
public final class BatchJudge {
    public let engine: Engine
    private let step: WindowStep
    private let mode: ClockMode
    /// Wall or event time: what `winnow consume` orders several partitions' events by.
    public var clockMode: ClockMode { mode }
    private let clock: any Clock
    private let decoder = EventDecoder()
    private let scratches: [WorkerScratch]

    /// A judged batch, line by line: the final verdicts, the events the lines carried (nil
    /// where one could not be read), the times they were judged at (event or wall time), and
    /// the comments' sketches (`WindowFacts.sketch`: a held comment joins its copies' review
    /// case). Arrays side by side, not one struct per line: the caller borrows each element in
    /// place, where a struct per line cost a copy of every verdict and event (their strings
    /// retained and released) at each step.
    public struct Judged {
        public var verdicts: [Verdict]
        public var events: [Event?]
        public var times: [Micros]
        public var sketches: [UInt64]
    }

    /// Below this many lines a batch is analyzed on the calling thread: dispatching costs more.
    private static let parallelThreshold = 64

    public init(
        engine: Engine, workers: Int, clock mode: ClockMode, lateTolerance: Micros, clock: any Clock = WallClock()
    ) {
        self.engine = engine
        self.clock = clock
        self.mode = mode
        step = WindowStep(timeline: Timeline(mode: mode, lateTolerance: lateTolerance, clock: clock))
        scratches = (0..<max(1, workers)).map { _ in WorkerScratch() }
    }

    /// The run's time, readable from any thread (`WindowStep.publishedNow`).
    public var currentTime: @Sendable () -> Micros {
        let step = self.step
        return { step.publishedNow }
    }

    /// The verdicts on `lines`, in order; `lines[k]` is line `firstLine + k` of the run (error
    /// verdicts name it).
    public func judge(_ lines: [ArraySlice<UInt8>], firstLine: Int) -> Judged {
        let arrival = Micros(seconds: clock.now())
        let windows = engine.usesWindows
        let workers = lines.count >= Self.parallelThreshold ? scratches.count : 1
        let parts = (0..<workers).map { _ in Part(capacity: workers == 1 ? lines.count : lines.count / 2) }
        let next = SliceCounter()
        let engine = engine, decoder = decoder, scratches = scratches, mode = mode
        // Each worker takes slices of 16 lines until none is left: a slow line does not leave a core idle.
        let analyzeSome: @Sendable (Int) -> Void = { w in
            let part = parts[w], scratch = scratches[w]
            while let lower = next.take(16, below: lines.count) {
                for k in lower..<min(lower + 16, lines.count) {
                    part.items.append(
                        Self.analyze(
                            lines[k], line: firstLine + k, index: k, engine: engine, decoder: decoder, mode: mode,
                            arrival: arrival, windows: windows, scratch: scratch))
                }
            }
            scratch.releaseIfLarge()
        }
        if workers == 1 {
            analyzeSome(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: workers, execute: analyzeSome)
        }
        // The first part's array taken over, not copied; the others' items appended to it.
        var merged = parts[0].items
        parts[0].items = []
        for part in parts.dropFirst() { merged.append(contentsOf: part.items) }
        if workers > 1 { merged.sort { $0.index < $1.index } }
        let items = merged

        // The window step, in order (with a shared store, in runs of one round trip each). Only
        // events that go through it move the timeline (as in `filter`): a broken line does not.
        // Fields are read by index from the `let` array: each read copies that field alone.
        var verdicts: [Verdict] = []
        var events: [Event?] = []
        var sketches: [UInt64] = []
        verdicts.reserveCapacity(items.count)
        events.reserveCapacity(items.count)
        sketches.reserveCapacity(items.count)
        for k in items.indices {
            verdicts.append(items[k].verdict)
            events.append(items[k].event)
            sketches.append(items[k].sketch)
        }
        var times = [Micros](repeating: arrival, count: items.count)
        if windows {
            var pending: [PendingEvent] = []
            pending.reserveCapacity(items.count)
            for k in items.indices {
                if let facts = items[k].facts {
                    pending.append(PendingEvent(facts: facts, index: k, timestamp: items[k].event?.timestamp))
                }
            }
            step.judge(
                pending, verdicts: &verdicts, engine: engine, skippedEvent: { items[pending[$0].index].event! },
                judgedAt: { times[pending[$0].index] = $1 }, changed: { _ in })
        }
        return Judged(verdicts: verdicts, events: events, times: times, sketches: sketches)
    }

    private static func analyze(
        _ line: ArraySlice<UInt8>, line number: Int, index: Int, engine: Engine, decoder: EventDecoder, mode: ClockMode,
        arrival: Micros, windows: Bool, scratch: WorkerScratch
    ) -> Item {
        let decoded = line.withUnsafeBufferPointer { decoder.decode($0, lineNumber: number) }
        switch decoded {
        case .success(let event):
            let hint = mode == .event ? event.timestamp.map(Micros.init(seconds:)) ?? arrival : arrival
            let (verdict, facts) = engine.analyze(event, scratch: scratch, penaltyCheckAt: windows ? hint : nil)
            return Item(
                index: index, verdict: verdict, event: event, facts: windows ? facts : nil, sketch: facts.sketch)
        case .failure(let error):
            return Item(
                index: index, verdict: .error(line: number, id: error.id, message: error.message), event: nil,
                facts: nil, sketch: 0)
        }
    }

    private struct Item: Sendable {
        let index: Int
        let verdict: Verdict
        let event: Event?
        /// For the window step (nil: the line is not an event, or the engine has no windows).
        let facts: WindowFacts?
        let sketch: UInt64
    }

    /// Hands out slices of a batch to the workers.
    private final class SliceCounter: Sendable {
        private let next = Atomic<Int>(0)

        func take(_ size: Int, below limit: Int) -> Int? {
            let lower = next.wrappingAdd(size, ordering: .relaxed).oldValue
            return lower < limit ? lower : nil
        }
    }

    /// What one worker analyzed; only that worker touches it until `concurrentPerform` returns.
    private final class Part: @unchecked Sendable {
        var items: [Item] = []

        init(capacity: Int) { items.reserveCapacity(capacity) }
    }
}
