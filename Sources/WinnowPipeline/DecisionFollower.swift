import Foundation
import WinnowAudit
import WinnowCore
import WinnowLimits

/// Carries the review queue's decisions into a running engine's author state: whoever decided
/// (the sidecar's `decide` op, `winnow queue decide` in another process), the decision and what
/// it takes back or imposes are in the trail, and this reads them in order. For each author a
/// decision changes, the author's ledger is replayed with and without what it took back; the
/// engine's standing is lowered to the replay (a strike taken back, the timeout or ban it led
/// to lifted unless the remaining strikes still justify it) or, for a `remove` with a timeout
/// or ban, the sanction is imposed; each change is recorded in `author_changes` with why. The
/// case's sketch goes into the engine's known-spam bank with the trail's count of removals and
/// approvals of its copies.
public final class DecisionFollower: @unchecked Sendable {
    /// One change made to an author, as recorded.
    public struct Change: Sendable, Equatable {
        public var author: String
        /// `strike_removed`, `lifted`, `kept`, `timeout` or `ban`.
        public var change: String
        public var why: String
    }

    private let path: String
    private let engine: @Sendable () -> Engine
    private let now: @Sendable () -> Double
    private let warn: @Sendable (String) -> Void
    private let lock = NSLock()
    private var queue: ReviewQueue?
    /// The last decision carried over.
    private var position: Int
    private var stopped = false

    /// Follows the decisions recorded after this moment. `engine`: the engine in force (a
    /// reload may swap it); `now`: the engine's time in seconds.
    public init(
        path: String, engine: @escaping @Sendable () -> Engine, now: @escaping @Sendable () -> Double,
        warn: @escaping @Sendable (String) -> Void
    ) throws(AuditError) {
        self.path = path
        self.engine = engine
        self.now = now
        self.warn = warn
        let queue = try ReviewQueue(path: path, checkpoints: false)
        position = try queue.latestDecision()
        self.queue = queue
    }

    /// Loads the trail's known-spam bank into `state`, at the start of a live run; returns how
    /// many entries.
    @discardableResult
    public static func loadKnownCopies(path: String, into state: BehaviorState) throws(AuditError) -> Int {
        let entries = try ReviewQueue(path: path).knownCopies()
        for entry in entries { state.knownCopies.store(entry) }
        return entries.count
    }

    /// Reads the trail every `interval` seconds on a thread of its own until `stop()`.
    public func start(interval: Double = 0.2) {
        let thread = Thread { [self] in
            while !lock.withLock({ stopped }) {
                Thread.sleep(forTimeInterval: interval)
                do throws(AuditError) {
                    _ = try catchUp()
                } catch {
                    warn("decisions: cannot read the trail: \(error.message)")
                }
            }
        }
        thread.name = "winnow.decision-follower"
        thread.start()
    }

    public func stop() { lock.withLock { stopped = true } }

    /// Carries over every decision recorded since the last call; returns the changes made to
    /// each decision's authors, by decision id.
    @discardableResult
    public func catchUp() throws(AuditError) -> [Int: [Change]] {
        lock.lock()
        defer { lock.unlock() }
        if queue == nil { queue = try ReviewQueue(path: path, checkpoints: false) }
        let queue = queue!
        var changes: [Int: [Change]] = [:]
        while true {
            let decisions = try queue.decisions(after: position, limit: 100)
            guard !decisions.isEmpty else { return changes }
            for (id, decision) in decisions {
                changes[id] = try apply(decision, id: id, queue)
                position = id
            }
        }
    }

    private func apply(_ decision: CaseDecision, id: Int, _ queue: ReviewQueue) throws(AuditError) -> [Change] {
        guard decision.outcome != .uphold else { return [] }
        let engine = engine()
        // Later copies of what was decided meet the decision (the known-spam bank).
        if let entry = try queue.knownCopy(decidedBy: id) { engine.state.knownCopies.store(entry) }
        let time = now()
        let at = Micros(seconds: time)
        let escalation = engine.behavior.escalation
        let taken = try queue.undone(by: id)
        let what =
            decision.outcome == .overturn
            ? "appeal \(decision.caseID) overturned by \(decision.moderator)"
            : "case \(decision.caseID) \(decision.outcome.status) by \(decision.moderator)"
        var changes: [Change] = []
        var records: [(seq: Int, author: String, change: String, until: Double?, why: String)] = []
        for author in try queue.authors(changedBy: id) {
            if let sanction = decision.sanction {
                let until = sanction.seconds.map { at + Micros(seconds: $0) } ?? Penalty.forever
                _ = engine.setPenalty(sanction.kind, author: author, at: at, until: until)
                changes.append(Change(author: author, change: sanction.name, why: "\(what): \(sanction.description)"))
                continue
            }
            let ledger = try queue.ledger(of: author)
            let undone = try queue.undone(of: author)
            let before = ledger.replay(escalation, undone: undone.subtracting(taken), now: time)
            let after = ledger.replay(escalation, undone: undone, now: time)
            for entry in ledger.entries where entry.kind == .strike && taken.contains(entry.seq) {
                let why =
                    "\(what): strike taken back (\(after.strikes.current(at: at, window: escalation.window)) of "
                    + "\(escalation.strikes) in \(DurationText.describe(escalation.window)) now)"
                records.append((entry.seq, author, "strike_removed", nil, why))
            }
            // Nothing of the author's ledger taken back (a held comment is no strike by default).
            guard let seq = ledger.entries.last(where: { taken.contains($0.seq) })?.seq else { continue }
            engine.takeBack(author: author, to: after.penalty, strikes: after.strikes, at: at)
            let had = before.penalty.isActive(at: at), has = after.penalty.isActive(at: at)
            if had && !has {
                records.append(
                    (
                        seq, author, "lifted", nil,
                        "\(what): \(Self.name(before.penalty)) lifted: the remaining strikes do not reach it"
                    ))
            } else if had && has && after.penalty.until < before.penalty.until {
                records.append(
                    (
                        seq, author, "lifted", after.penalty.until.seconds,
                        "\(what): \(Self.name(before.penalty)) shortened: the remaining strikes still justify one"
                    ))
            } else if had && has {
                records.append(
                    (
                        seq, author, "kept", nil,
                        "\(what): \(Self.name(before.penalty)) kept: the remaining strikes or a moderator's sanction still justify it"
                    ))
            }
        }
        for record in records {
            try queue.recordChange(
                seq: record.seq, author: record.author, change: record.change, at: time, until: record.until,
                why: record.why, decision: id)
            changes.append(Change(author: record.author, change: record.change, why: record.why))
        }
        return changes
    }

    private static func name(_ penalty: Penalty) -> String { penalty.kind == .ban ? "ban" : "timeout" }
}
