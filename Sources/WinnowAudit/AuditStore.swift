import CSQLite
import Foundation
import WinnowCore
import WinnowIO

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The only place Winnow writes to SQLite: an audit database in WAL mode, brought to the
/// current schema on open, written one transaction per batch through prepared statements. One
/// writer (one thread) per store.
///
/// Opening refuses, with a message that says why, a path that cannot be written, a file that
/// is not an audit database, one from a newer Winnow, and one another writer holds locked.
public final class AuditStore {
    private let database: SQLiteDatabase
    private let insertEvent: Statement
    /// `insertEvent` for `rowsPerInsert` rows at once: a statement's fixed cost (cursor,
    /// transaction checks) is paid once per group instead of once per event.
    private let insertEvents: Statement
    private let insertChange: Statement
    private let insertConsumed: Statement
    private let findConsumed: Statement
    static let rowsPerInsert = 32
    private static let columnsPerRow: Int32 = 13
    /// The text columns of the rows of one insert, copied here and bound without a copy of
    /// SQLite's own (`SQLITE_STATIC`): with `SQLITE_TRANSIENT` SQLite allocates, copies and frees
    /// each of five strings per event. Reused from one insert to the next; never moved while a
    /// statement holds pointers into it for a step.
    private let staging = StagingBuffer()
    /// Opens and joins review cases as held comments are recorded.
    private let cases: CaseRecorder
    /// The latest event time of the batch being recorded: the review queue's clock for expiry.
    private var latestTime = 0.0

    /// Which verdicts open review cases, and when they expire (set per run; off for `replay`).
    public var queue: QueueSettings {
        get { cases.settings }
        set { cases.settings = newValue }
    }

    public static var schemaVersion: Int { AuditSchema.version }

    /// The trail's file.
    public var path: String { database.path }

    /// How long a batch waits for another writer (another Winnow on the same file) before the
    /// run stops with an error.
    static let busyTimeoutMilliseconds = 5000

    /// Checkpoints the write-ahead log off the commit path (see `WALCheckpointer`).
    private var checkpointer: WALCheckpointer?
    /// The longest the write-ahead log is kept once reset: larger logs are truncated to this.
    static let walSizeLimit = 64 << 20

    /// Opens (or creates, readable by its owner and group only: it holds every comment, author
    /// and peer) the audit database at `path`. `warn` hears about a write-ahead log that a
    /// reader keeps from being reset.
    public init(path: String, warn: @escaping @Sendable (String) -> Void = AuditStore.warnOnStandardError)
        throws(AuditError)
    {
        SQLiteDatabase.configureLibrary()
        // Created here, not by SQLite, to choose its mode; SQLite gives the -wal and -shm files
        // the database file's mode.
        let created = Glibc.open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, mode_t(0o640))
        if created >= 0 { Glibc.close(created) }
        database = try SQLiteDatabase(path: path)
        try database.execute("PRAGMA busy_timeout = 0")
        // Only takes effect on a new file: 16 KiB pages write a third less than the default 4 KiB
        // for the same rows, without making the small commits of a quiet stream costly.
        try database.execute("PRAGMA page_size = 16384")
        let mode = try database.text("PRAGMA journal_mode = WAL")
        guard mode == "wal" else {
            throw AuditError("audit database \(path): cannot switch to WAL mode (got \(mode ?? "nothing"))")
        }
        // In WAL mode, NORMAL loses no committed transaction when the process dies (kill -9);
        // only a power cut can take the last ones.
        try database.execute("PRAGMA synchronous = NORMAL")
        // Commits never checkpoint: the checkpointer's thread does, without holding them up.
        try database.execute("PRAGMA wal_autocheckpoint = 0")
        try database.execute("PRAGMA journal_size_limit = \(Self.walSizeLimit)")
        // A writer holding the database is found now, not in the middle of a run.
        do {
            try database.execute("BEGIN IMMEDIATE")
        } catch {
            throw AuditError("audit database \(path) is locked by another writer: \(error.message)")
        }
        do {
            try Self.migrate(database)
            try database.execute("COMMIT")
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
        try database.execute("PRAGMA busy_timeout = \(Self.busyTimeoutMilliseconds)")
        let insert =
            "INSERT INTO events (run, event_id, line, author, channel, ts, text, text_hash, action, verdict, recorded_at, peer_uid, peer_pid) VALUES "
        func values(_ rows: Int) -> String {
            (0..<rows).map { row in
                "("
                    + (1...Int(Self.columnsPerRow)).map { "?\(row * Int(Self.columnsPerRow) + $0)" }.joined(
                        separator: ", ") + ")"
            }.joined(separator: ", ")
        }
        insertEvent = try database.prepare(insert + values(1))
        insertEvents = try database.prepare(insert + values(Self.rowsPerInsert))
        insertChange = try database.prepare(
            "INSERT INTO author_changes (seq, author, change, at, until) VALUES (?1, ?2, ?3, ?4, ?5)")
        insertConsumed = try database.prepare(
            "INSERT OR IGNORE INTO consumed (stream, event_key, entry_id, seq) VALUES (?1, ?2, ?3, ?4)")
        findConsumed = try database.prepare(
            """
            SELECT e.verdict FROM consumed c JOIN events e ON e.seq = c.seq WHERE c.stream = ?1 AND c.event_key = ?2
            """)
        cases = try CaseRecorder(database: database)
        checkpointer = try WALCheckpointer(path: path, warn: warn)
    }

