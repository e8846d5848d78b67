import WinnowCore
import WinnowLimits
import WinnowPolicy

/// One author's strikes and penalties as the audit trail keeps them (`author_changes`, by the
/// author index), replayed through escalation to say what the author's standing would be had
/// the comments in `undone` never been judged as they were: what undoing a verdict in full
/// means (a decision approving a held comment, an appeal overturned).
///
/// The replay is the engine's own arithmetic (`Escalation.apply`, the moderator ops): a strike
/// adds to a fixed-window count and reaching `strikes` gives the next timeout, the
/// `ban_after_timeouts`-th a ban; a moderator's timeout, ban or unban (an op, or a decision's
/// sanction) sets the penalty as it did. Penalties escalation imposed are not read: they are
/// what the replay recomputes.
public struct AuthorLedger: Sendable {
    /// One row of the author's history.
    public struct Entry: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            case strike
            /// A moderator's timeout or ban until `until` (nil: for good), or unban (`.none`).
            case sanction(Penalty.Kind, until: Double?)
        }
        /// The event the row belongs to: the strike's comment, the op, or the comment a
        /// decision's sanction was for.
        public var seq: Int
        public var at: Double
        public var kind: Kind

        public init(seq: Int, at: Double, kind: Kind) {
            self.seq = seq
            self.at = at
            self.kind = kind
        }
    }

    public var author: String
    /// The history in the order it happened.
    public var entries: [Entry]

    public init(author: String, entries: [Entry]) {
        self.author = author
        self.entries = entries
    }

    /// An author's standing after a replay.
    public struct Standing: Sendable, Equatable {
        public var penalty: Penalty
        public var strikes: WindowCount
        /// Strikes that counted (not undone).
        public var counted: Int
        /// The entry that set the penalty in force, if any.
        public var source: Int?
    }

    /// The standing at `now` when the comments (and ops) in `undone` are taken back.
    public func replay(_ escalation: Escalation, undone: Set<Int>, now: Double) -> Standing {
        var standing = Standing(
            penalty: Penalty(kind: .none, until: 0, timeouts: 0), strikes: WindowCount(count: 0, start: 0), counted: 0,
            source: nil)
        for entry in entries where !undone.contains(entry.seq) {
            let at = Micros(seconds: entry.at)
            switch entry.kind {
            case .strike:
                standing.counted += 1
                guard escalation.enabled else { continue }
                standing.strikes = standing.strikes.adding(at: at, window: escalation.window)
                guard standing.strikes.count >= escalation.strikes else { continue }
                standing.strikes = WindowCount(count: 0, start: at)
                standing.penalty = escalation.nextPenalty(timeouts: standing.penalty.timeouts + 1, at: at)
                standing.source = entry.seq
            case .sanction(let kind, let until):
                let timeouts = standing.penalty.timeouts + (kind == .timeout ? 1 : 0)
                let end = until.map { Micros(seconds: $0) } ?? Penalty.forever
                standing.penalty = Penalty(kind: kind, until: kind == .none ? 0 : end, timeouts: timeouts)
                standing.source = kind == .none ? nil : entry.seq
            }
        }
        if !standing.penalty.isActive(at: Micros(seconds: now)) {
            standing.penalty.kind = .none
            standing.source = nil
        }
        return standing
    }
}

extension ReviewQueue {
    /// The author's history from the trail, oldest first.
    public func ledger(of author: String) throws(AuditError) -> AuthorLedger {
        let statement = try cached(
            """
            SELECT c.seq, c.at, c.change, c.until FROM author_changes c JOIN events e ON e.seq = c.seq
            WHERE c.author = ?1
              AND (c.change = 'strike'
                   OR (c.change IN ('timeout', 'ban', 'unban')
                       AND (c.decision IS NOT NULL OR e.verdict ->> '$.op' IS NOT NULL)))
            ORDER BY c.at, c.seq
            """)
        defer { statement.reset() }
        statement.bind(1, author)
        var entries: [AuthorLedger.Entry] = []
        while try statement.step() {
            let kind: AuthorLedger.Entry.Kind =
                switch statement.text(2) {
                case "strike": .strike
                case "timeout": .sanction(.timeout, until: statement.double(3))
                case "ban": .sanction(.ban, until: statement.double(3))
                default: .sanction(.none, until: nil)
                }
            entries.append(AuthorLedger.Entry(seq: statement.int(0), at: statement.double(1) ?? 0, kind: kind))
        }
        return AuthorLedger(author: author, entries: entries)
    }

    /// The comments and ops of `author` whose verdicts were taken back.
    public func undone(of author: String) throws(AuditError) -> Set<Int> {
        let statement = try cached(
            "SELECT u.seq FROM undone u JOIN author_changes c ON c.seq = u.seq WHERE c.author = ?1")
        defer { statement.reset() }
        statement.bind(1, author)
        var seqs: Set<Int> = []
        while try statement.step() { seqs.insert(statement.int(0)) }
        return seqs
    }

    /// The comments and ops decision `id` took back.
    public func undone(by id: Int) throws(AuditError) -> Set<Int> {
        let statement = try cached("SELECT seq FROM undone WHERE decision = ?1")
        defer { statement.reset() }
        statement.bind(1, id)
        var seqs: Set<Int> = []
        while try statement.step() { seqs.insert(statement.int(0)) }
        return seqs
    }
}
