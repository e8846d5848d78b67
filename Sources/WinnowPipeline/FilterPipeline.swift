import Dispatch
import Synchronization
import WinnowCore
import WinnowIO

/// `winnow filter`: NDJSON events in, exactly one NDJSON verdict per input line out, in input
/// order. Lines are read in batches (as many as are waiting, never waiting for more) and judged
/// in chunks on all workers; while one batch is judged, the verdicts of the previous one are
/// written by a writer thread (at most one batch in flight, so memory stays bounded).
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

    /// `clock` stamps events that carry no `ts` (once per batch: they arrived together).
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
        var batch: [InputLine] = []
        batch.reserveCapacity(options.batchLines)
        while reader.nextBatch(maxLines: options.batchLines, into: &batch) {
            let lines = batch
            let arrival = clock.now()
            let bytes = BatchBytes(bytes: reader.bytes)
            let chunks = lines.count >= Self.parallelThreshold
                ? min(options.workers * Self.chunksPerWorker, lines.count / 16) : 1
            let outputs = buffers.0
            outputs.prepare(chunks)
            @Sendable func judgeChunk(_ c: Int, scratch: WorkerScratch) {
                let lower = lines.count * c / chunks
                let upper = lines.count * (c + 1) / chunks
                self.judge(
                    lines[lower..<upper], bytes: bytes.bytes, arrival: arrival, scratch: scratch, into: outputs.buffers[c].bytes)
            }
            let workers = min(scratches.count, chunks)
            if workers == 1 {
                for c in 0..<chunks { judgeChunk(c, scratch: scratches[0]) }
            } else {
                // Exactly `workers` threads; each takes the next chunk until none is left.
                let next = ChunkCounter()
                let scratches = self.scratches
                DispatchQueue.concurrentPerform(iterations: workers) { w in
                    while let c = next.take(below: chunks) { judgeChunk(c, scratch: scratches[w]) }
                }
            }
            try writer.write(outputs, chunks: chunks)
            swap(&buffers.0, &buffers.1)
        }
        try writer.finish()
        var summary = FilterSummary(readError: reader.readError)
        for scratch in scratches {
            for (k, count) in scratch.actionCounts.enumerated() { summary.actionCounts[k] += count }
        }
        return summary
    }

    private func judge(
        _ lines: ArraySlice<InputLine>, bytes: UnsafeRawBufferPointer, arrival: Double, scratch: WorkerScratch,
        into output: ByteBuffer
    ) {
        for line in lines {
            let verdict: Verdict
            switch line {
            case .tooLong(let number, let size):
                verdict = .error(
                    line: number,
                    message: "line is longer than the maximum of \(options.maxLineBytes) bytes (\(size)+ bytes); see --max-line-bytes")
            case .line(let number, let range):
                let lineBytes = UnsafeBufferPointer(rebasing: bytes.assumingMemoryBound(to: UInt8.self)[range])
                switch decoder.decode(lineBytes, lineNumber: number) {
                case .success(var event):
                    if event.timestamp == nil { event.timestamp = arrival }
                    verdict = engine.judge(event, scratch: scratch)
                case .failure(let error):
                    verdict = .error(line: number, id: error.id, message: error.message)
                }
            }
            scratch.actionCounts[verdict.action.index] += 1
            encoder.encode(verdict, into: output)
        }
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
