import WinnowCore

extension ReviewQueue {
    /// How many of the trail's latest events the authors' latest comments are looked for in
    /// (one scan for all of them).
    public static let historyReach = 5_000
    /// Authors of a case described at most (a campaign of hundreds: the first ones).
    public static let historyAuthors = 20

    /// The record of each author of case `id` (first comers first), with up to `recent` of
    /// their latest comments outside the case, before or since it.
    public func history(ofCase id: Int, recent: Int = 5) throws(AuditError) -> [AuthorRecord] {
        let members = try cached(
            """
            SELECT e.author, min(e.seq) FROM case_events ce JOIN events e ON e.seq = ce.seq
            WHERE ce.case_id = ?1 AND e.author IS NOT NULL GROUP BY e.author ORDER BY 2 LIMIT ?2
            """)
        defer { members.reset() }
        members.bind(1, id)
        members.bind(2, Self.historyAuthors)
        var records: [AuthorRecord] = []
        while try members.step() { records.append(AuthorRecord(author: members.text(0) ?? "")) }
        members.reset()
        guard !records.isEmpty else { return [] }
        let changes = try cached(
            """
            SELECT change, count(*), sum(seq IN (SELECT seq FROM undone)) FROM author_changes
            WHERE author = ?1 GROUP BY change
            """)
        defer { changes.reset() }
        for k in records.indices {
            changes.reset()
            changes.bind(1, records[k].author)
            while try changes.step() {
                let count = changes.int(1), takenBack = changes.int(2)
                switch changes.text(0) {
                case "strike": records[k].strikes = count - takenBack
                case "timeout": records[k].timeouts = count
                case "ban": records[k].bans = count
                case "strike_removed", "lifted": records[k].undone += count
                default: break
                }
            }
        }
        let latest = try cached(
            """
            SELECT e.seq, e.event_id, e.author, e.channel, e.ts, e.text, e.action, e.verdict FROM events e
            WHERE e.seq <= ?2 AND e.seq > ?2 - ?3 AND e.author IN (SELECT value FROM json_each(?1))
              AND e.verdict ->> '$.op' IS NULL
              AND e.seq NOT IN (SELECT seq FROM case_events WHERE case_id = ?4)
            ORDER BY e.seq DESC
            """)
        defer { latest.reset() }
        latest.bind(1, "[" + records.map { JSONText.quoted($0.author) }.joined(separator: ",") + "]")
        latest.bind(2, try database.integer("SELECT coalesce(max(seq), 0) FROM events"))
        latest.bind(3, Self.historyReach)
        latest.bind(4, id)
        let position = Dictionary(uniqueKeysWithValues: records.enumerated().map { ($0.element.author, $0.offset) })
        while try latest.step() {
            guard let k = position[latest.text(2) ?? ""], records[k].recent.count < recent else { continue }
            records[k].recent.append(Self.comment(latest))
        }
        return records
    }
}
