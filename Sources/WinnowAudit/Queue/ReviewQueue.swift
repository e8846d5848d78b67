import Foundation

/// The moderators' side of the review queue (`winnow queue`), on the trail file while a
/// `filter` or `serve` writes to it: lists open cases by priority, shows one, records
/// decisions (the first one wins), and gives the response-time figures.
public final class ReviewQueue {
    let database: SQLiteDatabase

    /// Opens the trail at `path`, bringing an older trail to the current schema (which gives
    /// it an empty queue). `checkpoints: false` for a connection inside a process whose audit
    /// writer checkpoints the log on a thread of its own (`WALCheckpointer`): its commits then
    /// never stop to checkpoint (one `decide` in a hundred did, for milliseconds).
    public init(path: String, checkpoints: Bool = true) throws(AuditError) {
        guard FileManager.default.fileExists(atPath: path) else { throw AuditError("no audit trail at \(path)") }
        SQLiteDatabase.configureLibrary()
        database = try SQLiteDatabase(path: path)
        try database.execute("PRAGMA busy_timeout = \(AuditStore.busyTimeoutMilliseconds)")
        // As the writer's: in WAL mode a decision survives a crash of the process; only a power
        // cut can take the last ones (FULL syncs every commit: a millisecond per decision).
        try database.execute("PRAGMA synchronous = NORMAL")
        if !checkpoints { try database.execute("PRAGMA wal_autocheckpoint = 0") }
        try AuditStore.migrateInTransaction(database)
    }

    /// Statements prepared once per connection, by their text.
    private var prepared: [String: Statement] = [:]

    /// `sql` prepared, reused from one call to the next (reset and unbound before reuse). The
    /// caller resets it when done: a statement left on a row holds a read transaction, and the
    /// write-ahead log could not be reset behind it.
    func cached(_ sql: String) throws(AuditError) -> Statement {
        if let statement = prepared[sql] {
            statement.reset()
            return statement
        }
        let statement = try database.prepare(sql)
        prepared[sql] = statement
        return statement
    }

    deinit { database.close() }

    /// Which open cases `list` shows.
    public struct Filter: Sendable {
        public var channel: String?
        public var rule: String?
        /// Only cases opened at least this many seconds before `now`.
        public var olderThan: Double?
        public var limit = 50
        public var offset = 0
        public init() {}
    }

    /// A case's columns and its first comment's author and text (`cases c`, `events f`).
    static let caseColumns = """
        c.id, c.opened_at, c.last_at, c.channel, c.rule, c.severity, c.comments, c.authors, c.status,
        c.decided_at, c.decided_by, c.note, f.author, f.text, c.kind, c.message
        """
    static let caseTables = "cases c LEFT JOIN events f ON f.seq = c.first_seq"

    private static func reviewCase(_ row: Statement) -> ReviewCase {
        ReviewCase(
            id: row.int(0), openedAt: row.double(1) ?? 0, lastAt: row.double(2) ?? 0, channel: row.text(3),
            rule: row.text(4), severity: ReviewCase.severityName(row.int(5)), comments: row.int(6),
            authors: row.int(7), status: row.text(8) ?? "open", decidedAt: row.double(9), decidedBy: row.text(10),
            note: row.text(11), firstAuthor: row.text(12), firstText: row.text(13), kind: row.text(14) ?? "review",
            message: row.text(15))
    }

    /// The open cases, most urgent first: holds before flags, larger campaigns first, then the
    /// oldest. `now` is what `olderThan` counts from.
    public func list(_ filter: Filter = Filter(), now: Double) throws(AuditError) -> [ReviewCase] {
        let statement = try cached(
            """
            SELECT \(Self.caseColumns) FROM \(Self.caseTables)
            WHERE c.status = 'open' AND (?1 IS NULL OR c.channel IS ?1) AND (?2 IS NULL OR c.rule IS ?2)
              AND c.opened_at <= ?3
            ORDER BY c.severity DESC, c.comments DESC, c.opened_at, c.id
            LIMIT ?4 OFFSET ?5
            """)
        defer { statement.reset() }
        statement.bind(1, filter.channel)
        statement.bind(2, filter.rule)
        statement.bind(3, filter.olderThan.map { now - $0 } ?? .infinity)
        statement.bind(4, filter.limit)
        statement.bind(5, filter.offset)
        var cases: [ReviewCase] = []
        while try statement.step() { cases.append(Self.reviewCase(statement)) }
        return cases
    }

    /// A comment from `seq, event_id, author, channel, ts, text, action, verdict` of `events`.
    static func comment(_ row: Statement) -> CaseComment {
        CaseComment(
            seq: row.int(0), eventID: row.text(1), author: row.text(2), channel: row.text(3),
            timestamp: row.double(4), text: row.text(5), action: row.text(6) ?? "", verdict: row.text(7) ?? "")
    }

    /// One case with its comments (in the order they came) and its decisions; nil if there is none.
    public func show(_ id: Int) throws(AuditError) -> (ReviewCase, [CaseComment], [CaseDecision])? {
        let one = try cached("SELECT \(Self.caseColumns) FROM \(Self.caseTables) WHERE c.id = ?1")
        defer { one.reset() }
        one.bind(1, id)
        guard try one.step() else { return nil }
        let found = Self.reviewCase(one)
        let comments = try cached(
            """
            SELECT e.seq, e.event_id, e.author, e.channel, e.ts, e.text, e.action, e.verdict
            FROM case_events ce JOIN events e ON e.seq = ce.seq WHERE ce.case_id = ?1 ORDER BY e.seq
            """)
        defer { comments.reset() }
        comments.bind(1, id)
        var list: [CaseComment] = []
        while try comments.step() { list.append(Self.comment(comments)) }
        return (found, list, try decisions(of: id))
    }

