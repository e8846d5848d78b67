/// Response-time figures of the review queue (`winnow queue stats`), for all cases or one
/// group of them (a channel, a moderator, a rule).
public struct QueueStats: Sendable, Equatable {
    /// What the figures are grouped by.
    public enum Grouping: String, Sendable, CaseIterable {
        case channel, moderator, rule
    }

    /// The group's value (nil: every case; "-" a case without one).
    public var group: String?
    public var open = 0
    /// Seconds since the oldest open case opened.
    public var oldestOpen: Double?
    /// Decided by a moderator, by outcome.
    public var approved = 0
    public var removed = 0
    /// Appeals decided: the verdict stood, or was undone.
    public var upheld = 0
    public var overturned = 0
    /// Closed by expiry (each one an SLA miss).
    public var expired = 0
    /// Seconds from opening to a moderator's decision: 50th, 90th and 99th percentile
    /// (nearest rank; nil without decisions).
    public var decisionSeconds: (p50: Double, p90: Double, p99: Double)?
    /// Decided by a moderator within the SLA.
    public var withinSLA = 0
    /// Closed (decided or expired) with no timeout or ban of its authors between its opening
    /// and its close.
    public var withoutEscalation = 0

    public init(group: String?) { self.group = group }

    public var decided: Int { approved + removed + upheld + overturned }
    /// Appeals decided.
    public var appeals: Int { upheld + overturned }
    public var closed: Int { decided + expired }

    public static func == (a: QueueStats, b: QueueStats) -> Bool {
        a.group == b.group && a.open == b.open && a.oldestOpen == b.oldestOpen && a.approved == b.approved
            && a.removed == b.removed && a.upheld == b.upheld && a.overturned == b.overturned && a.expired == b.expired
            && a.decisionSeconds?.p50 == b.decisionSeconds?.p50
            && a.decisionSeconds?.p90 == b.decisionSeconds?.p90 && a.decisionSeconds?.p99 == b.decisionSeconds?.p99
            && a.withinSLA == b.withinSLA && a.withoutEscalation == b.withoutEscalation
    }

    /// The value at rank `q` (0...1) of `sorted`, nearest rank.
    static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        let rank = max(1, Int((q * Double(sorted.count)).rounded(.up)))
        return sorted[min(rank, sorted.count) - 1]
    }
}

extension ReviewQueue {
    /// The figures over the cases open now and those closed since `since` (all when nil),
    /// with `sla` seconds as the response time aimed for (nil: each case's own, as its channel's
    /// was when it opened; 2h for cases opened before cases kept theirs); `now` is when open cases' ages are
    /// counted. Grouped when `by` is given (groups in name order), else one row.
    public func stats(since: Double? = nil, by grouping: QueueStats.Grouping? = nil, sla: Double?, now: Double)
        throws(AuditError) -> [QueueStats]
    {
        let statement = try database.prepare(
            """
            SELECT c.channel, c.decided_by, c.rule, c.status, c.opened_at, c.decided_at,
                (SELECT d.moderator FROM decisions d WHERE d.case_id = c.id ORDER BY d.id LIMIT 1),
                EXISTS (SELECT 1 FROM case_events ce JOIN events e ON e.seq = ce.seq
                        JOIN author_changes ac ON ac.author = e.author
                        WHERE ce.case_id = c.id AND ac.change IN ('timeout', 'ban')
                          AND ac.at >= c.opened_at AND ac.at <= c.decided_at),
                coalesce(?2, c.sla, ?3)
            FROM cases c WHERE c.status = 'open' OR c.decided_at >= ?1
            """)
        statement.bind(1, since ?? -.infinity)
        statement.bind(2, sla)
        statement.bind(3, Double(QueueSettings().sla) / 1e6)
        var groups: [String: QueueStats] = [:]
        var times: [String: [Double]] = [:]
        while try statement.step() {
            let key: String? =
                switch grouping {
                case .channel?: statement.text(0) ?? "-"
                case .moderator?: statement.text(1) ?? "-"
                case .rule?: statement.text(2) ?? "-"
                case nil: nil
                }
            let name = key ?? ""
            var stats = groups[name] ?? QueueStats(group: key)
            let status = statement.text(3) ?? "open"
            let opened = statement.double(4) ?? 0
            switch status {
            case "open":
                stats.open += 1
                stats.oldestOpen = max(stats.oldestOpen ?? 0, now - opened)
            case "expired":
                stats.expired += 1
            default:
                switch status {
                case "removed": stats.removed += 1
                case "upheld": stats.upheld += 1
                case "overturned": stats.overturned += 1
                default: stats.approved += 1
                }
                let took = (statement.double(5) ?? opened) - opened
                times[name, default: []].append(took)
                if took <= statement.double(8) ?? 0 { stats.withinSLA += 1 }
            }
            if status != "open" && statement.int(7) == 0 { stats.withoutEscalation += 1 }
            groups[name] = stats
        }
        for (name, list) in times {
            let sorted = list.sorted()
            groups[name]?.decisionSeconds = (
                QueueStats.percentile(sorted, 0.5), QueueStats.percentile(sorted, 0.9),
                QueueStats.percentile(sorted, 0.99)
            )
        }
        if grouping == nil && groups.isEmpty { return [QueueStats(group: nil)] }
        return groups.keys.sorted().map { groups[$0]! }
    }
}
