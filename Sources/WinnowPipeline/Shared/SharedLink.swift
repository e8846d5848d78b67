import Metrics
import NIOConcurrencyHelpers
import WinnowLimits
import WinnowRules

/// The engine's link to the shared store: the store, the failure policy, the state of an
/// outage, and two small caches that keep events off the network: known penalties, and local
/// allowances for authors far below their limits. While the store is down it is asked again
/// after a second, then after two, four… up to `maxRetryDelay` (the events in between get the failure policy at once, so that a dead
/// Redis does not cost every event a timeout); every outage and every recovery is reported
/// once through `report`.
public final class SharedLink: Sendable {
    public let store: any SharedWindows
    public let policy: SharedFailurePolicy
    public let scope: SharedScope
    private let report: @Sendable (String) -> Void
    // NIO's locks (pthread mutexes): ThreadSanitizer sees through them, not through
    // `Synchronization.Mutex` on Linux.
    private let outage = NIOLockedValueBox<Outage>(Outage())
    /// Penalties the store reported, by author, each kept for `penaltyCacheTime`: the events of
    /// a banned author, which come in bursts, are answered without a round trip each. The cost:
    /// a penalty lifted through another instance holds here up to that long after (one lifted
    /// through this instance is forgotten at once).
    private let knownPenalties = NIOLockedValueBox<[UInt64: (penalty: Penalty, expires: ContinuousClock.Instant)]>([:])
    public let penaltyCacheTime: Duration
    /// Authors whose penalty is remembered at most: when full, the expired entries go, and all
    /// of them if that leaves it over half full (a forgotten penalty is only asked for again).
    private static let penaltyCacheSize = 65_536

    /// Local allowances, by author (for the channel of the author's latest answer: a key of
    /// author-in-channel): when the store lets an event through with headroom for more, up to
    /// `localAllowance` of the author's next events in that channel are let through here, for
    /// at most `allowanceTime`, without asking; they are reported to the store with the next
    /// call (`unreported`), so its limits still count them. The price:
    /// instances may together let through up to (instances − 1) × `localAllowance` events of
    /// one author beyond the limit (each may spend the same headroom), and an author's events
    /// spent from an allowance do not see a penalty imposed elsewhere until it runs out. 0: off.
    public let localAllowance: Int
    public let allowanceTime: Duration
    private let allowances = NIOLockedValueBox<Allowances>(Allowances())
    private static let allowanceTableSize = 65_536

    private struct Allowances {
        var byAuthor: [UInt64: (pair: UInt64, remaining: Int, expires: ContinuousClock.Instant)] = [:]
        /// Events let through on an allowance, not yet counted by the store.
        var unreported: [SharedRequest] = []
    }

    /// The longest wait between two attempts while the store is down.
    public static let maxRetryDelay = Duration.seconds(30)

    /// The wait after a failed attempt: a second after the first (`previous` nil), then twice
    /// the previous wait, at most `maxRetryDelay`.
    public static func retryDelay(after previous: Duration?) -> Duration {
        guard let previous else { return .seconds(1) }
        return min(previous * 2, maxRetryDelay)
    }

    private struct Outage {
        /// While the store is down: the wait before the next attempt (doubled by each failed
        /// attempt) and when that is. `nil` while it answers.
        var retry: (delay: Duration, at: ContinuousClock.Instant)?
        var failedEvents = 0
        var lastError = ""
    }

    /// Events that got the failure policy since the start.
    public var failedEvents: Int { outage.withLockedValue { $0.failedEvents } }

    /// For the sidecar's `/metrics`: events judged under the failure policy, and whether the
    /// store answers (1) or not (0).
    private let failedCounter = Counter(label: "winnow_shared_unavailable_events_total")
    private let reachableGauge = Gauge(label: "winnow_shared_reachable")

    public init(
        store: any SharedWindows, policy: SharedFailurePolicy, scope: SharedScope = .all,
        penaltyCacheTime: Duration = .seconds(1),
        localAllowance: Int = 0, allowanceTime: Duration = .seconds(1), report: @escaping @Sendable (String) -> Void
    ) {
        self.store = store
        self.policy = policy
        self.scope = scope
        self.penaltyCacheTime = penaltyCacheTime
        self.localAllowance = localAllowance
        self.allowanceTime = allowanceTime
        self.report = report
        reachableGauge.record(1)
    }