    public static let warnOnStandardError: @Sendable (String) -> Void = { message in
        FileHandle.standardError.write(Data("winnow: \(message)\n".utf8))
    }

    /// Moves everything into the database file and closes it: the file alone then holds the
    /// whole trail (a copy of it without its -wal loses nothing). Call once writing is over;
    /// idempotent.
    public func close() {
        guard let checkpointer else { return }
        self.checkpointer = nil
        checkpointer.stop()
        try? database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        database.close()
    }

    /// Brings the trail to the current schema in a transaction of its own (waiting for a
    /// writer up to the busy timeout): what `ReviewQueue` does with a trail it opens.
    static func migrateInTransaction(_ database: SQLiteDatabase) throws(AuditError) {
        guard try database.integer("PRAGMA user_version") != AuditSchema.version else { return }
        try database.execute("BEGIN IMMEDIATE")
        do {
            try migrate(database)
            try database.execute("COMMIT")
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
    }

    private static func migrate(_ database: SQLiteDatabase) throws(AuditError) {
        let found = try database.integer("PRAGMA user_version")
        guard found <= AuditSchema.version else {
            throw AuditError(
                "audit database \(database.path) has schema version \(found), newer than this Winnow's \(AuditSchema.version)"
            )
        }
        if found == 0 {
            // Version 0 is a new, empty file, or some other SQLite database: never write into the latter.
            let tables = try database.integer("SELECT count(*) FROM sqlite_master")
            guard tables == 0 else {
                throw AuditError("\(database.path) is an SQLite database but not a Winnow audit trail (user_version 0)")
            }
        }
        for version in found..<AuditSchema.version {
            try database.execute(AuditSchema.migrations[version])
            try database.execute("PRAGMA user_version = \(version + 1)")
        }
    }

    /// Records the start of a run with the configuration it judges by (stored once per hash);
    /// returns the run's id, which every record of the run carries.
    public func startRun(
        source: String, configuration: AuditedConfiguration, textMode: AuditTextMode, at time: Double
    ) throws(AuditError) -> Int {
        try database.execute("BEGIN IMMEDIATE")
        do {
            let addConfig = try database.prepare(
                "INSERT OR IGNORE INTO configs (hash, wordlists, policy, first_used) VALUES (?1, ?2, ?3, ?4)")
            addConfig.bind(1, configuration.hash)
            addConfig.bind(2, configuration.wordlists)
            addConfig.bind(3, configuration.policy)
            addConfig.bind(4, time)
            try addConfig.run()
            let addRun = try database.prepare(
                """
                INSERT INTO runs (source, config, text_mode, pid, started_at)
                VALUES (?1, (SELECT id FROM configs WHERE hash = ?2), ?3, ?4, ?5)
                """)
            addRun.bind(1, source)
            addRun.bind(2, configuration.hash)
            addRun.bind(3, textMode.rawValue)
            addRun.bind(4, Int(getpid()))
            addRun.bind(5, time)
            try addRun.run()
            let run = Int(sqlite3_last_insert_rowid(database.handle))
            try database.execute("COMMIT")
            return run
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
    }

    /// Writes `batch` in one transaction: all of it or none.
    public func record(_ batch: AuditBatch, run: Int, at time: Double) throws(AuditError) {
        try database.execute("BEGIN IMMEDIATE")
        do {
            latestTime = 0
            for part in batch.parts { try insert(part, run: run, at: time) }
            try cases.expire(now: latestTime > 0 ? latestTime : time)
            try database.execute("COMMIT")
            checkpointer?.committed()
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
    }

    /// Deletes the events older than `before` (epoch seconds) as `AuditPruning.prune` does, on
    /// this writer's own connection: the retention of a live run, between its commits.
    public func prune(before: Double, now: Double) throws(AuditError) -> AuditPruning.Outcome {
        var outcome = AuditPruning.Outcome()
        try AuditPruning.deleteOld(database, before: before, now: now, into: &outcome)
        checkpointer?.committed()
        return outcome
    }

    private func insert(_ part: AuditBatch.Part, run: Int, at time: Double) throws(AuditError) {
        // The records are read in place (`records[k]` copies one: a retain and a release of
        // each of its strings, three times per event).
        try part.records.withUnsafeBufferPointer { (records) throws(AuditError) in
            var next = 0
            while next < records.count {
                let rows = records.count - next >= Self.rowsPerInsert ? Self.rowsPerInsert : 1
                let statement = rows == 1 ? insertEvent : insertEvents
                // First every row's text copied into the staging buffer (it may grow, and move,
                // only now), then bound: the pointers stay valid through the step.
                staging.removeAll()
                for row in 0..<rows { staging.stage(records.baseAddress! + next + row) }
                for row in 0..<rows {
                    bind(
                        records.baseAddress! + next + row, staged: row, verdicts: part.verdicts, run: run, at: time,
                        to: statement, from: Int32(row) * Self.columnsPerRow)
                }
                try statement.run()
                // Rowids of one statement's rows are consecutive: the last one is known.
                let lastSeq = Int(sqlite3_last_insert_rowid(database.handle))
                for row in 0..<rows {
                    let seq = lastSeq - (rows - 1 - row)
                    let record = records.baseAddress! + next + row
                    if record.pointee.strike || record.pointee.penalty != nil {
                        try recordPenalty(of: record.pointee, seq: seq)
                    }
                    if let delivery = record.pointee.delivery { try recordDelivery(delivery, seq: seq) }
                    if let stamp = record.pointee.timestamp, stamp > latestTime { latestTime = stamp }
                    let action = record.pointee.action
                    if action == .hold || action == .flag {
                        try cases.record(
                            record, seq: seq,
                            verdict: UnsafeRawBufferPointer(rebasing: part.verdicts[record.pointee.verdict]),
                            at: time)
                    }
                }
                next += rows
            }
        }
    }

    private func bind(
        _ record: UnsafePointer<AuditRecord>, staged row: Int, verdicts: UnsafeRawBufferPointer, run: Int,
        at time: Double,
        to statement: Statement, from offset: Int32
    ) {
        let texts = staging.texts(ofRow: row)
        statement.bind(offset + 1, run)
        statement.bindStatic(offset + 2, staged: texts.eventID)
        statement.bind(offset + 3, record.pointee.line)
        statement.bindStatic(offset + 4, staged: texts.author)
        statement.bindStatic(offset + 5, staged: texts.channel)
        statement.bind(offset + 6, record.pointee.timestamp)
        statement.bindStatic(offset + 7, staged: texts.text)
        statement.bindStatic(offset + 8, staged: texts.textHash)
        statement.bindStatic(offset + 9, staged: texts.action)
        statement.bindStatic(offset + 10, text: UnsafeRawBufferPointer(rebasing: verdicts[record.pointee.verdict]))
        statement.bind(offset + 11, time)
        statement.bind(offset + 12, record.pointee.peerUID)
        statement.bind(offset + 13, record.pointee.peerPID)
    }

    /// The strike the event counted and the penalty it brought, as `author_changes` rows.
    private func recordPenalty(of record: borrowing AuditRecord, seq: Int) throws(AuditError) {
        guard let author = record.author else { return }
        if record.strike {
            insertChange.bind(1, seq)
            insertChange.bind(2, author)
            insertChange.bind(3, "strike")
            insertChange.bind(4, record.timestamp)
            insertChange.bind(5, nil as Double?)
            try insertChange.run()
        }
        guard let penalty = record.penalty else { return }
        insertChange.bind(1, seq)
        insertChange.bind(2, author)
        insertChange.bind(3, penalty.action == .allow ? "unban" : penalty.action.rawValue)
        insertChange.bind(4, record.timestamp)
        insertChange.bind(5, penalty.until)
        try insertChange.run()
    }

    private func recordDelivery(_ delivery: StreamDelivery, seq: Int) throws(AuditError) {
        insertConsumed.bind(1, delivery.stream)
        insertConsumed.bind(2, delivery.eventKey)
        insertConsumed.bind(3, delivery.entryID)
        insertConsumed.bind(4, seq)
        try insertConsumed.run()
    }

    /// The verdict line recorded for an event of `stream` (by its key, see `StreamDelivery`),
    /// if it was judged before.
    public func consumedVerdict(stream: String, eventKey: String) throws(AuditError) -> String? {
        findConsumed.bind(1, stream)
        findConsumed.bind(2, eventKey)
        defer { findConsumed.reset() }
        return try findConsumed.step() ? findConsumed.text(0) : nil
    }

    /// `ok`, or what SQLite found wrong.
    public func integrityCheck() throws(AuditError) -> String {
        try database.text("PRAGMA integrity_check") ?? "no answer"
    }

    /// Rows in a table of the schema (for tests and `winnow audit stats`).
    public func count(_ table: Table) throws(AuditError) -> Int {
        try database.integer("SELECT count(*) FROM \(table.rawValue)")
    }

    /// The tables (and the `reasons` view) of the schema.
    public enum Table: String, Sendable {
        case events, reasons
        case authorChanges = "author_changes"
        case configs, runs, consumed
    }
}

/// The text columns of an insert's rows, one after the other in one buffer. Used by one thread
/// (the audit writer) at a time.
final class StagingBuffer {
    /// Where each staged string is: `nil` for a NULL column.
    struct Texts {
        var eventID, author, channel, text, textHash, action: UnsafeRawBufferPointer?
    }

    private let buffer = ByteBuffer()
    /// Per staged row, its six columns' bytes in `buffer`, in the order staged (`nil`: NULL).
    /// Only the writer thread touches it, one call at a time: the run-time exclusivity check
    /// Swift makes on a class's `var` (eleven per event, a tenth of the trail's own work) is
    /// turned off.
    @exclusivity(unchecked) private var spans: [Range<Int>?] = []
    /// Bytes staged so far (`buffer.count`, which a read from this module checks at run time).
    @exclusivity(unchecked) private var staged = 0

    func removeAll() {
        buffer.removeAll()
        spans.removeAll(keepingCapacity: true)
        staged = 0
    }

    /// Copies the text columns of `record` (read in place).
    func stage(_ record: UnsafePointer<AuditRecord>) {
        append(record.pointee.eventID)
        append(record.pointee.author)
        append(record.pointee.channel)
        append(record.pointee.text)
        append(record.pointee.textHash)
        append(record.pointee.action.rawValue)
    }

    /// The staged columns of row `row`, valid until the next `stage`.
    func texts(ofRow row: Int) -> Texts {
        let bytes = buffer.bytes
        func at(_ k: Int) -> UnsafeRawBufferPointer? {
            spans[row * 6 + k].map { UnsafeRawBufferPointer(rebasing: bytes[$0]) }
        }
        return Texts(eventID: at(0), author: at(1), channel: at(2), text: at(3), textHash: at(4), action: at(5))
    }

    private func append(_ value: String?) {
        guard let value else {
            spans.append(nil)
            return
        }
        let start = staged
        func copy(_ bytes: UnsafeBufferPointer<UInt8>) {
            buffer.append(bytes)
            staged += bytes.count
        }
        // Our strings are native, so contiguous: read in place (a `var` copy for `withUTF8`
        // retained and released it).
        if value.utf8.withContiguousStorageIfAvailable(copy) == nil {
            var value = value
            value.withUTF8(copy)
        }
        spans.append(start..<staged)
    }
}
