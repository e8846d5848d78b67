import Foundation

/// Retention: deletes a trail's events older than a time, keeping the trail consistent — an
/// event whose timeout or ban is still in force stays (with its `author_changes` row), and so
/// does one whose review case is still open (closed cases go with their last comment), as do
/// the runs and configurations the remaining events name; runs and configurations no event
/// names any more go. One transaction, so a concurrent `filter` or `serve` waits for it (up to
/// the busy timeout) and a reader sees the trail before or after, never half-pruned.
public enum AuditPruning {
    /// What a prune removed and kept.
    public struct Outcome: Sendable, Equatable {
        public var events = 0
        /// Old events kept because the penalty they imposed is still in force, or their review
        /// case is still open.
        public var keptForPenalties = 0
        public var authorChanges = 0
        public var consumed = 0
        public var runs = 0
        public var configs = 0
        /// Closed review cases whose comments all went.
        public var cases = 0
        /// The database file's size before and after (with `vacuum`, it shrinks; without, the
        /// freed pages are reused by later rows).
        public var bytesBefore = 0
        public var bytesAfter = 0
    }

    /// Deletes the events of the trail at `path` whose time (`ts`, else when recorded) is before
    /// `before` (epoch seconds); `now` decides which penalties are still in force. `vacuum`
    /// rewrites the file to give the space back (it needs the write lock for the rewrite).
    public static func prune(
        path: String, before: Double, now: Double = Date().timeIntervalSince1970, vacuum: Bool = false
    ) throws(AuditError) -> Outcome {
        guard FileManager.default.fileExists(atPath: path) else { throw AuditError("no audit trail at \(path)") }
        SQLiteDatabase.configureLibrary()
        let database = try SQLiteDatabase(path: path)
        defer { database.close() }
        try database.execute("PRAGMA busy_timeout = \(AuditStore.busyTimeoutMilliseconds)")
        var outcome = Outcome()
        outcome.bytesBefore = fileSize(path)
        try deleteOld(database, before: before, now: now, into: &outcome)
        // Its statements are finalized by now: VACUUM refuses to run beside one.
        if vacuum { try database.execute("VACUUM") }
        try database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        outcome.bytesAfter = fileSize(path)
        return outcome
    }

    static func deleteOld(
        _ database: SQLiteDatabase, before: Double, now: Double, into outcome: inout Outcome
    ) throws(AuditError) {
        try database.execute("BEGIN IMMEDIATE")
        do {
            try database.execute("DROP TABLE IF EXISTS temp.doomed")
            let select = try database.prepare(
                """
                CREATE TEMP TABLE doomed AS SELECT seq FROM events
                WHERE coalesce(ts, recorded_at) < ?1
                  AND seq NOT IN (SELECT seq FROM author_changes
                                  WHERE change IN ('timeout', 'ban') AND (until IS NULL OR until >= ?2))
                  AND seq NOT IN (SELECT ce.seq FROM case_events ce JOIN cases c ON c.id = ce.case_id
                                  WHERE c.status = 'open')
                """)
            select.bind(1, before)
            select.bind(2, now)
            try select.run()
            outcome.events = try database.integer("SELECT count(*) FROM temp.doomed")
            let kept = try database.prepare(
                "SELECT count(*) FROM events WHERE coalesce(ts, recorded_at) < ?1 AND seq NOT IN temp.doomed")
            kept.bind(1, before)
            outcome.keptForPenalties = try kept.step() ? kept.int(0) : 0
            kept.reset()
            outcome.consumed = try delete("DELETE FROM consumed WHERE seq IN temp.doomed", database)
            outcome.authorChanges = try delete("DELETE FROM author_changes WHERE seq IN temp.doomed", database)
            _ = try delete("DELETE FROM case_events WHERE seq IN temp.doomed", database)
            // A closed case goes with its last comment, and its decisions with it.
            _ = try delete(
                """
                DELETE FROM decisions WHERE case_id IN
                    (SELECT id FROM cases WHERE status != 'open' AND id NOT IN (SELECT case_id FROM case_events))
                """, database)
            outcome.cases = try delete(
                "DELETE FROM cases WHERE status != 'open' AND id NOT IN (SELECT case_id FROM case_events)", database)
            _ = try delete("DELETE FROM events WHERE seq IN temp.doomed", database)
            // A run still writing may have no event yet: only runs started before the cut go.
            let runs = try database.prepare(
                "DELETE FROM runs WHERE started_at < ?1 AND id NOT IN (SELECT DISTINCT run FROM events)")
            runs.bind(1, before)
            try runs.run()
            outcome.runs = database.changes
            outcome.configs = try delete("DELETE FROM configs WHERE id NOT IN (SELECT config FROM runs)", database)
            try database.execute("DROP TABLE temp.doomed")
            try database.execute("COMMIT")
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
    }

    private static func delete(_ sql: String, _ database: SQLiteDatabase) throws(AuditError) -> Int {
        try database.execute(sql)
        return database.changes
    }

    private static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}