    /// Runs `call` (on behalf of `events` events) against the store unless it is known to be
    /// down; the error text when it failed or was skipped.
    private func attempt<T>(events: Int, _ call: () throws -> T) -> Result<T, SharedFailure> {
        let now = ContinuousClock.now
        let skip = outage.withLockedValue { state -> String? in
            guard let retry = state.retry, now < retry.at else { return nil }
            state.failedEvents += events
            return state.lastError
        }
        if let skip {
            failedCounter.increment(by: events)
            return .failure(SharedFailure(message: skip))
        }
        do {
            let value = try call()
            let recovered = outage.withLockedValue { state -> Int? in
                guard state.retry != nil else { return nil }
                state.retry = nil
                return state.failedEvents
            }
            if let recovered {
                reachableGauge.record(1)
                report(
                    "shared state reachable again (\(recovered) events so far under the '\(policy.rawValue)' policy)")
            }
            return .success(value)
        } catch {
            let text = "\(error)"
            let first = outage.withLockedValue { state -> Bool in
                let first = state.retry == nil
                let delay = Self.retryDelay(after: state.retry?.delay)
                state.retry = (delay, now + delay)
                state.failedEvents += events
                state.lastError = text
                return first
            }
            failedCounter.increment(by: events)
            if first {
                reachableGauge.record(0)
                report("shared state unreachable, events get the '\(policy.rawValue)' policy: \(text)")
            }
            return .failure(SharedFailure(message: text))
        }
    }

    /// The answers for a batch of events: from the known penalties and the local allowances
    /// where they tell, the rest asked in one round trip (with the events let through on an
    /// allowance since the last call, for the store to count).
    public func answers(_ requests: [SharedRequest]) -> [SharedAnswer] {
        guard !requests.isEmpty else { return [] }
        let clock = ContinuousClock.now
        var answers = [SharedAnswer](repeating: .ask, count: requests.count)
        var asked: [Int] = []
        knownPenalties.withLockedValue { known in
            for k in requests.indices {
                if let entry = known[requests[k].author], entry.expires > clock,
                    entry.penalty.isActive(at: requests[k].now)
                {
                    answers[k] = .answered(SharedCheck(penalty: entry.penalty))
                } else {
                    asked.append(k)
                }
            }
        }
        // Events let through on an allowance: before this call (`earlier`, not yet reported),
        // and in this batch (`spent`).
        var earlier: [SharedRequest] = []
        var spent: [Int] = []
        if localAllowance > 0, asked.contains(where: { requests[$0].mayUseAllowance }) {
            allowances.withLockedValue { table in
                asked.removeAll { k in
                    let request = requests[k]
                    guard var entry = table.byAuthor[request.author] else { return false }
                    guard request.mayUseAllowance, entry.pair == request.pair, entry.remaining > 0,
                        entry.expires > clock
                    else {
                        // Another channel of the author's, or an event the store must see: the
                        // headroom known here no longer holds, so this event and the author's
                        // next ones ask.
                        table.byAuthor[request.author] = nil
                        return false
                    }
                    entry.remaining -= 1
                    table.byAuthor[request.author] = entry
                    spent.append(k)
                    answers[k] = .answered(SharedCheck())
                    return true
                }
                if asked.isEmpty {
                    for k in spent { table.unreported.append(requests[k]) }
                } else {
                    swap(&earlier, &table.unreported)
                }
            }
        }
        guard !asked.isEmpty else { return answers }
        // The store sees every author's events in their order: those let through before this
        // call, then this batch's asked and spent ones as they came (an event spent here sent
        // ahead of an earlier one asked about moved the author's time backwards in the store:
        // SharedAllowanceTests.allowanceSentEventsOutOfOrder).
        // Without events spent here (the usual case), that is the asked ones.
        let order = spent.isEmpty ? asked : (asked + spent).sorted()
        let sent = earlier.isEmpty && order.count == requests.count ? requests : earlier + order.map { requests[$0] }
        switch attempt(events: asked.count, { try store.check(sent) }) {
        case .success(let all):
            var penalized: [(author: UInt64, penalty: Penalty)] = []
            var granting: [(request: SharedRequest, check: SharedCheck)] = []
            for (k, check) in zip(order, all.dropFirst(earlier.count)) where spent.isEmpty || !spent.contains(k) {
                answers[k] = .answered(check)
                if let penalty = check.penalty { penalized.append((requests[k].author, penalty)) }
                if localAllowance > 0, requests[k].mayUseAllowance { granting.append((requests[k], check)) }
            }
            if !penalized.isEmpty { remember(penalized, at: clock) }
            if !granting.isEmpty { grant(granting, at: clock) }
        case .failure(let failure):
            for k in asked { answers[k] = .unavailable(failure.message) }
            // The store is down: allowances end (they are only safe while it answers).
            if localAllowance > 0 { allowances.withLockedValue { $0.byAuthor.removeAll() } }
        }
        return answers
    }

