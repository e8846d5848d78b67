import Dispatch
import Synchronization
import WinnowAudit
import WinnowCore
import WinnowIO
import WinnowLimits

/// `winnow filter`: NDJSON events in, exactly one NDJSON verdict per input line out, in input
/// order. Lines are read in batches (as many as are waiting, never waiting for more). A batch
/// goes through three steps:
///
/// 1. analyze, in chunks on all workers: decode, normalize, content rules, first verdict,
///    encoded right away;
/// 2. decide, on the reading thread in input order: window rules, policy, escalation — so
///    that on event time the output is the same whatever the number of workers;
/// 3. hand the bytes to a writer thread (re-encoding the verdicts step 2 changed) — which,
///    with an audit trail, first commits the batch's audit rows (group commit, see
///    `AuditCommitMode`).
///
/// Steps 2 and 3 of a batch run while the workers analyze the next one, and the reading thread
/// then takes the chunks of that next batch no worker has started, so the one sequential step
/// does not leave the cores idle. When no more input is waiting, the batch in hand is finished
/// and written before reading blocks: a verdict is never held back waiting for more input. At
/// most two batches are in memory and one is being written.
public final class FilterPipeline: Sendable {
    private let engine: Engine
    private let options: FilterOptions
    private let decoder = EventDecoder()
    private let encoder = VerdictEncoder()
    /// One per worker, each with its own serial queue: a worker takes the next batch's chunks
    /// as soon as it is done with the current one's, and never more than `workers` analyze.
    private let scratches: [WorkerScratch]
    private let lanes: [DispatchQueue]
    /// For the chunks the reading thread analyzes itself.
    private let readingScratch = WorkerScratch()
    private let clock: any Clock
    private let audit: AuditTrail?
    private let observer: (any VerdictObserver)?
    /// The window step, in input order; one run of the pipeline moves its timeline.
    private let step: WindowStep

    /// Below this many lines a batch is analyzed on the reading thread: dispatching costs more.
    private static let parallelThreshold = 64
    /// Chunks per worker and batch: small enough that a slow chunk does not leave a core idle.
    private static let chunksPerWorker = 4

    /// `clock` gives the wall time: the time of every event with `--clock wall`, and of events
    /// without `ts`. With `audit`, every line is recorded there before (or, with
    /// `AuditCommitMode.async`, right after) its verdict is written. `observer` sees every
    /// verdict, in input order.
    public init(
        engine: Engine, options: FilterOptions, clock: any Clock = WallClock(), audit: AuditTrail? = nil,
        observer: (any VerdictObserver)? = nil
    ) {
        self.engine = engine
        self.clock = clock
        self.options = options
        self.audit = audit
        self.observer = observer
        scratches = (0..<max(1, options.workers)).map { _ in WorkerScratch() }
        lanes = (0..<max(1, options.workers)).map { DispatchQueue(label: "winnow.worker.\($0)") }
        step = WindowStep(timeline: Timeline(mode: options.clock, lateTolerance: options.lateTolerance, clock: clock))
    }

    /// The run's time, from any thread (`WindowStep.publishedNow`): what a moderator's decision
    /// made while the run goes on is applied at.
    public var currentTime: Micros { step.publishedNow }

