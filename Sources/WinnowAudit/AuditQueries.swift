import Foundation
import WinnowCore
import WinnowLimits
import WinnowPolicy

/// The read side of the audit trail, for `winnow audit`: opens the file read-only (a running
/// writer is not disturbed) and answers the questions moderators ask.
public final class AuditQueries {
    let database: SQLiteDatabase

    public init(path: String) throws(AuditError) {
        database = try SQLiteDatabase(path: path, readOnly: true)
        let version = try database.integer("PRAGMA user_version")
        guard version >= 1 else { throw AuditError("\(path) is not a Winnow audit trail (user_version \(version))") }
        guard version <= AuditSchema.version else {
            throw AuditError(
                "audit database \(path) has schema version \(version), newer than this Winnow's \(AuditSchema.version)")
        }
    }

    /// A time range over the events' `ts`; either end open.
    public struct TimeRange: Sendable, Equatable {
        public var since: Double?
        public var until: Double?
        public init(since: Double? = nil, until: Double? = nil) {
            self.since = since
            self.until = until
        }
    }

    /// Counts over a time range.
    public struct Stats: Sendable, Equatable {
        public var events = 0
        public var first: Double?
        public var last: Double?
        public var actions: [(name: String, count: Int)] = []
        public var rules: [(name: String, count: Int)] = []
        public var lists: [(name: String, count: Int)] = []
        public var channels: [(name: String, count: Int)] = []

        public static func == (a: Stats, b: Stats) -> Bool {
            func same(_ x: [(name: String, count: Int)], _ y: [(name: String, count: Int)]) -> Bool {
                x.map(\.name) == y.map(\.name) && x.map(\.count) == y.map(\.count)
            }
            return a.events == b.events && a.first == b.first && a.last == b.last && same(a.actions, b.actions)
                && same(a.rules, b.rules) && same(a.lists, b.lists) && same(a.channels, b.channels)
        }
    }

    // Open ends are bound as ±infinity, so that every query has one fixed text.
    private func bind(_ range: TimeRange, to statement: Statement, from index: Int32) {
        statement.bind(index, range.since ?? -.infinity)
        statement.bind(index + 1, range.until ?? .infinity)
    }

    // Without a range every row counts, also those without a time (unreadable lines).
    private static let inRange = "((ts >= ?1 AND ts < ?2) OR (ts IS NULL AND ?1 = -9e999 AND ?2 = 9e999))"

    public func stats(_ range: TimeRange = TimeRange()) throws(AuditError) -> Stats {
        var stats = Stats()
        let totals = try database.prepare("SELECT count(*), min(ts), max(ts) FROM events WHERE \(Self.inRange)")
        bind(range, to: totals, from: 1)
        if try totals.step() {
            stats.events = totals.int(0)
            stats.first = totals.double(1)
            stats.last = totals.double(2)
        }
        func counts(_ sql: String) throws(AuditError) -> [(name: String, count: Int)] {
            let statement = try database.prepare(sql)
            bind(range, to: statement, from: 1)
            var rows: [(name: String, count: Int)] = []
            while try statement.step() { rows.append((statement.text(0) ?? "(none)", statement.int(1))) }
            return rows
        }
        stats.actions = try counts(
            """
            SELECT action, count(*) AS n FROM events WHERE \(Self.inRange) GROUP BY action ORDER BY n DESC, action
            """)
        stats.channels = try counts(
            """
            SELECT channel, count(*) AS n FROM events WHERE \(Self.inRange) GROUP BY channel ORDER BY n DESC, channel
            """)
        let reasonsInRange = "FROM events JOIN reasons USING (seq) WHERE \(Self.inRange)"
        stats.rules = try counts("SELECT rule, count(*) AS n \(reasonsInRange) GROUP BY rule ORDER BY n DESC, rule")
        stats.lists = try counts(
            """
            SELECT list, count(*) AS n \(reasonsInRange) AND list IS NOT NULL GROUP BY list ORDER BY n DESC, list
            """)
        return stats
    }

