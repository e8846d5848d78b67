import Foundation
import Logging
import WinnowAudit

/// Group commit for the sidecar: events from every connection wait here for their audit rows;
/// one thread commits whatever has gathered as one transaction, then releases the verdicts, in
/// the order they came. A verdict leaves the sidecar only once its row has committed. While a
/// commit runs the next batch gathers, so under load batches grow and commits stay few.
final class AuditQueue: @unchecked Sendable {
    // `pending`, `runs` and `closed` are guarded by `condition`; `trail` belongs to the thread.
    private let condition = NSCondition()
    private var pending: [Entry] = []
    private var nextRun: AuditedConfiguration?
    private var closed = false
    private var trail: AuditTrail
    private let logger: Logger
    private let thread: Thread
    private let finished = DispatchSemaphore(value: 0)

    struct Entry {
        var record: AuditRecord
        /// The verdict line as it will be released (its newline is not recorded).
        var verdict: [UInt8]
        /// Called on the queue's thread once the row has committed (nil) or could not be (the error).
        var done: @Sendable (AuditError?) -> Void
    }

    init(trail: AuditTrail, logger: Logger) {
        self.trail = trail
        self.logger = logger
        let box = Box()
        thread = Thread { box.queue?.run() }
        box.queue = self
        thread.name = "winnow.audit"
        thread.start()
    }

    private final class Box: @unchecked Sendable { weak var queue: AuditQueue? }

    func enqueue(_ entry: Entry) {
        condition.lock()
        pending.append(entry)
        condition.signal()
        condition.unlock()
    }

    /// Events from now on were judged by a new configuration (after a reload).
    func startRun(_ configuration: AuditedConfiguration) {
        condition.lock()
        nextRun = configuration
        condition.signal()
        condition.unlock()
    }

    /// Commits what is pending, then stops the thread.
    func close() {
        condition.lock()
        closed = true
        condition.signal()
        condition.unlock()
        finished.wait()
        trail.store.close()
    }

    private func run() {
        while true {
            condition.lock()
            while pending.isEmpty && nextRun == nil && !closed { condition.wait() }
            let batch = pending
            pending.removeAll(keepingCapacity: true)
            let run = nextRun
            nextRun = nil
            let stop = closed
            condition.unlock()
            commit(batch)
            if let run { switchRun(to: run) }
            if stop && batch.isEmpty {
                finished.signal()
                return
            }
        }
    }

    private func switchRun(to configuration: AuditedConfiguration) {
        do throws(AuditError) {
            trail = try AuditTrail(
                store: trail.store, configuration: configuration, source: "serve", textMode: trail.textMode,
                commitMode: trail.commitMode)
        } catch {
            logger.error("audit trail: cannot record the new configuration", metadata: ["error": "\(error.message)"])
        }
    }

    private func commit(_ batch: [Entry]) {
        guard !batch.isEmpty else { return }
        var bytes: [UInt8] = []
        var records: [AuditRecord] = []
        records.reserveCapacity(batch.count)
        for entry in batch {
            var record = entry.record
            record.verdict = bytes.count..<bytes.count + entry.verdict.count - 1
            bytes += entry.verdict
            records.append(record)
        }
        var failure: AuditError?
        bytes.withUnsafeBytes { verdicts in
            do throws(AuditError) {
                try trail.commit(AuditBatch(parts: [AuditBatch.Part(records: records, verdicts: verdicts)]))
            } catch {
                failure = error
            }
        }
        if let failure {
            logger.error(
                "audit trail: a batch could not be recorded; its verdicts are answered with errors",
                metadata: ["events": "\(batch.count)", "error": "\(failure.message)"])
        }
        for entry in batch { entry.done(failure) }
    }
}
