import WinnowCore
import WinnowLimits

extension ReviewQueue {
    /// Counts a moderator's decision on a case in the known-spam bank (`known_copies`), in the
    /// decision's transaction: `remove` adds a removal to the case's sketch, `approve` an
    /// approval; an `overturn` adds an approval to the sketch of the removed case the appealed
    /// comment was in (it leaves that campaign). Sketches too short or generic to match anything
    /// (`KnownSpamRule`) are not banked.
    func bank(_ outcome: CaseOutcome, case id: Int, at time: Double) throws(AuditError) {
        let sketchOf: String
        switch outcome {
        case .remove, .approve:
            sketchOf = "SELECT sketch, id FROM cases WHERE id = ?1 AND kind = 'review'"
        case .overturn:
            sketchOf = """
                SELECT r.sketch, r.id FROM cases a JOIN case_events ce ON ce.seq = a.first_seq
                    JOIN cases r ON r.id = ce.case_id
                WHERE a.id = ?1 AND r.kind = 'review' AND r.status = 'removed'
                """
        case .uphold:
            return
        }
        let find = try cached(sketchOf)
        defer { find.reset() }
        find.bind(1, id)
        guard try find.step() else { return }
        let packed = UInt64(bitPattern: Int64(find.int(0)))
        let caseID = find.int(1)
        find.reset()
        let (values, words, isGeneric) = WordSetSketch.unpack(packed)
        guard values != 0, words >= Self.bankMinWords, !isGeneric else { return }
        let upsert = try cached(
            """
            INSERT INTO known_copies (sketch, removals, approvals, last_case, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
            ON CONFLICT (sketch) DO UPDATE SET removals = removals + ?2, approvals = approvals + ?3,
                last_case = ?4, updated_at = ?5
            """)
        defer { upsert.reset() }
        upsert.bind(1, Int(Int64(bitPattern: values)))
        upsert.bind(2, outcome == .remove ? 1 : 0)
        upsert.bind(3, outcome == .remove ? 0 : 1)
        upsert.bind(4, caseID)
        upsert.bind(5, time)
        try upsert.run()
    }

    /// Comments with fewer words are not banked (the rule's `min_words` can ask for more).
    static let bankMinWords = 3

    /// The bank's entry for what decision `id` decided, if it banked anything.
    public func knownCopy(decidedBy decision: Int) throws(AuditError) -> KnownCopies.Entry? {
        let statement = try cached(
            """
            SELECT k.sketch, k.removals, k.approvals FROM decisions d
                JOIN cases c ON c.id = d.case_id
                LEFT JOIN case_events ce ON c.kind = 'appeal' AND ce.seq = c.first_seq
                LEFT JOIN cases r ON r.id = ce.case_id AND r.kind = 'review'
                JOIN known_copies k ON k.sketch = (coalesce(r.sketch, c.sketch) & 281474976710655)
            WHERE d.id = ?1
            """)
        defer { statement.reset() }
        statement.bind(1, decision)
        guard try statement.step() else { return nil }
        return Self.bankEntry(statement)
    }

    /// An entry from `sketch, removals, approvals` of `known_copies`.
    private static func bankEntry(_ row: Statement) -> KnownCopies.Entry {
        KnownCopies.Entry(values: UInt64(bitPattern: Int64(row.int(0))), removals: row.int(1), approvals: row.int(2))
    }

    /// Every entry of the bank, the least recently decided first (so that, where two collide
    /// in memory, the newest stays).
    public func knownCopies() throws(AuditError) -> [KnownCopies.Entry] {
        let statement = try cached("SELECT sketch, removals, approvals FROM known_copies ORDER BY updated_at, sketch")
        defer { statement.reset() }
        var entries: [KnownCopies.Entry] = []
        while try statement.step() { entries.append(Self.bankEntry(statement)) }
        return entries
    }
}
