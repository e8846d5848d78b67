import CSQLite
import Foundation

/// Moves the audit trail's write-ahead log into the database file on a thread of its own, so
/// that no commit waits for a checkpoint (SQLite's automatic one runs inside the commit that
/// crosses its threshold: seconds of nothing released on a large log).
///
/// A passive checkpoint never waits for anyone: it copies what no reader still needs. While a
/// reader holds one transaction open (an `sqlite3` shell in the middle of a `BEGIN`, a backup
/// reading page by page), the log cannot be reset and grows with every commit; once the reader
/// is done, the next checkpoint completes, the writer starts the log over, and SQLite truncates
/// the file to `journal_size_limit`. A writer that never pauses has the same effect: each
/// checkpoint copies the commits it sees while the next ones are written. Each time the log
/// passes another `warnEveryBytes`, the owner is told which of the two is the cause.
final class WALCheckpointer: @unchecked Sendable {
    private let database: SQLiteDatabase
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var commitsSinceCheckpoint = 0
    private var stopped = false
    private let finished = DispatchSemaphore(value: 0)
    private let walPath: String
    private let warn: @Sendable (String) -> Void
    private var warnedAtBytes = 0

    /// How often the thread looks, at most, while commits come in.
    static let interval: TimeInterval = 0.2
    static let warnEveryBytes = 256 << 20

    init(path: String, warn: @escaping @Sendable (String) -> Void) throws(AuditError) {
        database = try SQLiteDatabase(path: path)
        try database.execute("PRAGMA busy_timeout = 0")
        // A connection learns the file is in WAL mode when it first reads it; until then a
        // checkpoint answers "not in WAL mode" and copies nothing.
        guard try database.text("PRAGMA journal_mode") == "wal" else {
            throw AuditError("audit database \(path): the checkpointer's connection does not see WAL mode")
        }
        walPath = path + "-wal"
        self.warn = warn
        let thread = Thread { [self] in run() }
        thread.name = "winnow.checkpoint"
        thread.start()
    }

    /// A transaction committed: there is something to checkpoint.
    func committed() {
        condition.lock()
        commitsSinceCheckpoint += 1
        if commitsSinceCheckpoint == 1 { condition.signal() }
        condition.unlock()
    }

    /// Stops the thread after its checkpoint in progress; closes its connection.
    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
        finished.wait()
    }

    private func run() {
        while true {
            condition.lock()
            while commitsSinceCheckpoint == 0 && !stopped { condition.wait() }
            let stop = stopped
            commitsSinceCheckpoint = 0
            condition.unlock()
            if stop {
                database.close()
                finished.signal()
                return
            }
            checkpoint()
            // Commits gather meanwhile: one checkpoint per interval at most.
            Thread.sleep(forTimeInterval: Self.interval)
        }
    }

    /// Why the log keeps growing. It starts over only when a writer begins a transaction
    /// after a checkpoint has copied all of it: a reader's snapshot can stop the copy, and so can
    /// a writer that never pauses (a bulk run commits while each checkpoint copies the last
    /// commits, so the copy is never complete when the next one begins).
    static func growthWarning(megabytes: Int, copied: Int, logFrames: Int) -> String {
        let head = "the audit trail's write-ahead log is \(megabytes) MiB"
        if copied < logFrames {
            return head + ": a reader holds a transaction open (\(copied) of \(logFrames) frames checkpointed); "
                + "it shrinks once that reader is done"
        }
        return head + ": every checkpoint is copied, but the writer has not paused long enough to start the log over "
            + "(a bulk run writes without pausing); it shrinks at the first pause"
    }

    private func checkpoint() {
        var logFrames: Int32 = 0
        var copied: Int32 = 0
        let status = sqlite3_wal_checkpoint_v2(database.handle, nil, SQLITE_CHECKPOINT_PASSIVE, &logFrames, &copied)
        guard status == SQLITE_OK || status == SQLITE_BUSY else { return }
        var info = stat()
        guard stat(walPath, &info) == 0 else { return }
        let size = Int(info.st_size)
        if size >= warnedAtBytes + Self.warnEveryBytes {
            warnedAtBytes = size - size % Self.warnEveryBytes
            warn(Self.growthWarning(megabytes: size >> 20, copied: Int(copied), logFrames: Int(logFrames)))
        } else if size < warnedAtBytes {
            warnedAtBytes = 0
        }
    }
}
