import Dispatch
import Synchronization
import WinnowIO

/// Writes one batch of verdicts on a thread of its own while the next batch is judged. At most
/// one batch is in flight: handing over the next waits for the previous one, which bounds memory
/// and passes back-pressure from a slow reader of stdout to the input.
final class BackgroundWriter: Sendable {
    private let output: OutputWriter
    private let queue = DispatchQueue(label: "winnow.output")
    private let inFlight = DispatchGroup()
    private let failure = Mutex<(any Error)?>(nil)

    init(_ output: OutputWriter) {
        self.output = output
    }

    /// Waits for the previous batch, rethrows its error, then starts writing `buffers[0..<chunks]`.
    func write(_ buffers: ChunkBuffers, chunks: Int) throws {
        try finish()
        queue.async(group: inFlight) {
            do {
                for c in 0..<chunks {
                    try self.output.write(buffers.buffers[c].bytes.bytes)
                    buffers.buffers[c].bytes.removeAll()
                }
            } catch {
                self.failure.withLock { $0 = error }
            }
        }
    }

    /// Waits until everything handed over is written; rethrows a write error.
    func finish() throws {
        inFlight.wait()
        if let error = failure.withLock({ $0 }) { throw error }
    }
}

/// The output of one chunk of a batch.
final class OutputBuffer: @unchecked Sendable {
    // Filled by the reading thread when it finishes a batch, then emptied by the writer thread;
    // the hand-over is ordered by the writer's dispatch group.
    let bytes = ByteBuffer()
}

/// One output buffer per chunk of a batch.
final class ChunkBuffers: @unchecked Sendable {
    // Only grown by the reading thread, between batches.
    private(set) var buffers: [OutputBuffer] = []

    func prepare(_ chunks: Int) {
        while buffers.count < chunks { buffers.append(OutputBuffer()) }
    }
}