    /// Runs until the end of `input`. Throws `OutputWriter.Closed` when the reader of `output`
    /// went away, `OutputWriter.Failed` when writing failed, `AuditError` when the audit trail
    /// could not be written (the verdicts of that batch are then not released either).
    public func run(input: Int32, output: Int32) throws -> FilterSummary {
        let reader = LineReader(fd: input, maxLineBytes: options.maxLineBytes)
        let writer = BackgroundWriter(OutputWriter(fd: output), audit: audit)
        var finisher = BatchFinisher(engine: engine, encoder: encoder, writer: writer, step: step, observer: observer)
        // Two of each: one batch being analyzed while the next one is read and started.
        var works = (BatchWork(), BatchWork())
        var analyzing: Analysis?
        var batch: [InputLine] = []
        batch.reserveCapacity(options.batchLines)
        // Workers may still read a batch's input bytes: wait for them before leaving, whatever happens.
        defer { analyzing?.group.wait() }
        while true {
            // Nothing more waiting: answer everything read so far before blocking in `read`.
            if let running = analyzing, !reader.hasLineReady {
                analyzing = nil
                try complete(running, finisher: &finisher)
            }
            // The previous batch's bytes stay valid while this one is read (`LineReader` keeps two).
            guard reader.nextBatch(maxLines: options.batchLines, into: &batch) else { break }
            let lines = batch
            let bytes = BatchBytes(bytes: reader.bytes)
            let work = works.0
            let chunks =
                lines.count >= Self.parallelThreshold
                ? min(options.workers * Self.chunksPerWorker, lines.count / 16) : 1
            work.prepare(chunks)
            let arrival = Micros(seconds: clock.now())
            let analyzeChunk: @Sendable (Int, WorkerScratch) -> Void = { c, scratch in
                let lower = lines.count * c / chunks
                let upper = lines.count * (c + 1) / chunks
                self.analyze(
                    lines[lower..<upper], bytes: bytes.bytes, arrival: arrival, scratch: scratch, into: work.chunks[c])
            }
            if chunks == 1 {
                if let running = analyzing {
                    analyzing = nil
                    try complete(running, finisher: &finisher)
                }
                analyzeChunk(0, readingScratch)
                try finisher.finish(work)
                continue
            }
            // Queued behind the running batch's chunks: the workers go from one batch to the
            // next without waiting for this thread.
            let started = startOnWorkers(chunks, analyzeChunk, work: work)
            swap(&works.0, &works.1)
            if let running = analyzing {
                analyzing = started
                try complete(running, finisher: &finisher)
            } else {
                analyzing = started
            }
        }
        if let running = analyzing {
            analyzing = nil
            try complete(running, finisher: &finisher)
        }
        try writer.finish()
        var summary = FilterSummary()
        summary.actionCounts = finisher.actionCounts
        summary.readError = reader.readError
        return summary
    }

    /// A batch handed to the workers.
    private struct Analysis {
        let work: BatchWork
        let group: DispatchGroup
        let next: ChunkCounter
        let chunks: Int
        let body: @Sendable (Int, WorkerScratch) -> Void
    }

    /// Takes the batch's chunks no worker has started, waits for the others, then decides and
    /// writes the batch.
    private func complete(_ analysis: Analysis, finisher: inout BatchFinisher) throws {
        if options.workers > 1 {
            while let c = analysis.next.take(below: analysis.chunks) { analysis.body(c, readingScratch) }
        }
        analysis.group.wait()
        try finisher.finish(analysis.work)
    }

    /// Queues `body` for chunks `0..<chunks` on `min(workers, chunks)` workers, each taking
    /// the next chunk from the counter until none is left; the group is done when all are.
    private func startOnWorkers(
        _ chunks: Int, _ body: @escaping @Sendable (Int, WorkerScratch) -> Void, work: BatchWork
    ) -> Analysis {
        let group = DispatchGroup()
        let next = ChunkCounter()
        for w in 0..<min(scratches.count, chunks) {
            let scratch = scratches[w]
            lanes[w].async(group: group) {
                while let c = next.take(below: chunks) { body(c, scratch) }
            }
        }
        return Analysis(work: work, group: group, next: next, chunks: chunks, body: body)
    }