    func decisions(of id: Int) throws(AuditError) -> [CaseDecision] {
        let statement = try cached(
            "SELECT case_id, outcome, moderator, note, at, sanction, sanction_seconds FROM decisions WHERE case_id = ?1 ORDER BY id"
        )
        defer { statement.reset() }
        statement.bind(1, id)
        var list: [CaseDecision] = []
        while try statement.step() { list.append(Self.decision(statement)) }
        return list
    }

    /// A decision from `case_id, outcome, moderator, note, at, sanction, sanction_seconds`.
    static func decision(_ row: Statement) -> CaseDecision {
        CaseDecision(
            caseID: row.int(0), outcome: CaseOutcome(rawValue: row.text(1) ?? "") ?? .approve,
            moderator: row.text(2) ?? "", note: row.text(3), at: row.double(4) ?? 0,
            sanction: Sanction(name: row.text(5), seconds: row.double(6)))
    }

    /// Every decision after `afterID`, oldest first, with its id: the feed a follower reads.
    public func decisions(after afterID: Int, limit: Int = 1000) throws(AuditError) -> [(id: Int, CaseDecision)] {
        let statement = try cached(
            """
            SELECT case_id, outcome, moderator, note, at, sanction, sanction_seconds, id FROM decisions
            WHERE id > ?1 ORDER BY id LIMIT ?2
            """)
        defer { statement.reset() }
        statement.bind(1, afterID)
        statement.bind(2, limit)
        var list: [(id: Int, CaseDecision)] = []
        while try statement.step() { list.append((statement.int(7), Self.decision(statement))) }
        return list
    }

    /// One comment of a decided case as a training example: `remove` says positive (the hold
    /// was right), `approve` negative. Expiries are no one's judgement and give none.
    public struct Label: Sendable, Equatable {
        public var eventID: String?
        public var author: String?
        public var channel: String?
        public var timestamp: Double?
        /// Nil when the trail keeps only hashes (`--audit-text hash`): nothing to learn from.
        public var text: String?
        public var caseID: Int
        public var rule: String?
        public var outcome: CaseOutcome
        public var moderator: String
        public var decidedAt: Double
    }

    /// Every comment of every case decided by a moderator since `since` (all when nil), in the
    /// order of the decisions.
    public func labels(since: Double? = nil, _ body: (Label) -> Void) throws(AuditError) {
        let statement = try database.prepare(
            """
            SELECT e.event_id, e.author, e.channel, e.ts, e.text, c.id, c.rule, d.outcome, d.moderator, d.at
            FROM decisions d JOIN cases c ON c.id = d.case_id JOIN case_events ce ON ce.case_id = c.id
                JOIN events e ON e.seq = ce.seq
            WHERE d.moderator != 'expiry' AND d.at >= ?1
            ORDER BY d.id, e.seq
            """)
        statement.bind(1, since ?? -.infinity)
        while try statement.step() {
            body(
                Label(
                    eventID: statement.text(0), author: statement.text(1), channel: statement.text(2),
                    timestamp: statement.double(3), text: statement.text(4), caseID: statement.int(5),
                    rule: statement.text(6), outcome: CaseOutcome(rawValue: statement.text(7) ?? "") ?? .approve,
                    moderator: statement.text(8) ?? "", decidedAt: statement.double(9) ?? 0))
        }
    }

    /// How many cases are open, and when the oldest opened.
    public func openSummary() throws(AuditError) -> (count: Int, oldestOpenedAt: Double?) {
        let statement = try database.prepare("SELECT count(*), min(opened_at) FROM cases WHERE status = 'open'")
        guard try statement.step() else { return (0, nil) }
        return (statement.int(0), statement.double(1))
    }

    /// The decisions after `afterID` with when their case opened and the response time it was
    /// to be decided within (nil for a case opened before cases kept theirs), oldest first.
    public func decisionsWithOpening(after afterID: Int) throws(AuditError) -> [(
        id: Int, decision: CaseDecision, openedAt: Double, sla: Double?
    )] {
        let statement = try database.prepare(
            """
            SELECT d.case_id, d.outcome, d.moderator, d.note, d.at, d.sanction, d.sanction_seconds, d.id, c.opened_at,
                   c.sla
            FROM decisions d JOIN cases c ON c.id = d.case_id WHERE d.id > ?1 ORDER BY d.id LIMIT 10000
            """)
        statement.bind(1, afterID)
        var list: [(id: Int, decision: CaseDecision, openedAt: Double, sla: Double?)] = []
        while try statement.step() {
            list.append((statement.int(7), Self.decision(statement), statement.double(8) ?? 0, statement.double(9)))
        }
        return list
    }

    /// The number of the latest decision (0: none yet): where a feed that starts now begins.
    public func latestDecision() throws(AuditError) -> Int {
        try database.integer("SELECT coalesce(max(id), 0) FROM decisions")
    }

    /// The comment ids of a case, in order.
    public func commentIDs(of id: Int) throws(AuditError) -> [String] {
        let statement = try cached(
            """
            SELECT coalesce(e.event_id, 'line ' || e.line) FROM case_events ce JOIN events e ON e.seq = ce.seq
            WHERE ce.case_id = ?1 ORDER BY e.seq
            """)
        defer { statement.reset() }
        statement.bind(1, id)
        var ids: [String] = []
        while try statement.step() { ids.append(statement.text(0) ?? "") }
        return ids
    }
}
