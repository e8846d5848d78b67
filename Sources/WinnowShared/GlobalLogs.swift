import WinnowLimits
import WinnowPipeline

/// What instances that keep their authors' windows to themselves share (`--shared-windows
/// global`): the penalty log (`PenaltyFeed`) and the window log (`WindowFeed`), taken up before
/// each batch and added to after it — by `winnow consume` owning partitions of a stream split by
/// author, and by `winnow serve` sidecars that a client feeds by author (`RoutedClient`), on a
/// timer. Not thread-safe: used by one thread at a time — the batch loop, or the timer under
/// the window step's lock (hence `@unchecked Sendable`: handed to that thread once).
public final class GlobalLogs: @unchecked Sendable {
    /// Timeouts and bans other instances gave (and lifted), taken up exactly; this one's
    /// published once each.
    public var penalties: PenaltyFeed?
    /// Flood campaigns' copies and channels' counts.
    public var windows: WindowFeed?
    private let report: (String) -> Void
    /// Other instances' copies and channel deltas not yet due (judged there at a time this
    /// instance has not reached).
    private var pendingCopies: [CampaignCopy] = []
    private var pendingDeltas: [ChannelDeltas.Delta] = []
    /// Each author's penalty as last published or taken up (packed): a penalty goes out once,
    /// not with every verdict it gives.
    private var knownPenalties: [UInt64: UInt64] = [:]
    /// Whether the logs failed last time (reported once per outage).
    private var failing = false

    /// Authors whose published penalty is remembered before the ended ones are dropped.
    static let knownPenaltiesLimit = 200_000

    public init(penalties: PenaltyFeed? = nil, windows: WindowFeed? = nil, report: @escaping (String) -> Void) {
        self.penalties = penalties
        self.windows = windows
        self.report = report
    }

    /// Makes `engine` record what is published: at start (a moderator's ban before the first
    /// round is published too), and at each round (an engine reloaded since is asked again).
    public func listen(_ engine: Engine) {
        if penalties != nil, !engine.penaltyChanges.isRecording { engine.penaltyChanges.startRecording() }
        if windows != nil, !engine.campaignCopies.isRecording {
            engine.campaignCopies.startRecording()
            engine.channelDeltas.startRecording()
        }
    }

    /// Before a batch: the penalties other instances published since the last call, then their
    /// copies and channel deltas that are due at `now`, this instance's time.
    public func takeUp(into engine: Engine, now: Micros) {
        listen(engine)
        takePublishedPenalties(into: engine, now: now)
        takePublishedWindows(into: engine, now: now)
    }

    /// After a batch: the penalties `engine` recorded that are new (a timeout, a ban, or a lift
    /// of one published before), and the copies and channel deltas it recorded.
    public func publish(from engine: Engine, now: Micros) {
        listen(engine)
        publishPenalties(from: engine, now: now)
        publishWindows(from: engine)
    }

    private func takePublishedPenalties(into engine: Engine, now: Micros) {
        guard let feed = penalties else { return }
        do throws(SharedError) {
            for (author, penalty) in try feed.pull() {
                engine.takePublished(penalty, author: author, at: now)
                knownPenalties[author] = penalty.packed
            }
            reachable()
        } catch {
            unreachable(error)
        }
    }

    /// Copies count once this instance's time is at most a quarter of the flood window behind
    /// theirs (its next batch may well reach it): an instance far ahead in event time (another
    /// owner going faster through a backlog) has its copies wait here until they are due, rather
    /// than crowd a window they do not belong to; copies a window older than this instance's
    /// time are dropped. Channel deltas wait until this instance's time is at most a second
    /// behind their first event's, and count at the latest at this instance's time
    /// (`Engine.observeChannel`).
    private func takePublishedWindows(into engine: Engine, now: Micros) {
        guard let feed = windows else { return }
        do throws(SharedError) {
            let (copies, deltas) = try feed.pull()
            pendingCopies += copies
            pendingDeltas += deltas
            reachable()
        } catch {
            unreachable(error)
        }
        guard !pendingCopies.isEmpty || !pendingDeltas.isEmpty else { return }
        let window = engine.behavior.flood.window
        pendingCopies.sort { $0.time < $1.time }
        var due = 0
        while due < pendingCopies.count, pendingCopies[due].time <= now + window / 4 {
            if now - pendingCopies[due].time < window { engine.observeCopy(pendingCopies[due]) }
            due += 1
        }
        pendingCopies.removeFirst(due)
        pendingDeltas.sort { $0.first < $1.first }
        due = 0
        while due < pendingDeltas.count, pendingDeltas[due].first <= now + Micros.perSecond {
            engine.observeChannel(pendingDeltas[due], at: now)
            due += 1
        }
        pendingDeltas.removeFirst(due)
    }

    private func publishWindows(from engine: Engine) {
        guard let feed = windows else { return }
        let copies = engine.campaignCopies.take()
        let deltas = engine.channelDeltas.take()
        do throws(SharedError) {
            try feed.publish(copies, channels: deltas)
            reachable()
        } catch {
            unreachable(error)
        }
    }

    private func publishPenalties(from engine: Engine, now: Micros) {
        guard let feed = penalties else { return }
        var changes: [(author: UInt64, penalty: Penalty)] = []
        for key in engine.penaltyChanges.take() {
            guard let standing = engine.standing(ofAuthor: key), knownPenalties[key] != standing.penalty else {
                continue
            }
            let penalty = Penalty(packed: standing.penalty)
            // A lift goes out only where a penalty was published: nobody else holds one to lift.
            guard penalty.kind != .none || knownPenalties[key] != nil else { continue }
            knownPenalties[key] = standing.penalty
            changes.append((key, penalty))
        }
        guard !changes.isEmpty else { return }
        do throws(SharedError) {
            try feed.publish(changes, now: now)
            reachable()
        } catch {
            // Published with the author's next change, then.
            for change in changes { knownPenalties[change.author] = nil }
            unreachable(error)
        }
        if knownPenalties.count > Self.knownPenaltiesLimit {
            knownPenalties = knownPenalties.filter { Penalty(packed: $0.value).isActive(at: now) }
        }
    }

    private func reachable() {
        guard failing else { return }
        failing = false
        report("the shared logs (penalties, campaigns, channels) are reachable again")
    }

    private func unreachable(_ error: SharedError) {
        guard !failing else { return }
        failing = true
        report(
            "the shared logs (penalties, campaigns, channels) are unreachable, this instance judges alone until they are back: \(error.message)"
        )
    }
}