    private func analyze(
        _ lines: ArraySlice<InputLine>, bytes: UnsafeRawBufferPointer, arrival: Micros, scratch: WorkerScratch,
        into chunk: ChunkWork
    ) {
        let windows = engine.hasWindows
        let textMode = audit?.textMode
        if textMode != nil { chunk.records.reserveCapacity(lines.count) }
        for line in lines {
            var verdict: Verdict
            // A verdict the window step will replace anyway is not encoded here.
            var final = true
            switch line {
            case .tooLong(let number, let size):
                verdict = Verdict.error(
                    line: number,
                    message:
                        "line is longer than the maximum of \(options.maxLineBytes) bytes (\(size)+ bytes); see --max-line-bytes"
                )
                if textMode != nil { chunk.records.append(AuditRecord(eventID: String(number), line: number)) }
            case .line(let number, let range):
                let lineBytes = UnsafeBufferPointer(rebasing: bytes.assumingMemoryBound(to: UInt8.self)[range])
                switch decoder.decode(lineBytes, lineNumber: number) {
                case .success(let event):
                    // On event time the event's own `ts`; on wall time the batch's arrival: close
                    // enough for a hint (the penalty is checked again in order).
                    let hint = options.clock == .event ? event.timestamp.map(Micros.init(seconds:)) ?? arrival : arrival
                    let facts: WindowFacts
                    (verdict, facts) = engine.analyze(event, scratch: scratch, penaltyCheckAt: windows ? hint : nil)
                    if windows {
                        final = !facts.skippedContent
                        if facts.skippedContent { chunk.skippedEvents.append(event) }
                        chunk.pending.append(
                            PendingEvent(
                                facts: facts, index: chunk.verdicts.count, timestamp: event.timestamp,
                                skipped: facts.skippedContent ? Int32(chunk.skippedEvents.count - 1) : -1))
                    }
                    if let textMode {
                        chunk.records.append(
                            AuditRecord(event, timestamp: event.timestamp ?? arrival.seconds, textMode: textMode))
                    }
                case .failure(let error):
                    verdict = Verdict.error(line: number, id: error.id, message: error.message)
                    if textMode != nil {
                        chunk.records.append(AuditRecord(eventID: error.id?.text ?? String(number), line: number))
                    }
                }
            }
            // Encoded here, in parallel; the finisher re-encodes the few the window step changes.
            if final { encoder.encode(verdict, into: chunk.encoded) }
            chunk.lineEnds.append(chunk.encoded.count)
            chunk.verdicts.append(verdict)
        }
        scratch.releaseIfLarge()
    }
}

/// Sees every verdict of a run, in input order, on the thread that finishes batches (replay's
/// report). It runs on the pipeline's one sequential step: keep it quick.
public protocol VerdictObserver: AnyObject, Sendable {
    func observe(_ verdict: Verdict)
}

/// One chunk of a batch: its verdicts, in input order, as values and as encoded by the worker,
/// and its events waiting for the window rules. Touched by one thread at a time: a worker fills
/// it, the reading thread finishes it after the batch's dispatch group is done.
final class ChunkWork: @unchecked Sendable {
    var verdicts: [Verdict] = []
    /// Verdict `k` encoded is `encoded[lineEnds[k - 1]..<lineEnds[k]]` (empty when the window
    /// step was sure to replace it).
    let encoded = ByteBuffer()
    var lineEnds: [Int] = []
    var pending: [PendingEvent] = []
    /// The events whose content was not analyzed, kept in case the window step needs them.
    var skippedEvents: [Event] = []
    /// With an audit trail: one per verdict, completed with the final verdict by the finisher.
    var records: [AuditRecord] = []
}

/// The chunks of a batch, reused from batch to batch.
final class BatchWork: @unchecked Sendable {
    private(set) var chunks: [ChunkWork] = []
    /// Chunks in use by the current batch.
    private(set) var count = 0

    func prepare(_ count: Int) {
        while chunks.count < count { chunks.append(ChunkWork()) }
        self.count = count
    }
}

/// Steps 2 and 3 of a batch, on the reading thread: window rules in input order, encoding,
/// hand-over to the writer.
struct BatchFinisher {
    let engine: Engine
    let encoder: VerdictEncoder
    let writer: BackgroundWriter
    let step: WindowStep
    /// Output buffers: one set being filled, the others being written (see `BackgroundWriter.depth`).
    private let outputs: [ChunkBuffers]
    private var nextOutput = 0
    let observer: (any VerdictObserver)?
    /// Verdicts per action, over the whole run.
    private(set) var actionCounts = [Int](repeating: 0, count: Action.allCases.count)
    /// Indexes, in a chunk, of the verdicts the window step changed (reused).
    private var changed: [Int] = []

    init(
        engine: Engine, encoder: VerdictEncoder, writer: BackgroundWriter, step: WindowStep,
        observer: (any VerdictObserver)? = nil
    ) {
        self.engine = engine
        self.encoder = encoder
        self.writer = writer
        self.step = step
        self.observer = observer
        outputs = (0...writer.depth).map { _ in ChunkBuffers() }
    }

