import WinnowCore

extension ReviewQueue {
    /// Opens an appeal on the latest verdict of the comment `eventID`: a case of kind
    /// `appeal`, first in the queue, decided `uphold` or `overturn` (an undo in full). A verdict
    /// can be appealed when it took the comment down (reject, censor, timeout, ban, or a hold
    /// or flag whose case was removed); one appeal per verdict is open at a time.
    public func appeal(_ eventID: String, message: String?, at time: Double) throws(AuditError) -> ReviewCase {
        try database.execute("BEGIN IMMEDIATE")
        do throws(AuditError) {
            let id = try openAppeal(eventID, message: message, at: time)
            try database.execute("COMMIT")
            guard let (found, _, _) = try show(id) else { throw AuditError("no case \(id)") }
            return found
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
    }

    private func openAppeal(_ eventID: String, message: String?, at time: Double) throws(AuditError) -> Int {
        // The latest verdict of that id, scanned from the newest (events has no id index: a
        // verdict appealed is a recent one).
        let find = try cached(
            """
            SELECT seq, action, channel,
                (SELECT value ->> 'rule' FROM json_each(verdict, '$.reasons') LIMIT 1)
            FROM events WHERE event_id = ?1 AND verdict ->> '$.op' IS NULL ORDER BY seq DESC LIMIT 1
            """)
        defer { find.reset() }
        find.bind(1, eventID)
        guard try find.step() else { throw AuditError("no verdict for comment \(eventID) in the audit trail") }
        let seq = find.int(0), action = find.text(1) ?? "", channel = find.text(2), rule = find.text(3)
        find.reset()
        switch action {
        case "reject", "censor", "timeout", "ban": break
        case "hold", "flag":
            let review = try cached(
                """
                SELECT c.id, c.status, (SELECT d.outcome FROM decisions d WHERE d.case_id = c.id ORDER BY d.id LIMIT 1)
                FROM case_events ce JOIN cases c ON c.id = ce.case_id WHERE ce.seq = ?1 AND c.kind = 'review'
                """)
            defer { review.reset() }
            review.bind(1, seq)
            guard try review.step() else {
                throw AuditError("nothing to appeal: comment \(eventID) was only flagged, and stays up")
            }
            let (caseID, status, outcome) = (review.int(0), review.text(1) ?? "", review.text(2))
            if status == "open" { throw AuditError("comment \(eventID) awaits review in case \(caseID)") }
            guard outcome == CaseOutcome.remove.rawValue else {
                throw AuditError("nothing to appeal: comment \(eventID) was approved in case \(caseID)")
            }
        default:
            throw AuditError("nothing to appeal: comment \(eventID) was not taken down (\(action))")
        }
        let open = try cached(
            """
            SELECT c.id FROM case_events ce JOIN cases c ON c.id = ce.case_id
            WHERE ce.seq = ?1 AND c.kind = 'appeal' AND c.status = 'open'
            """)
        defer { open.reset() }
        open.bind(1, seq)
        if try open.step() {
            throw AuditError("an appeal on comment \(eventID) is already open: case \(open.int(0))")
        }
        let insert = try cached(
            """
            INSERT INTO cases (opened_at, last_at, channel, rule, severity, sketch, comments, authors, status,
                               first_seq, kind, message)
            VALUES (?1, ?1, ?2, ?3, 3, 0, 1, 1, 'open', ?4, 'appeal', ?5)
            """)
        defer { insert.reset() }
        insert.bind(1, time)
        insert.bind(2, channel)
        insert.bind(3, rule)
        insert.bind(4, seq)
        insert.bind(5, message)
        try insert.run()
        let id = Int(database.lastInsertRowID)
        let link = try cached("INSERT INTO case_events (case_id, seq) VALUES (?1, ?2)")
        defer { link.reset() }
        link.bind(1, id)
        link.bind(2, seq)
        try link.run()
        return id
    }
}
