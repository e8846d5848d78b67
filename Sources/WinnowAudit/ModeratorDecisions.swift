/// Comments of an audit trail labelled by what moderators did: until the review queue records
/// decisions on comments, a moderator's `ban` or `timeout` of an author says that author's
/// comments shortly before it were spam, and an `unban` takes that back (`winnow train
/// --from-audit`).
///
/// A comment is **positive** when its author was banned or timed out (by an op that succeeded)
/// within `window` after it and the sanction was not undone by an `unban` before the author's
/// next sanction; **negative** when its author was never sanctioned, or the sanction that
/// followed it was undone. Other comments of sanctioned authors — long before a sanction, or
/// after it — are not labelled. Ops are dated by when the trail recorded them, and so are the
/// comments.
public struct ModeratorDecisions: Sendable {
    public struct Example: Sendable, Equatable {
        public var text: String
        public var positive: Bool
        /// When the trail recorded the comment (Unix seconds).
        public var at: Double
    }

    /// Labelled comments, oldest first.
    public var examples: [Example] = []
    /// Authors banned or timed out by a moderator.
    public var sanctionedAuthors = 0
    /// Comments labelled negative because the sanction after them was undone by an `unban`.
    public var undone = 0
    /// Comments not labelled: of sanctioned authors but not just before a sanction.
    public var unlabelled = 0
    /// Comments recorded without their text (`--audit-text hash` or `none`): nothing to learn.
    public var withoutText = 0

    private struct Decision {
        var at: Double
        var isSanction: Bool
    }

    /// Reads the decisions and the comments of the trail at `path` (read-only: a running writer
    /// is not disturbed).
    public init(path: String, window: Double) throws(AuditError) {
        let queries = try AuditQueries(path: path)
        var decisions: [String: [Decision]] = [:]
        let ops = try queries.database.prepare(
            """
            SELECT author, verdict ->> '$.op', recorded_at FROM events
            WHERE verdict ->> '$.op' IN ('ban', 'timeout', 'unban') AND verdict ->> '$.ok' = 1 AND author IS NOT NULL
            ORDER BY seq
            """)
        while try ops.step() {
            guard let author = ops.text(0), let at = ops.double(2) else { continue }
            decisions[author, default: []].append(Decision(at: at, isSanction: ops.text(1) != "unban"))
        }
        sanctionedAuthors = decisions.values.filter { $0.contains(where: \.isSanction) }.count
        let comments = try queries.database.prepare(
            """
            SELECT author, text, recorded_at FROM events
            WHERE verdict ->> '$.op' IS NULL AND action NOT IN ('error', 'timeout', 'ban')
            ORDER BY recorded_at, seq
            """)
        while try comments.step() {
            let author = comments.text(0) ?? ""
            guard let at = comments.double(2) else { continue }
            guard let text = comments.text(1), !text.isEmpty else {
                withoutText += 1
                continue
            }
            guard let label = Self.label(at: at, decisions: decisions[author] ?? [], window: window) else {
                unlabelled += 1
                continue
            }
            if label.undone { undone += 1 }
            examples.append(Example(text: text, positive: label.positive, at: at))
        }
    }

    /// The label of a comment at `at` by an author with `decisions` (in time order), or nil.
    private static func label(at: Double, decisions: [Decision], window: Double) -> (positive: Bool, undone: Bool)? {
        guard decisions.contains(where: \.isSanction) else { return (false, false) }
        guard let k = decisions.firstIndex(where: { $0.isSanction && $0.at >= at }), decisions[k].at - at <= window
        else {
            return nil
        }
        // Undone: an unban after the sanction, before the author's next one.
        for later in decisions[(k + 1)...] {
            if later.isSanction { break }
            return (false, true)
        }
        return (true, false)
    }
}
