import Dispatch
import Synchronization
import WinnowCore
import WinnowIO
import WinnowLimits

/// `winnow filter`: NDJSON events in, exactly one NDJSON verdict per input line out, in input
/// order. Lines are read in batches (as many as are waiting, never waiting for more). A batch
/// goes through three steps:
///
/// 1. analyze, in chunks on all workers: decode, normalize, content rules;
/// 2. decide, on one thread in input order: window rules, policy, escalation — so that on
///    event time the output is the same whatever the number of workers;
/// 3. encode, in chunks on all workers.
///
/// While one batch is judged, the verdicts of the previous one are written by a writer thread
/// (at most one batch in flight, so memory stays bounded).
public final class FilterPipeline: Sendable {
    private let engine: Engine
    private let options: FilterOptions
    private let decoder = EventDecoder()
    private let encoder = VerdictEncoder()
    private let scratches: [WorkerScratch]
    private let clock: any Clock

    /// Below this many lines a batch is judged on the calling thread: dispatching costs more.
    private static let parallelThreshold = 64
    /// Chunks per worker and batch: small enough that a slow chunk does not leave a core idle.
    private static let chunksPerWorker = 4

    /// `clock` gives the wall time: the time of every event with `--clock wall`, and of events
    /// without `ts`.
    public init(engine: Engine, options: FilterOptions, clock: any Clock = WallClock()) {
        self.engine = engine
        self.clock = clock
        self.options = options
        scratches = (0..<max(1, options.workers)).map { _ in WorkerScratch() }
    }

    /// Runs until the end of `input`. Throws `OutputWriter.Closed` when the reader of `output`
    /// went away, `OutputWriter.Failed` when writing failed.
    public func run(input: Int32, output: Int32) throws -> FilterSummary {
        let reader = LineReader(fd: input, maxLineBytes: options.maxLineBytes)
        let writer = BackgroundWriter(OutputWriter(fd: output))
        // Two sets of chunk buffers: one being filled by the workers, one being written.
        var buffers = (ChunkBuffers(), ChunkBuffers())
        let work = ChunkWork()
        var timeline = Timeline(mode: options.clock, lateTolerance: options.lateTolerance, clock: clock)
        var summary = FilterSummary()
        var batch: [InputLine] = []
        batch.reserveCapacity(options.batchLines)
        while reader.nextBatch(maxLines: options.batchLines, into: &batch) {
            let lines = batch
            let bytes = BatchBytes(bytes: reader.bytes)
            let chunks = lines.count >= Self.parallelThreshold
                ? min(options.workers * Self.chunksPerWorker, lines.count / 16) : 1
            let outputs = buffers.0
            outputs.prepare(chunks)
            work.prepare(chunks)
            forEachChunk(chunks) { c, scratch in
                let lower = lines.count * c / chunks
                let upper = lines.count * (c + 1) / chunks
                self.analyze(lines[lower..<upper], bytes: bytes.bytes, scratch: scratch, into: &work.items[c])
            }
            for c in 0..<chunks {
                for k in work.items[c].indices {
                    if case .event(let event, let analysis) = work.items[c][k] {
                        let (now, late) = timeline.time(of: event.timestamp)
                        var verdict = engine.decide(event, analysis, at: now)
                        if let late { verdict.reasons.append(late) }
                        work.items[c][k] = .verdict(verdict)
                    }
                    if case .verdict(let verdict) = work.items[c][k] { summary.actionCounts[verdict.action.index] += 1 }
                }
            }
            forEachChunk(chunks) { c, _ in
                let output = outputs.buffers[c].bytes
                for item in work.items[c] {
                    if case .verdict(let verdict) = item { self.encoder.encode(verdict, into: output) }
                }
                work.items[c].removeAll(keepingCapacity: true)
            }
            try writer.write(outputs, chunks: chunks)
            swap(&buffers.0, &buffers.1)
        }
        try writer.finish()
        summary.readError = reader.readError
        return summary
    }

    /// Runs `body` for chunks `0..<chunks`: on exactly `min(workers, chunks)` threads, each
    /// taking the next chunk until none is left.
    private func forEachChunk(_ chunks: Int, _ body: @Sendable (Int, WorkerScratch) -> Void) {
        let workers = min(scratches.count, chunks)
        if workers == 1 {
            for c in 0..<chunks { body(c, scratches[0]) }
            return
        }
        let next = ChunkCounter()
        let scratches = self.scratches
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            while let c = next.take(below: chunks) { body(c, scratches[w]) }
        }
    }

    private func analyze(
        _ lines: ArraySlice<InputLine>, bytes: UnsafeRawBufferPointer, scratch: WorkerScratch, into items: inout [WorkItem]
    ) {
        for line in lines {
            switch line {
            case .tooLong(let number, let size):
                items.append(.verdict(.error(
                    line: number,
                    message: "line is longer than the maximum of \(options.maxLineBytes) bytes (\(size)+ bytes); see --max-line-bytes")))
            case .line(let number, let range):
                let lineBytes = UnsafeBufferPointer(rebasing: bytes.assumingMemoryBound(to: UInt8.self)[range])
                switch decoder.decode(lineBytes, lineNumber: number) {
                case .success(let event):
                    items.append(.event(event, engine.analyze(event, scratch: scratch)))
                case .failure(let error):
                    items.append(.verdict(.error(line: number, id: error.id, message: error.message)))
                }
            }
        }
    }
}

/// One input line on its way through a batch: analyzed, then decided.
enum WorkItem {
    case event(Event, Analysis)
    case verdict(Verdict)
}

/// Per chunk of a batch, the lines being judged. Each chunk's array is touched by one thread
/// at a time; the hand-overs are ordered by `concurrentPerform` returning.
final class ChunkWork: @unchecked Sendable {
    var items: [[WorkItem]] = []

    func prepare(_ chunks: Int) {
        while items.count < chunks { items.append([]) }
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
/// worker is done (the reader only moves on after `concurrentPerform` returns).
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
