import WinnowCore
import WinnowLimits

extension ReviewQueue {
    /// What a `decide` did.
    public enum Decided: Sendable, Equatable {
        case decided(CaseDecision)
        /// Someone (or expiry) was first: the decision that stands.
        case alreadyDecided(CaseDecision)
    }

    /// Decides an open case. Of two moderators deciding one case, the first wins; the second
    /// is told who decided it and when, and nothing of theirs is applied.
    ///
    /// In the decision's transaction, what it takes back and what it imposes is written down
    /// for whoever holds the authors' state (`DecisionFollower`): `approve` and `overturn` put
    /// the comments whose verdict they take back in `undone` (an overturned verdict given
    /// because a penalty was in force takes back that penalty's source), and a `sanction`
    /// with `remove` gives each author of the case an `author_changes` row.
    /// `peerUID`: the socket peer that asked (the sidecar's `decide` op).
    public func decide(
        _ id: Int, _ outcome: CaseOutcome, sanction: Sanction? = nil, moderator: String, note: String?,
        at time: Double, peerUID: Int? = nil
    ) throws(AuditError) -> Decided {
        try database.execute("BEGIN IMMEDIATE")
        do throws(AuditError) {
            let result = try decideInTransaction(
                id, outcome, sanction: sanction, moderator: moderator, note: note, at: time, peerUID: peerUID)
            try database.execute("COMMIT")
            return result
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
    }

    private func decideInTransaction(
        _ id: Int, _ outcome: CaseOutcome, sanction: Sanction?, moderator: String, note: String?, at time: Double,
        peerUID: Int?
    ) throws(AuditError) -> Decided {
        let kind = try cached("SELECT kind FROM cases WHERE id = ?1")
        defer { kind.reset() }
        kind.bind(1, id)
        guard try kind.step() else { throw AuditError("no case \(id)") }
        let isAppeal = kind.text(0) == "appeal"
        if isAppeal != outcome.decidesAppeal {
            throw AuditError(
                isAppeal
                    ? "case \(id) is an appeal: decide it uphold or overturn"
                    : "case \(id) is a review case: decide it approve or remove")
        }
        if sanction != nil && outcome != .remove {
            throw AuditError("a timeout or ban goes with remove, not \(outcome.rawValue)")
        }
        let close = try cached(
            "UPDATE cases SET status = ?2, decided_at = ?3, decided_by = ?4, note = ?5 WHERE id = ?1 AND status = 'open'"
        )
        defer { close.reset() }
        close.bind(1, id)
        close.bind(2, outcome.status)
        close.bind(3, time)
        close.bind(4, moderator)
        close.bind(5, note)
        try close.run()
        guard database.changes == 1 else {
            guard let standing = try decisions(of: id).first else { throw AuditError("no case \(id)") }
            return .alreadyDecided(standing)
        }
        let record = try cached(
            """
            INSERT INTO decisions (case_id, outcome, moderator, note, at, peer_uid, sanction, sanction_seconds)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            """)
        defer { record.reset() }
        record.bind(1, id)
        record.bind(2, outcome.rawValue)
        record.bind(3, moderator)
        record.bind(4, note)
        record.bind(5, time)
        record.bind(6, peerUID)
        record.bind(7, sanction?.name)
        record.bind(8, sanction?.seconds)
        try record.run()
        let decision = Int(database.lastInsertRowID)
        try bank(outcome, case: id, at: time)
        switch outcome {
        case .approve, .overturn:
            try takeBack(case: id, decision: decision)
            if outcome == .overturn { try undoPenaltySource(ofAppeal: id, decision: decision) }
        case .remove:
            if let sanction { try impose(sanction, case: id, decision: decision, moderator: moderator, at: time) }
        case .uphold:
            break
        }
        return .decided(
            CaseDecision(
                caseID: id, outcome: outcome, moderator: moderator, note: note, at: time, sanction: sanction))
    }

    /// Puts the case's comments in `undone`: their verdicts no longer count.
    private func takeBack(case id: Int, decision: Int) throws(AuditError) {
        let statement = try cached(
            "INSERT OR IGNORE INTO undone (seq, decision) SELECT seq, ?2 FROM case_events WHERE case_id = ?1")
        defer { statement.reset() }
        statement.bind(1, id)
        statement.bind(2, decision)
        try statement.run()
    }

    /// An appealed verdict given because a timeout or ban was in force (it imposed none
    /// itself) was that penalty's doing: what imposed it — a moderator's op or sanction, or
    /// the comment whose strike reached the threshold — is taken back too.
    private func undoPenaltySource(ofAppeal id: Int, decision: Int) throws(AuditError) {
        let source = try cached(
            """
            SELECT (SELECT c.seq FROM author_changes c
                    WHERE c.author = e.author AND c.change IN ('timeout', 'ban') AND c.seq <= e.seq
                      AND c.seq NOT IN (SELECT seq FROM undone)
                    ORDER BY c.at DESC, c.seq DESC LIMIT 1)
            FROM cases k JOIN events e ON e.seq = k.first_seq
            WHERE k.id = ?1 AND e.action IN ('timeout', 'ban') AND e.author IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM author_changes c WHERE c.seq = e.seq AND c.change IN ('timeout', 'ban'))
            """)
        defer { source.reset() }
        source.bind(1, id)
        guard try source.step(), let seq = source.optionalInt(0) else { return }
        source.reset()
        let insert = try cached("INSERT OR IGNORE INTO undone (seq, decision) VALUES (?1, ?2)")
        defer { insert.reset() }
        insert.bind(1, seq)
        insert.bind(2, decision)
        try insert.run()
    }

    /// A `remove` decision's timeout or ban for each author of the case, on the author's
    /// latest comment in it.
    private func impose(_ sanction: Sanction, case id: Int, decision: Int, moderator: String, at time: Double)
        throws(AuditError)
    {
        let statement = try cached(
            """
            INSERT INTO author_changes (seq, author, change, at, until, why, decision)
            SELECT max(e.seq), e.author, ?2, ?3, ?4, ?5, ?6
            FROM case_events ce JOIN events e ON e.seq = ce.seq
            WHERE ce.case_id = ?1 AND e.author IS NOT NULL GROUP BY e.author
            """)
        defer { statement.reset() }
        statement.bind(1, id)
        statement.bind(2, sanction.name)
        statement.bind(3, time)
        statement.bind(4, sanction.seconds.map { time + $0 })
        statement.bind(5, "case \(id) removed by \(moderator): \(sanction.description)")
        statement.bind(6, decision)
        try statement.run()
    }

    /// The authors a decision changes: those of the comments it took back and those it
    /// sanctioned.
    public func authors(changedBy decision: Int) throws(AuditError) -> [String] {
        let statement = try cached(
            """
            SELECT e.author FROM undone u JOIN events e ON e.seq = u.seq
            WHERE u.decision = ?1 AND e.author IS NOT NULL
            UNION SELECT author FROM author_changes WHERE decision = ?1
            ORDER BY 1
            """)
        defer { statement.reset() }
        statement.bind(1, decision)
        var authors: [String] = []
        while try statement.step() { authors.append(statement.text(0) ?? "") }
        return authors
    }

    /// Records what a decision changed for an author, and why (`author_changes`).
    public func recordChange(
        seq: Int, author: String, change: String, at time: Double, until: Double?, why: String, decision: Int
    ) throws(AuditError) {
        let statement = try cached(
            """
            INSERT INTO author_changes (seq, author, change, at, until, why, decision)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            """)
        defer { statement.reset() }
        statement.bind(1, seq)
        statement.bind(2, author)
        statement.bind(3, change)
        statement.bind(4, time)
        statement.bind(5, until)
        statement.bind(6, why)
        statement.bind(7, decision)
        try statement.run()
    }
}