    /// One recorded event with its verdict line as it was released, and the run that judged it.
    public struct Entry: Sendable, Equatable {
        public var seq: Int
        public var id: String?
        public var line: Int
        public var author: String?
        public var channel: String?
        public var ts: Double?
        public var text: String?
        public var textHash: String?
        public var action: String
        /// The verdict's JSON, byte for byte as released.
        public var verdict: String
        public var recordedAt: Double
        public var source: String
        public var configHash: String
        /// The sidecar client that sent it (`SO_PEERCRED`); nil for other sources.
        public var peerUID: Int?
        public var peerPID: Int?
        /// Rules, lists and terms of the verdict's reasons, in order.
        public var rules: [String]
        public var lists: [String]
        public var terms: [String]
    }

    // The reasons' rules, lists and terms come out of the verdict JSON joined by U+001F (a
    // separator no rule, list or term contains).
    private static let entrySelect = """
        SELECT e.seq, e.event_id, e.line, e.author, e.channel, e.ts, e.text, e.text_hash, e.action, e.verdict,
               e.recorded_at, r.source, c.hash,
               (SELECT group_concat(j.value ->> 'rule', char(31)) FROM json_each(e.verdict, '$.reasons') j),
               (SELECT group_concat(coalesce(j.value ->> 'list', ''), char(31)) FROM json_each(e.verdict, '$.reasons') j),
               (SELECT group_concat(coalesce(j.value ->> 'term', ''), char(31)) FROM json_each(e.verdict, '$.reasons') j),
               e.peer_uid, e.peer_pid
        FROM events e JOIN runs r ON r.id = e.run JOIN configs c ON c.id = r.config
        """