    /// Allowances for the authors the store let through with headroom to spare: one less than
    /// the headroom (the next event asks again while some is left), at most `localAllowance`.
    private func grant(_ answered: [(request: SharedRequest, check: SharedCheck)], at clock: ContinuousClock.Instant) {
        let expires = clock + allowanceTime
        allowances.withLockedValue { table in
            if table.byAuthor.count + answered.count > Self.allowanceTableSize {
                // Past half full after the sweep: emptied, so that sweeps stay rare (a full
                // table swept at every call would cost a pass over it per event).
                table.byAuthor = table.byAuthor.filter { $0.value.expires > clock && $0.value.remaining > 0 }
                if table.byAuthor.count + answered.count > Self.allowanceTableSize / 2 {
                    table.byAuthor.removeAll(keepingCapacity: true)
                }
            }
            for (request, check) in answered {
                let remaining = min(check.headroom - 1, localAllowance)
                guard check.penalty == nil, check.limited == nil, remaining > 0 else {
                    table.byAuthor[request.author] = nil
                    continue
                }
                table.byAuthor[request.author] = (request.pair, remaining, expires)
            }
        }
    }

    private func remember(_ penalties: [(author: UInt64, penalty: Penalty)], at clock: ContinuousClock.Instant) {
        let expires = clock + penaltyCacheTime
        knownPenalties.withLockedValue { known in
            if known.count + penalties.count > Self.penaltyCacheSize {
                // Past half full after the sweep: emptied, so that sweeps stay rare.
                known = known.filter { $0.value.expires > clock }
                if known.count + penalties.count > Self.penaltyCacheSize / 2 { known.removeAll(keepingCapacity: true) }
            }
            for (author, penalty) in penalties { known[author] = (penalty, expires) }
        }
    }

    /// Counts strikes in the store, in one round trip; `nil` when it cannot be reached (the
    /// caller counts them locally instead).
    public func strikes(_ strikes: [SharedStrike]) -> [StrikeOutcome]? {
        guard !strikes.isEmpty else { return [] }
        // Not events: their events were counted when they were checked.
        switch attempt(events: 0, { try store.strikes(strikes) }) {
        case .success(let outcomes):
            let reached = zip(strikes, outcomes).compactMap { strike, outcome -> (UInt64, Penalty)? in
                guard case .reached(let penalty) = outcome, !strike.quiet else { return nil }
                return (strike.author, penalty)
            }
            if !reached.isEmpty {
                remember(reached, at: ContinuousClock.now)
                if localAllowance > 0 {
                    allowances.withLockedValue { table in for (author, _) in reached { table.byAuthor[author] = nil } }
                }
            }
            return outcomes
        case .failure:
            return nil
        }
    }

    /// Records a penalty imposed through this instance (`.none` lifts it) for every instance.
    public func impose(_ penalty: Penalty, author: UInt64, now: Micros) {
        knownPenalties.withLockedValue { _ = $0.removeValue(forKey: author) }
        if localAllowance > 0 { allowances.withLockedValue { _ = $0.byAuthor.removeValue(forKey: author) } }
        _ = attempt(events: 0) { try store.impose(penalty, author: author, now: now) }
    }
}

/// Why the shared store gave no answer.
private struct SharedFailure: Error {
    var message: String
}
