import Foundation
import Metrics
import WinnowAudit

/// The review queue on `/metrics`, brought up to date from the audit trail at each scrape: the
/// trail is the one record of cases and decisions, whoever made them (the `decide` op,
/// `winnow queue decide` in another process, expiry). Counts the decisions recorded since the
/// sidecar started.
final class QueueMetrics: @unchecked Sendable {
    private let review: ReviewAccess
    /// The SLA in force, in seconds (the configuration's `queue.sla`; a reload may change it):
    /// for cases opened before each case kept its own.
    private let sla: @Sendable () -> Double
    private let lock = NSLock()
    private var lastDecision: Int?
    private let openCases = Gauge(label: "winnow_queue_open_cases")
    private let oldestOpen = Gauge(label: "winnow_queue_oldest_open_seconds")
    private let decisionTime = Metrics.Timer(label: "winnow_queue_decision_seconds")
    private let slaMisses = Counter(label: "winnow_queue_sla_misses_total")
    private let decisions: [String: Counter] = Dictionary(
        uniqueKeysWithValues: (CaseOutcome.allCases.map(\.rawValue) + ["expired"]).map {
            ($0, Counter(label: "winnow_queue_decisions_total", dimensions: [("outcome", $0)]))
        })

    /// Upper bounds of the decision-time histogram: a minute to a week.
    static let decisionBuckets: [Duration] = [
        .seconds(60), .seconds(300), .seconds(900), .seconds(1800), .seconds(3600), .seconds(7200),
        .seconds(14_400), .seconds(28_800), .seconds(86_400), .seconds(172_800), .seconds(604_800),
    ]

    init(review: ReviewAccess, sla: @escaping @Sendable () -> Double) {
        self.review = review
        self.sla = sla
        refresh()
    }

    /// Reads what changed since the last scrape (the first call only notes where the trail is).
    func refresh(now: Double = Date().timeIntervalSince1970) {
        lock.lock()
        defer { lock.unlock() }
        do throws(AuditError) {
            let (open, oldest) = try review.with { queue throws(AuditError) in try queue.openSummary() }
            openCases.record(open)
            oldestOpen.record(oldest.map { max(0, now - $0) } ?? 0)
            guard let last = lastDecision else {
                lastDecision = try review.with { queue throws(AuditError) in try queue.latestDecision() }
                return
            }
            let new = try review.with { queue throws(AuditError) in try queue.decisionsWithOpening(after: last) }
            let limit = sla()
            for (id, decision, openedAt, caseSLA) in new {
                lastDecision = id
                let took = max(0, decision.at - openedAt)
                if decision.moderator == "expiry" {
                    decisions["expired"]?.increment()
                    slaMisses.increment()
                    continue
                }
                decisions[decision.outcome.rawValue]?.increment()
                decisionTime.recordNanoseconds(Int64(min(took, 1e9) * 1e9))
                if took > caseSLA ?? limit { slaMisses.increment() }
            }
        } catch {
            // A scrape never fails for the queue: the figures stay as they were.
        }
    }
}