    mutating func finish(_ work: BatchWork) throws {
        let buffers = outputs[nextOutput]
        buffers.prepare(work.count)
        var audit = AuditBatch()
        let engine = self.engine, step = self.step
        for c in 0..<work.count {
            let chunk = work.chunks[c]
            // Moved out of the chunk while in use (a swap): read through the class, every
            // verdict would be copied at each use.
            var verdicts: [Verdict] = []
            swap(&verdicts, &chunk.verdicts)
            changed.removeAll(keepingCapacity: true)
            // Moved out like the verdicts: its elements' fields are then read in place, not
            // copied out one by one.
            var pendings: [PendingEvent] = []
            swap(&pendings, &chunk.pending)
            step.judge(
                pendings, verdicts: &verdicts, engine: engine,
                skippedEvent: { chunk.skippedEvents[Int(pendings[$0].skipped)] }, changed: { changed.append($0) })
            if engine.shared != nil {
                // The re-encoding below walks the changed verdicts in order, each once.
                changed.sort()
                changed.removeDuplicates()
            }
            if let observer { for verdict in verdicts { observer.observe(verdict) } }
            let output = buffers.buffers[c].bytes
            // Handed over to the audit batch below, not copied: the worker starts a new array.
            var records: [AuditRecord] = []
            swap(&records, &chunk.records)
            let recording = !records.isEmpty
            var lineEnds: [Int] = []
            swap(&lineEnds, &chunk.lineEnds)
            let encoded = chunk.encoded.bytes
            var nextChanged = 0
            var lineStart = 0
            for k in verdicts.indices {
                let start = output.count
                let lineEnd = lineEnds[k]
                if nextChanged < changed.count && changed[nextChanged] == k {
                    encoder.encode(verdicts[k], into: output)
                    nextChanged += 1
                } else {
                    output.append(UnsafeRawBufferPointer(rebasing: encoded[lineStart..<lineEnd]))
                }
                lineStart = lineEnd
                let action = verdicts[k].action
                actionCounts[action.index] += 1
                guard recording else { continue }
                // Each record points at its verdict line, as released, in this chunk's output.
                records[k].settle(verdicts[k], escalation: engine.behavior.escalation)
                records[k].verdict = start..<output.count - 1
            }
            if recording {
                // Held and flagged comments join the review case of their near-copies by it.
                for pending in pendings
                where verdicts[pending.index].action == .hold
                    || verdicts[pending.index].action == .flag
                {
                    records[pending.index].sketch = pending.facts.sketch
                }
                audit.parts.append(AuditBatch.Part(records: records, verdicts: output.bytes))
            }
            verdicts.removeAll(keepingCapacity: true)
            swap(&verdicts, &chunk.verdicts)
            pendings.removeAll(keepingCapacity: true)
            swap(&pendings, &chunk.pending)
            chunk.skippedEvents.removeAll(keepingCapacity: true)
            lineEnds.removeAll(keepingCapacity: true)
            swap(&lineEnds, &chunk.lineEnds)
            chunk.encoded.removeAll()
        }
        try writer.write(buffers, chunks: work.count, audit: audit)
        nextOutput = (nextOutput + 1) % outputs.count
    }
}

/// What a filter run did.
public struct FilterSummary: Sendable {
    /// Verdicts per action, indexed like `Action.allCases`.
    public var actionCounts = [Int](repeating: 0, count: Action.allCases.count)
    /// Set when reading the input failed (errno); the run stopped there.
    public var readError: Int32?

    public var total: Int { actionCounts.reduce(0, +) }

    public func count(_ action: Action) -> Int { actionCounts[action.index] }
}

/// The reader's buffer, handed to the workers of one batch. Nobody writes to it until every
/// worker is done (the reader only reads again after the batch's dispatch group is done).
private struct BatchBytes: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
}

/// Hands out chunk numbers to the workers of one batch.
private final class ChunkCounter: Sendable {
    private let next = Atomic<Int>(0)

    func take(below limit: Int) -> Int? {
        let c = next.wrappingAdd(1, ordering: .relaxed).oldValue
        return c < limit ? c : nil
    }
}

private extension Array where Element == Int {
    /// Drops repeats from a sorted array, in place.
    mutating func removeDuplicates() {
        guard count > 1 else { return }
        var kept = 1
        for k in 1..<count where self[k] != self[kept - 1] {
            self[kept] = self[k]
            kept += 1
        }
        removeLast(count - kept)
    }
}
