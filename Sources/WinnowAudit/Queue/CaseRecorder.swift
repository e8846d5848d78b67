import Foundation
import WinnowCore
import WinnowLimits

/// The writer's side of the review queue: within each audit transaction, a held comment (or a
/// queued flag) opens a case or joins the open case of its near-copies, and cases past
/// `expire_after` expire. Lives on the store's connection and thread.
final class CaseRecorder {
    var settings = QueueSettings() {
        didSet {
            flagRules = "[" + settings.flagRules.sorted().map { JSONText.quoted($0) }.joined(separator: ",") + "]"
        }
    }
    /// `settings.flagRules` as the JSON array `isQueuedFlag` binds.
    private var flagRules = "[]"
    private var index = CaseIndex()
    private let database: SQLiteDatabase
    private let open: Statement
    private let join: Statement
    private let link: Statement
    private let flagged: Statement
    private let overdue: Statement
    private let expire: Statement
    private let decide: Statement

    init(database: SQLiteDatabase) throws(AuditError) {
        self.database = database
        open = try database.prepare(
            """
            INSERT INTO cases (opened_at, last_at, channel, rule, severity, sketch, comments, authors, status, first_seq,
                               sla)
            VALUES (?1, ?1, ?2, ?3, ?4, ?5, 1, 1, 'open', ?6, ?7)
            """)
        join = try database.prepare(
            """
            UPDATE cases SET comments = comments + 1, last_at = max(last_at, ?2), severity = max(severity, ?3),
                authors = authors + ?4
            WHERE id = ?1 AND status = 'open'
            """)
        link = try database.prepare("INSERT INTO case_events (case_id, seq) VALUES (?1, ?2)")
        flagged = try database.prepare(
            """
            SELECT 1 FROM json_each(?1, '$.reasons')
            WHERE value ->> 'action' = 'flag' AND (?2 OR value ->> 'rule' IN (SELECT value FROM json_each(?3)))
            LIMIT 1
            """)
        // Appeals wait for a person: they do not expire.
        overdue = try database.prepare(
            "SELECT id FROM cases WHERE status = 'open' AND kind = 'review' AND opened_at < ?1")
        expire = try database.prepare(
            "UPDATE cases SET status = 'expired', decided_at = ?2, decided_by = 'expiry' WHERE id = ?1")
        decide = try database.prepare(
            "INSERT INTO decisions (case_id, outcome, moderator, note, at) VALUES (?1, ?2, 'expiry', ?3, ?4)")
        let load = try database.prepare(
            """
            SELECT c.id, c.sketch, f.text FROM cases c LEFT JOIN events f ON f.seq = c.first_seq
            WHERE c.status = 'open' AND c.sketch != 0 ORDER BY c.id
            """)
        while try load.step() {
            index.add(
                load.int(0), sketch: UInt64(bitPattern: Int64(load.int(1))), words: CaseIndex.wordSet(load.text(2)))
        }
        load.reset()
        let authors = try database.prepare(
            """
            SELECT ce.case_id, e.author FROM cases c JOIN case_events ce ON ce.case_id = c.id
            JOIN events e ON e.seq = ce.seq WHERE c.status = 'open' AND c.sketch != 0
            """)
        while try authors.step() { _ = index.addAuthor(authors.text(1), to: authors.int(0)) }
        authors.reset()
    }

    /// Opens or joins a case for the event just inserted as `seq`, when its verdict is queued.
    func record(_ record: UnsafePointer<AuditRecord>, seq: Int, verdict: UnsafeRawBufferPointer, at time: Double)
        throws(AuditError)
    {
        guard settings.enabled else { return }
        let severity: Int
        switch record.pointee.action {
        case .hold: severity = 2
        case .flag:
            guard settings.queuesFlags, try isQueuedFlag(verdict) else { return }
            severity = 1
        default: return
        }
        let when = record.pointee.timestamp ?? time
        let sketch = record.pointee.sketch
        // Made only when a case's sketch matches, and once: for the check and for a new case.
        var words: [UInt64]??
        func wordsOfComment() -> [UInt64]? {
            if words == nil { words = .some(CaseIndex.wordSet(record.pointee.text)) }
            return words!
        }
        if let id = index.find(sketch, words: wordsOfComment) {
            join.bind(1, id)
            join.bind(2, when)
            join.bind(3, severity)
            join.bind(4, index.addAuthor(record.pointee.author, to: id) ? 1 : 0)
            try join.run()
            if database.changes == 1 {
                try linkEvent(seq, to: id)
                return
            }
            // Decided meanwhile (by `winnow queue decide`, another process): a new case.
            index.remove(id)
        }
        open.bind(1, when)
        open.bind(2, record.pointee.channel)
        open.bind(3, record.pointee.rule)
        open.bind(4, severity)
        open.bind(5, Int(Int64(bitPattern: sketch)))
        open.bind(6, seq)
        open.bind(7, Double(settings.sla(for: record.pointee.channel)) / 1e6)
        try open.run()
        let id = Int(database.lastInsertRowID)
        try linkEvent(seq, to: id)
        index.add(id, sketch: sketch, words: wordsOfComment())
        _ = index.addAuthor(record.pointee.author, to: id)
    }

    private func linkEvent(_ seq: Int, to id: Int) throws(AuditError) {
        link.bind(1, id)
        link.bind(2, seq)
        try link.run()
    }

    private func isQueuedFlag(_ verdict: UnsafeRawBufferPointer) throws(AuditError) -> Bool {
        flagged.bindStatic(1, text: verdict)
        flagged.bind(2, settings.flagRules.contains("all") ? 1 : 0)
        flagged.bind(3, flagRules)
        defer { flagged.reset() }
        return try flagged.step()
    }

    /// Closes the open cases opened before `now - expire_after` as `on_expiry`.
    func expire(now: Double) throws(AuditError) {
        guard settings.enabled, settings.expireAfter > 0 else { return }
        let after = Double(settings.expireAfter) / 1e6
        overdue.bind(1, now - after)
        var ids: [Int] = []
        while try overdue.step() { ids.append(overdue.int(0)) }
        overdue.reset()
        for id in ids {
            expire.bind(1, id)
            expire.bind(2, now)
            try expire.run()
            decide.bind(1, id)
            decide.bind(2, settings.onExpiry.rawValue)
            decide.bind(3, "not decided within \(DurationText.describe(settings.expireAfter))")
            decide.bind(4, now)
            try decide.run()
            index.remove(id)
        }
    }
}