    private func entry(_ row: Statement) -> Entry {
        func parts(_ column: Int32) -> [String] {
            row.text(column).map { $0.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init) }
                ?? []
        }
        return Entry(
            seq: row.int(0), id: row.text(1), line: row.int(2), author: row.text(3), channel: row.text(4),
            ts: row.double(5),
            text: row.text(6), textHash: row.text(7), action: row.text(8) ?? "", verdict: row.text(9) ?? "",
            recordedAt: row.double(10) ?? 0, source: row.text(11) ?? "", configHash: row.text(12) ?? "",
            peerUID: row.optionalInt(16), peerPID: row.optionalInt(17), rules: parts(13), lists: parts(14),
            terms: parts(15))
    }

    /// Every recorded event with this id (one per run that saw it), newest first. The trail
    /// keeps no index on ids (see `AuditSchema`): this scans, newest first.
    public func events(id: String) throws(AuditError) -> [Entry] {
        let statement = try database.prepare("\(Self.entrySelect) WHERE e.event_id = ?1 ORDER BY e.seq DESC")
        statement.bind(1, id)
        var entries: [Entry] = []
        while try statement.step() { entries.append(entry(statement)) }
        return entries
    }

    /// The wordlists and policy a configuration hash stands for.
    public func configuration(hash: String) throws(AuditError) -> AuditedConfiguration? {
        let statement = try database.prepare("SELECT wordlists, policy FROM configs WHERE hash = ?1")
        statement.bind(1, hash)
        guard try statement.step() else { return nil }
        return AuditedConfiguration(wordlists: statement.text(0) ?? "", policy: statement.text(1) ?? "")
    }

    /// What happened to an author: verdicts per action, every timeout and ban, the latest events.
    public struct AuthorHistory: Sendable {
        public var events = 0
        public var first: Double?
        public var last: Double?
        public var actions: [(name: String, count: Int)] = []
        /// Reasons per rule over all the author's events (strikes are among them).
        public var rules: [(name: String, count: Int)] = []
        /// Timeouts and bans, oldest first: the event that caused it, when, until when, and the
        /// strikes that led to it (nil: imposed by a moderator).
        public var penalties:
            [(seq: Int, eventID: String?, change: String, at: Double?, until: Double?, strikes: Int?)] = []
        /// Per penalty from escalation (by its seq): the ids of the strikes that led to it, oldest
        /// first, the penalty's own event last.
        public var strikeEvents: [Int: [String]] = [:]
        /// The latest events judged (moderators' ops are in `ops`, not here).
        public var recent: [Entry] = []
        /// Moderators' ops on the author (timeouts, bans, unbans), oldest first: not verdicts,
        /// so counted in none of the above.
        public var ops: [ModeratorOp] = []
    }

    /// A moderator's op on an author as the sidecar recorded it.
    public struct ModeratorOp: Sendable, Equatable {
        public var seq: Int
        public var at: Double
        public var op: String
        /// Given with the op (`moderator`, `note`), and the client that sent it.
        public var moderator: String?
        public var note: String?
        public var peerUID: Int?
        /// For a timeout or a ban: its end (nil: for good); `was`: the penalty it replaced.
        public var until: Double?
        public var was: String?
    }

    /// Rows of events that are moderators' ops, not judged events: their answer names the op.
    static let isOp = "(e.verdict ->> '$.op') IS NOT NULL"

    public func author(_ name: String, recent: Int = 10) throws(AuditError) -> AuthorHistory {
        var history = AuthorHistory()
        let totals = try database.prepare(
            "SELECT count(*), min(ts), max(ts) FROM events e WHERE e.author = ?1 AND NOT \(Self.isOp)")
        totals.bind(1, name)
        if try totals.step() {
            history.events = totals.int(0)
            history.first = totals.double(1)
            history.last = totals.double(2)
        }
        let actions = try database.prepare(
            """
            SELECT action, count(*) AS n FROM events e WHERE e.author = ?1 AND NOT \(Self.isOp)
            GROUP BY action ORDER BY n DESC, action
            """)
        actions.bind(1, name)
        while try actions.step() { history.actions.append((actions.text(0) ?? "", actions.int(1))) }
        let rules = try database.prepare(
            """
            SELECT r.rule, count(*) AS n FROM events e JOIN reasons r ON r.seq = e.seq
            WHERE e.author = ?1 AND NOT \(Self.isOp) GROUP BY r.rule ORDER BY n DESC, r.rule
            """)
        rules.bind(1, name)
        while try rules.step() { history.rules.append((rules.text(0) ?? "", rules.int(1))) }
        let penalties = try database.prepare(
            """
            SELECT c.seq, e.event_id, c.change, c.at, c.until,
                   (SELECT j.value ->> 'count' FROM json_each(e.verdict, '$.reasons') j WHERE j.value ->> 'rule' = 'escalation')
            FROM author_changes c JOIN events e ON e.seq = c.seq
            WHERE c.author = ?1 AND c.change IN ('timeout', 'ban') ORDER BY c.seq
            """)
        penalties.bind(1, name)
        while try penalties.step() {
            history.penalties.append(
                (
                    penalties.int(0), penalties.text(1), penalties.text(2) ?? "", penalties.double(3),
                    penalties.double(4),
                    penalties.optionalInt(5)
                ))
        }
        for penalty in history.penalties where (penalty.strikes ?? 0) > 0 {
            history.strikeEvents[penalty.seq] = try strikeEvents(
                author: name, penaltySeq: penalty.seq, strikes: penalty.strikes!)
        }
        let latest = try database.prepare(
            "\(Self.entrySelect) WHERE e.author = ?1 AND NOT \(Self.isOp) ORDER BY e.seq DESC LIMIT ?2")
        latest.bind(1, name)
        latest.bind(2, recent)
        while try latest.step() { history.recent.append(entry(latest)) }
        let ops = try database.prepare(
            """
            SELECT e.seq, e.recorded_at, e.verdict ->> '$.op', e.text ->> '$.moderator', e.text ->> '$.note',
                   e.peer_uid, e.verdict ->> '$.until', e.verdict ->> '$.was'
            FROM events e WHERE e.author = ?1 AND \(Self.isOp) ORDER BY e.seq
            """)
        ops.bind(1, name)
        while try ops.step() {
            history.ops.append(
                ModeratorOp(
                    seq: ops.int(0), at: ops.double(1) ?? 0, op: ops.text(2) ?? "", moderator: ops.text(3),
                    note: ops.text(4), peerUID: ops.optionalInt(5), until: ops.double(6), was: ops.text(7)))
        }
        return history
    }

    /// The events whose strikes led to the penalty recorded at `penaltySeq`: the author's
    /// latest events before it, within the escalation window, with a reason of a strike rule
    /// asking for the strike action or stronger — as the configuration of the penalty's run
    /// describes escalation (`escalation: 3 strikes (reject or stronger, from …) in 10m`); a
    /// trail written before the rules were named there counts the built-in ones.
    private func strikeEvents(author: String, penaltySeq: Int, strikes: Int) throws(AuditError) -> [String] {
        let config = try database.prepare(
            """
            SELECT c.policy, e.ts, e.event_id FROM events e JOIN runs r ON r.id = e.run JOIN configs c ON c.id = r.config
            WHERE e.seq = ?1
            """)
        config.bind(1, penaltySeq)
        guard try config.step() else { return [] }
        let policy = config.text(0) ?? "", at = config.double(1) ?? 0, own = config.text(2) ?? String(penaltySeq)
        let escalation = EscalationLine(policy)
        let earlier = try database.prepare(
            """
            SELECT e.event_id, e.seq FROM events e
            WHERE e.author = ?1 AND e.seq < ?2 AND NOT \(Self.isOp) AND (e.ts IS NULL OR e.ts > ?3)
              AND EXISTS (SELECT 1 FROM json_each(e.verdict, '$.reasons') j
                          WHERE j.value ->> 'rule' IN (SELECT value FROM json_each(?4))
                            AND j.value ->> 'action' IN (SELECT value FROM json_each(?5)))
            ORDER BY e.seq DESC LIMIT ?6
            """)
        earlier.bind(1, author)
        earlier.bind(2, penaltySeq)
        earlier.bind(3, at - escalation.window)
        earlier.bind(4, "[" + escalation.rules.map { "\"\($0)\"" }.joined(separator: ",") + "]")
        earlier.bind(5, "[" + escalation.actions.map { "\"\($0)\"" }.joined(separator: ",") + "]")
        earlier.bind(6, strikes - 1)
        var ids: [String] = []
        while try earlier.step() { ids.append(earlier.text(0) ?? "seq \(earlier.int(1))") }
        return ids.reversed() + [own]
    }

    /// What a configuration's summary says about escalation (`Escalation.summary`; the
    /// built-in values where it says nothing).
    struct EscalationLine {
        var rules = Escalation().strikeRules.sorted()
        /// The reason actions that count: the strike action and stronger.
        var actions = EscalationLine.ladder(from: Escalation().strikeAction)
        var window = Double(Escalation().window) / 1e6

        init(_ policy: String) {
            guard let line = policy.split(separator: "\n").first(where: { $0.hasPrefix("escalation: ") }),
                let open = line.firstIndex(of: "("), let close = line.firstIndex(of: ")"), open < close
            else { return }
            let inside = line[line.index(after: open)..<close]
            if let action = inside.split(separator: " ").first.flatMap({ Action(rawValue: String($0)) }) {
                actions = Self.ladder(from: action)
            }
            if let from = inside.range(of: "from ") {
                rules = inside[from.upperBound...].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            }
            let after = line[line.index(after: close)...].split(separator: " ")
            if after.count > 1, after[0] == "in", let micros = DurationText.parse(String(after[1])) {
                window = Double(micros) / 1e6
            }
        }

        /// `action` and every stronger one, as reasons name them.
        static func ladder(from action: Action) -> [String] {
            Action.allCases.filter { $0 >= action && $0 != .error }.map(\.rawValue)
        }
    }

    /// Which events an export takes beyond the time range: `nil` takes any.
    public struct ExportFilter: Sendable, Equatable {
        public var action: String?
        public var author: String?
        public var channel: String?
        /// Events with at least one reason of this rule.
        public var rule: String?

        public init(action: String? = nil, author: String? = nil, channel: String? = nil, rule: String? = nil) {
            self.action = action
            self.author = author
            self.channel = channel
            self.rule = rule
        }
    }

    /// Every event in the range that passes `filter`, in the order they were recorded.
    public func export(
        _ range: TimeRange = TimeRange(), filter: ExportFilter = ExportFilter(), each: (Entry) throws -> Void
    ) throws {
        let events = try database.prepare(
            """
            \(Self.entrySelect) WHERE ((e.ts >= ?1 AND e.ts < ?2) OR (e.ts IS NULL AND ?1 = -9e999 AND ?2 = 9e999))
              AND (?3 IS NULL OR e.action = ?3) AND (?4 IS NULL OR e.author = ?4) AND (?5 IS NULL OR e.channel = ?5)
              AND (?6 IS NULL OR EXISTS (SELECT 1 FROM json_each(e.verdict, '$.reasons') j WHERE j.value ->> 'rule' = ?6))
            ORDER BY e.seq
            """)
        bind(range, to: events, from: 1)
        for (index, value) in [filter.action, filter.author, filter.channel, filter.rule].enumerated() {
            events.bind(Int32(3 + index), value)
        }
        while try events.step() { try each(entry(events)) }
    }
}
