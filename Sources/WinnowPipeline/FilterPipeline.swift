import Dispatch
import WinnowCore
import WinnowIO

/// `winnow filter`: NDJSON events in, exactly one NDJSON verdict per input line out, in input
/// order. Lines are read in batches (as many as are waiting, never waiting for more), judged on
/// all workers, and written in order before the next batch is read.
public final class FilterPipeline: Sendable {
    private let engine: Engine
    private let options: FilterOptions
    private let decoder = EventDecoder()
    private let encoder = VerdictEncoder()
    private let scratches: [WorkerScratch]

    /// Below this many lines a batch is judged on the calling thread: dispatching costs more.
    private static let parallelThreshold = 64

    public init(engine: Engine, options: FilterOptions) {
        self.engine = engine
        self.options = options
        scratches = (0..<max(1, options.workers)).map { _ in WorkerScratch() }
    }

    /// Runs until the end of `input`. Throws `OutputWriter.Closed` when the reader of `output`
    /// went away, `OutputWriter.Failed` when writing failed.
    public func run(input: Int32, output: Int32) throws -> FilterSummary {
        let reader = LineReader(fd: input, maxLineBytes: options.maxLineBytes)
        let writer = OutputWriter(fd: output)
        var batch: [InputLine] = []
        batch.reserveCapacity(options.batchLines)
        while reader.nextBatch(maxLines: options.batchLines, into: &batch) {
            let lines = batch
            let bytes = reader.bytes
            let workers = lines.count >= Self.parallelThreshold ? scratches.count : 1
            if workers == 1 {
                judge(lines[...], bytes: bytes, scratch: scratches[0])
            } else {
                let scratches = self.scratches
                let shared = BatchBytes(bytes: bytes)
                DispatchQueue.concurrentPerform(iterations: workers) { w in
                    let lower = lines.count * w / workers
                    let upper = lines.count * (w + 1) / workers
                    self.judge(lines[lower..<upper], bytes: shared.bytes, scratch: scratches[w])
                }
            }
            for w in 0..<workers {
                try writer.write(scratches[w].output)
                scratches[w].output.removeAll(keepingCapacity: true)
            }
        }
        var summary = FilterSummary(readError: reader.readError)
        for scratch in scratches {
            for (k, count) in scratch.actionCounts.enumerated() { summary.actionCounts[k] += count }
        }
        return summary
    }

    private func judge(_ lines: ArraySlice<InputLine>, bytes: UnsafeRawBufferPointer, scratch: WorkerScratch) {
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
                case .success(let event):
                    verdict = engine.judge(event, scratch: scratch)
                case .failure(let error):
                    verdict = .error(line: number, id: error.id, message: error.message)
                }
            }
            scratch.actionCounts[verdict.action.index] += 1
            encoder.encode(verdict, into: &scratch.output)
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
