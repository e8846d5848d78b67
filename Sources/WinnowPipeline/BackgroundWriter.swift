import Dispatch
import Synchronization
import WinnowAudit
import WinnowIO

/// Writes one batch of verdicts on a thread of its own while the next batch is judged, and
/// commits the batch's audit rows there too: before the verdicts are written (group commit) or
/// right after (`AuditCommitMode.async`). At most `depth` batches are in flight, in order:
/// handing over one more waits, which bounds memory and passes back-pressure from a slow reader
/// of stdout, or a slow disk, to the input.
final class BackgroundWriter: Sendable {
    private let output: OutputWriter
    private let audit: AuditTrail?
    /// Batches handed over and not yet written: one without an audit trail; with one, two, so
    /// that a commit that takes longer than usual does not stall the workers.
    let depth: Int
    private let slots: DispatchSemaphore
    private let queue = DispatchQueue(label: "winnow.output")
    private let inFlight = DispatchGroup()
    private let failure = Mutex<(any Error)?>(nil)

    init(_ output: OutputWriter, audit: AuditTrail? = nil) {
        self.output = output
        self.audit = audit
        depth = audit == nil ? 1 : 2
        slots = DispatchSemaphore(value: depth)
    }

    /// Waits until fewer than `depth` batches are in flight, rethrows an earlier error, then
    /// starts committing `batch` and writing `buffers[0..<chunks]`. After a failure nothing
    /// more is written.
    func write(_ buffers: ChunkBuffers, chunks: Int, audit batch: AuditBatch = AuditBatch()) throws {
        slots.wait()
        if let error = failure.withLock({ $0 }) {
            slots.signal()
            throw error
        }
        queue.async(group: inFlight) {
            defer { self.slots.signal() }
            // A batch after a failed one is dropped: nothing is released out of order.
            guard self.failure.withLock({ $0 == nil }) else {
                for c in 0..<chunks { buffers.buffers[c].bytes.removeAll() }
                return
            }
            // The audit batch points into these buffers: they are emptied only after the commit.
            defer { for c in 0..<chunks { buffers.buffers[c].bytes.removeAll() } }
            do {
                if let audit = self.audit, audit.commitMode == .group { try audit.commit(batch) }
                for c in 0..<chunks { try self.output.write(buffers.buffers[c].bytes.bytes) }
                if let audit = self.audit, audit.commitMode == .async { try audit.commit(batch) }
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
