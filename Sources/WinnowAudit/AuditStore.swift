import CSQLite
import WinnowCore

/// The only place Winnow talks to SQLite: an audit database in WAL mode, brought to the current
/// schema on open, written one transaction per batch through prepared statements. One writer
/// (one thread) per store.
///
/// Opening refuses, with a message that says why, a path that cannot be written, a file that
/// is not an audit database, one from a newer Winnow, and one another writer holds locked.
public final class AuditStore {
    private let database: SQLiteDatabase
    private let insertEvent: Statement
    private let insertReason: Statement
    private let insertChange: Statement
    private let insertConfig: Statement

    public static var schemaVersion: Int { AuditSchema.version }

    public init(path: String) throws(AuditError) {
        database = try SQLiteDatabase(path: path)
        try database.execute("PRAGMA busy_timeout = 0")
        let mode = try database.text("PRAGMA journal_mode = WAL")
        guard mode == "wal" else { throw AuditError("audit database \(path): cannot switch to WAL mode (got \(mode ?? "nothing"))") }
        try database.execute("PRAGMA synchronous = NORMAL")
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
        insertEvent = try database.prepare("""
            INSERT INTO events (event_id, line, author, channel, ts, text, text_hash, action, would, until, error, config,
                                source, recorded_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
            """)
        insertReason = try database.prepare("""
            INSERT INTO reasons (seq, position, rule, action, list, category, term, match, span_start, span_end, limit_name,
                                 count, retry_after, message, dry_run)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
            """)
        insertChange = try database.prepare("INSERT INTO author_changes (seq, author, change, until) VALUES (?1, ?2, ?3, ?4)")
        insertConfig = try database.prepare(
            "INSERT OR IGNORE INTO configs (hash, wordlists, policy, first_used) VALUES (?1, ?2, ?3, ?4)")
    }

    private static func migrate(_ database: SQLiteDatabase) throws(AuditError) {
        let found = try database.integer("PRAGMA user_version")
        guard found <= AuditSchema.version else {
            throw AuditError(
                "audit database \(database.path) has schema version \(found), newer than this Winnow's \(AuditSchema.version)")
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

    /// Records which wordlists and policy a hash stands for (once per hash).
    public func registerConfiguration(hash: String, wordlists: String, policy: String, at time: Double) throws(AuditError) {
        insertConfig.bind(1, hash)
        insertConfig.bind(2, wordlists)
        insertConfig.bind(3, policy)
        insertConfig.bind(4, time)
        try insertConfig.run()
    }

    /// Writes `records` in one transaction: all of them or none.
    public func record(_ records: [AuditRecord], configuration: String?, source: String, at time: Double) throws(AuditError) {
        try database.execute("BEGIN IMMEDIATE")
        do {
            for record in records { try insert(record, configuration: configuration, source: source, at: time) }
            try database.execute("COMMIT")
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
    }

    private func insert(_ record: AuditRecord, configuration: String?, source: String, at time: Double) throws(AuditError) {
        let verdict = record.verdict
        insertEvent.bind(1, record.eventID)
        insertEvent.bind(2, record.line)
        insertEvent.bind(3, record.author)
        insertEvent.bind(4, record.channel)
        insertEvent.bind(5, record.timestamp)
        insertEvent.bind(6, record.text)
        insertEvent.bind(7, record.textHash)
        insertEvent.bind(8, verdict.action.rawValue)
        insertEvent.bind(9, verdict.would?.rawValue)
        insertEvent.bind(10, verdict.until)
        insertEvent.bind(11, verdict.error)
        insertEvent.bind(12, configuration)
        insertEvent.bind(13, source)
        insertEvent.bind(14, time)
        try insertEvent.run()
        let seq = Int(sqlite3_last_insert_rowid(database.handle))
        for (position, reason) in verdict.reasons.enumerated() {
            insertReason.bind(1, seq)
            insertReason.bind(2, position)
            insertReason.bind(3, reason.rule)
            insertReason.bind(4, reason.action?.rawValue)
            insertReason.bind(5, reason.list)
            insertReason.bind(6, reason.category)
            insertReason.bind(7, reason.term)
            insertReason.bind(8, reason.match)
            insertReason.bind(9, reason.span?.start)
            insertReason.bind(10, reason.span?.end)
            insertReason.bind(11, reason.limit)
            insertReason.bind(12, reason.count)
            insertReason.bind(13, reason.retryAfter)
            insertReason.bind(14, reason.message)
            insertReason.bind(15, reason.dryRun ? 1 : 0)
            try insertReason.run()
            // A penalty imposed by this event changes the author's state.
            if reason.rule == "escalation", !reason.dryRun, let author = record.author, verdict.action >= .timeout {
                insertChange.bind(1, seq)
                insertChange.bind(2, author)
                insertChange.bind(3, verdict.action.rawValue)
                insertChange.bind(4, verdict.until)
                try insertChange.run()
            }
        }
    }

    /// `ok`, or what SQLite found wrong.
    public func integrityCheck() throws(AuditError) -> String {
        try database.text("PRAGMA integrity_check") ?? "no answer"
    }

    /// Rows in a table of the schema (for tests and `winnow audit stats`).
    public func count(_ table: Table) throws(AuditError) -> Int {
        try database.integer("SELECT count(*) FROM \(table.rawValue)")
    }

    /// The tables of the schema.
    public enum Table: String, Sendable { case events, reasons, authorChanges = "author_changes", configs }
}
