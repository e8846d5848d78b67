import WinnowAudit
import WinnowCore
import WinnowIO
import WinnowLimits
import WinnowPipeline
import WinnowShared

#if canImport(Glibc)
    import Glibc
#endif

/// `winnow consume`: takes events from a Redis Stream as a member of a consumer group, judges
/// them a batch at a time, and answers each entry in the verdict stream.
///
/// At least once, never answered twice: an entry is acknowledged only after its verdict is
/// final and its audit row committed, and acknowledgement and verdict go out together in one
/// atomic script (`RedisStream.answerScript`: the verdict is written only by the ack that took
/// the entry off the pending list). A consumer that dies leaves its entries pending; another
/// claims them after `claimIdle`. An entry delivered again is looked up in the audit trail by
/// event id first: one judged before is answered with the recorded verdict, not judged (and its
/// strikes counted) again.
public final class StreamConsumer {
    /// The streams read: one, or the partitions this consumer owns (`StreamPartitions`), read
    /// in turn, each with its own pending list, claims and verdict stream.
    private let streams: [RedisStream]
    /// Instead of `streams`: the partitions held on leases, taken and dropped as they come.
    private let leases: PartitionLeases?
    private let judge: BatchJudge
    private let audit: AuditTrail?
    private let settings: ConsumeSettings
    private let report: (String) -> Void
    private let decoder = EventDecoder()
    private let encoder = VerdictEncoder()
    /// A batch's verdict lines, as encoded (kept from batch to batch: no fresh pages each time).
    private let output = WinnowIO.ByteBuffer(capacity: 1 << 20)
    public private(set) var summary = ConsumeSummary()
    /// Lines judged so far: error verdicts name the entry's place in the run.
    private var lines = 0
    /// While Redis is unreachable: the wait before the next attempt.
    private var retryDelay: Duration?
    /// With `--shared-windows global`: the penalty and window logs, taken up before each batch
    /// and added to after it.
    private let logs: GlobalLogs
    public var penaltyFeed: PenaltyFeed? {
        get { logs.penalties }
        set { logs.penalties = newValue }
    }
    public var windowFeed: WindowFeed? {
        get { logs.windows }
        set { logs.windows = newValue }
    }

    public convenience init(
        stream: RedisStream, judge: BatchJudge, audit: AuditTrail?, settings: ConsumeSettings,
        report: @escaping (String) -> Void
    ) {
        self.init(streams: [stream], judge: judge, audit: audit, settings: settings, report: report)
    }

    public init(
        streams: [RedisStream], judge: BatchJudge, audit: AuditTrail?, settings: ConsumeSettings,
        report: @escaping (String) -> Void
    ) {
        precondition(!streams.isEmpty)
        self.streams = streams
        leases = nil
        self.judge = judge
        self.audit = audit
        self.settings = settings
        self.report = report
        logs = GlobalLogs(report: report)
    }

    /// Reads the partitions `leases` holds, taking free ones and dropping lapsed ones as it goes.
    public init(
        leases: PartitionLeases, judge: BatchJudge, audit: AuditTrail?, settings: ConsumeSettings,
        report: @escaping (String) -> Void
    ) {
        streams = []
        self.leases = leases
        self.judge = judge
        self.audit = audit
        self.settings = settings
        self.report = report
        logs = GlobalLogs(report: report)
    }

    /// Where reading one stream stands.
    private struct Position {
        /// Entries delivered to this consumer name before (a restart after a crash) come first:
        /// read from here (nil: all read).
        var ownPendingAfter: String? = "0-0"
        var nextClaim = ContinuousClock.now
        /// With `settings.drain`: nothing new was left, and nothing to claim.
        var drained = false
        /// Events per entry in the last batch read (rounded up): entries of several events
        /// (`events`) are read fewer at a time, so that a batch holds about
        /// `settings.batchSize` events. Before the first read, a guess on the side of small
        /// batches (an entry of `winnow route` holds up to 100): a stream of one event per
        /// entry is read a little at first, then in full batches.
        var eventsPerEntry = 64
    }

    /// Runs until `shouldStop` says so (checked between batches; a read waits at most
    /// `settings.blockMilliseconds`) or, with `settings.drain`, until nothing is left to read.
    /// Throws `AuditError` when a batch could not be recorded: its entries stay pending for
    /// another consumer, none is answered.
    public func run(shouldStop: () -> Bool) throws(AuditError) {
        // By stream key: a partition taken anew starts from its own pending entries.
        var positions: [String: Position] = [:]
        defer { leases?.release() }
        // On event time, an owner of several partitions judges their events in `ts` order.
        var merge: EventTimeMerge? =
            judge.clockMode == .event && (leases != nil || streams.count > 1)
            ? EventTimeMerge(limit: settings.batchSize) : nil
        defer {
            // What is held when the run ends is judged and answered (or left pending, should
            // the audit trail fail: a restart answers it).
            if let ready = merge?.take(everything: true), !ready.isEmpty {
                _ = try? handle(ready, redelivered: false)
            }
        }
        while !shouldStop() {
            guard let current = heldStreams(resetting: &positions) else { continue }
            let open = current.filter { positions[$0.stream]?.drained != true }
            if open.isEmpty {
                if let ready = merge?.take(everything: true), !ready.isEmpty {
                    try handle(ready, redelivered: false)
                    continue
                }
                if settings.drain { break }
                settings.sleep(.milliseconds(min(settings.blockMilliseconds, 100)))
                continue
            }
            // Several streams share the wait for new entries, and leases are renewed before each
            // read (at most a third of a lease apart, plus the time to judge a batch: a lease
            // must outlast that).
            let wait = leases.map { min(settings.blockMilliseconds, max(1, $0.leaseMilliseconds / 3)) }
            let block = max(1, (wait ?? settings.blockMilliseconds) / open.count)
            for stream in open {
                if shouldStop() { break }
                if leases != nil {
                    guard let held = heldStreams(resetting: &positions), held.contains(where: { $0 === stream })
                    else { continue }
                }
                var position = positions[stream.stream] ?? Position()
                if merge?.isFull(stream, eventsPerEntry: position.eventsPerEntry) == true { continue }
                try step(stream, &position, blockMilliseconds: block, merge: &merge)
                positions[stream.stream] = position
            }
            if let ready = merge?.take(), !ready.isEmpty {
                try handle(ready, redelivered: false)
            }
        }
        // Leaving cleanly with nothing pending: this consumer name is forgotten by the group.
        for stream in leases?.streams ?? streams where (try? stream.ownPending(after: "0-0", count: 1).isEmpty) == true
        {
            _ = try? stream.removeConsumer()
        }
    }

    /// The streams to read: the fixed ones, or the partitions held after renewing the leases
    /// (throttled) — a partition taken anew has its standings taken up and its position reset;
    /// nil (after a wait) when the leases could not be renewed.
    private func heldStreams(resetting positions: inout [String: Position]) -> [RedisStream]? {
        guard let leases else { return streams }
        do throws(SharedError) {
            var taken: [String] = []
            let held = try leases.refresh(reported: report) { partition throws(SharedError) in
                // The previous owner's standings of the partition's authors.
                let now = judge.currentTime()
                let standings = try leases.checkpoint.load(partition)
                for standing in standings {
                    judge.engine.restore(
                        author: standing.key, penalty: standing.penalty, strikes: standing.strikes, at: now)
                }
                if !standings.isEmpty {
                    report("\(leases.partitions.key(partition)): \(standings.count) authors' standing taken up")
                }
                taken.append(leases.partitions.key(partition))
            }
            for key in taken { positions[key] = nil }
            return held
        } catch {
            report("the partitions' leases could not be renewed: \(error.message)")
            settings.sleep(.milliseconds(max(1, leases.leaseMilliseconds / 3)))
            return nil
        }
    }

    /// One read of `stream` — its own pending entries, entries to claim, or new ones — and the
    /// batch it gave judged and answered, or held in `merge` (new ones, when there is a merge).
    private func step(
        _ stream: RedisStream, _ position: inout Position, blockMilliseconds: Int, merge: inout EventTimeMerge?
    ) throws(AuditError) {
        guard let (entries, redelivered) = read(stream, &position, blockMilliseconds: blockMilliseconds) else {
            return
        }
        let events =
            !redelivered && merge != nil
            ? merge!.add(entries, of: stream) : try handle(entries, of: stream, redelivered: redelivered)
        position.eventsPerEntry = max(1, (events + entries.count - 1) / entries.count)
    }

    /// One read of `stream`: its entries and whether they were delivered before (its own
    /// pending ones, or claimed); nil when there was nothing (or Redis failed).
    private func read(_ stream: RedisStream, _ position: inout Position, blockMilliseconds: Int) -> (
        [StreamEntry], redelivered: Bool
    )? {
        let entries: [StreamEntry]
        var redelivered = true
        let count = max(1, settings.batchSize / position.eventsPerEntry)
        do throws(SharedError) {
            if let after = position.ownPendingAfter {
                entries = try stream.ownPending(after: after, count: count)
                position.ownPendingAfter = entries.last?.id
                if entries.isEmpty { return nil }
            } else if ContinuousClock.now >= position.nextClaim {
                let (claimed, finished) = try stream.claim(
                    minIdleMilliseconds: settings.claimIdleMilliseconds, count: count)
                if finished {
                    position.nextClaim = ContinuousClock.now + .milliseconds(settings.claimIdleMilliseconds / 2)
                }
                summary.claimed += claimed.count
                entries = claimed
                if entries.isEmpty { return nil }
            } else {
                redelivered = false
                var fresh = try stream.readNew(count: count, blockMilliseconds: blockMilliseconds)
                if fresh.isEmpty {
                    guard settings.drain else { return nil }
                    // Nothing new: one more look for abandoned entries, then this stream is done.
                    let (claimed, _) = try stream.claim(
                        minIdleMilliseconds: settings.claimIdleMilliseconds, count: count)
                    if claimed.isEmpty {
                        position.drained = true
                        return nil
                    }
                    summary.claimed += claimed.count
                    redelivered = true
                    fresh = claimed
                }
                entries = fresh
            }
            reachable(stream)
        } catch {
            unreachable(error, stream)
            // A read whose reply was lost may have delivered entries to this consumer: its
            // pending entries are read first again.
            position.ownPendingAfter = "0-0"
            return nil
        }
        return (entries, redelivered)
    }

    /// One event to answer: a whole `event` entry, or one line of an `events` entry.
    private struct Unit {
        /// Its stream's place among the streams handled together (`handle(_:redelivered:)`).
        var part: Int
        /// Its entry's place in the batch read.
        var entry: Int
        /// Its place in the entry (0 for an `event` entry).
        var index: Int
        /// The event line, or why there is none to judge.
        var line: ArraySlice<UInt8>
        var problem: String?
    }

    /// The events of the entries, in order, appended to `units` (`part`: their stream's place
    /// among those handled together).
    private func units(of entries: [StreamEntry], part: Int, into units: inout [Unit]) {
        for (k, entry) in entries.enumerated() {
            switch entry.content {
            case .event(let line):
                units.append(Unit(part: part, entry: k, index: 0, line: line[...], problem: tooLong(line.count)))
            case .events(let field):
                let lines = StreamEntry.lines(of: field)
                if lines.isEmpty {
                    units.append(
                        Unit(
                            part: part, entry: k, index: 0, line: [],
                            problem: "stream entry \(entry.id) has an empty '\(StreamEntry.eventsField)' field"))
                }
                for (index, line) in lines.enumerated() {
                    units.append(Unit(part: part, entry: k, index: index, line: line, problem: tooLong(line.count)))
                }
            case .skipped(let reason):
                units.append(
                    Unit(
                        part: part, entry: k, index: 0, line: [],
                        problem: "stream entry \(entry.id) stands for a line its producer skipped: \(reason)"))
            case .noEventField:
                units.append(
                    Unit(
                        part: part, entry: k, index: 0, line: [],
                        problem:
                            "stream entry \(entry.id) has no '\(StreamEntry.eventField)' or '\(StreamEntry.eventsField)' field"
                    ))
            case .deleted:
                units.append(
                    Unit(
                        part: part, entry: k, index: 0, line: [],
                        problem: "stream entry \(entry.id) was deleted before it was judged"))
            }
        }
    }

    private func tooLong(_ count: Int) -> String? {
        guard count > settings.maxLineBytes else { return nil }
        return
            "line is longer than the maximum of \(settings.maxLineBytes) bytes (\(count) bytes); see --max-line-bytes"
    }

    /// Judges (or finds in the audit trail) every event of the entries, commits the audit
    /// rows, then answers each entry.
    /// Returns how many events the entries held.
    @discardableResult
    private func handle(_ entries: [StreamEntry], of stream: RedisStream, redelivered: Bool) throws(AuditError) -> Int {
        try handle([(stream, entries, nil)], redelivered: redelivered)
    }

    /// `handle` for the entries of several streams at once (`EventTimeMerge`): judged as one
    /// batch — in the order of their events' `ts` when each part comes with them (per entry,
    /// per event: `EventTimeMerge.times(of:)`; each partition's events keep their order) — each
    /// stream answered apart.
    private func handle(
        _ parts: [(stream: RedisStream, entries: [StreamEntry], times: [[Double]]?)], redelivered: Bool
    ) throws(AuditError) -> Int {
        var units: [Unit] = []
        for (p, part) in parts.enumerated() { self.units(of: part.entries, part: p, into: &units) }
        logs.takeUp(into: judge.engine, now: judge.currentTime())
        // Verdicts found in the audit trail (a redelivered entry), by unit.
        var recorded = [[UInt8]?](repeating: nil, count: units.count)
        if redelivered, let audit {
            for (u, unit) in units.enumerated() {
                let key = eventKey(of: unit, in: parts[unit.part].entries[unit.entry])
                if let line = try audit.store.consumedVerdict(stream: parts[unit.part].stream.stream, eventKey: key) {
                    recorded[u] = Array(line.utf8)
                    summary.fromAudit += 1
                }
            }
        }
        // Everything not answered from the trail is judged, in order, as one batch; an event
        // that cannot be judged goes in as an empty line and gets its own error below.
        var toJudge = units.indices.filter { recorded[$0] == nil }
        if parts.allSatisfy({ $0.times != nil }), parts.count > 1 {
            toJudge = EventTimeMerge.inTimeOrder(
                toJudge.map { u in
                    let unit = units[u]
                    let times = parts[unit.part].times![unit.entry]
                    return (u, unit.part, unit.index < times.count ? times[unit.index] : -.infinity)
                })
        }
        let lineBytes = toJudge.map { units[$0].problem == nil ? units[$0].line : [] }
        let firstLine = lines + 1
        lines += toJudge.count
        let judged = judge.judge(lineBytes, firstLine: firstLine)
        output.removeAll()
        // Each judged unit's verdict line in `output`, without its newline.
        var judgedRange = [Range<Int>?](repeating: nil, count: units.count)
        var records: [AuditRecord] = []
        // One judged unit's verdict line and audit row; its verdict and event borrowed from
        // `judged`, not copied.
        func settle(_ verdict: Verdict, _ event: Event?, judgedAs j: Int, unit u: Int) {
            let unit = units[u]
            let entry = parts[unit.part].entries[unit.entry]
            let start = output.count
            encoder.encode(verdict, into: output)
            // The stream entry and the audit row hold the line without its newline.
            let range = start..<output.count - 1
            judgedRange[u] = range
            summary.count(verdict.action)
            guard let audit else { return }
            var record =
                event.map {
                    AuditRecord($0, timestamp: $0.timestamp ?? judged.times[j].seconds, textMode: audit.textMode)
                }
                ?? AuditRecord(eventID: verdict.id?.text ?? entry.id, line: firstLine + j)
            record.settle(verdict, escalation: judge.engine.behavior.escalation)
            record.verdict = range
            if verdict.action == .hold || verdict.action == .flag { record.sketch = judged.sketches[j] }
            record.delivery = StreamDelivery(
                stream: parts[unit.part].stream.stream, eventKey: eventKey(of: verdict, unit: unit, in: entry),
                entryID: entry.id)
            records.append(record)
        }
        for (j, u) in toJudge.enumerated() {
            if let problem = units[u].problem {
                settle(.error(line: firstLine + j, message: problem), nil, judgedAs: j, unit: u)
            } else {
                settle(judged.verdicts[j], judged.events[j], judgedAs: j, unit: u)
            }
        }
        if let audit, !records.isEmpty {
            try audit.commit(AuditBatch(parts: [AuditBatch.Part(records: records, verdicts: output.bytes)]))
        }
        // One answer per entry: an `events` entry's verdict lines joined as its events were —
        // when all were judged now, one after the other, the lines as the encoder wrote them.
        // The authors judged, by stream: each leased partition's checkpoint takes its own.
        var authors = [[String]](repeating: [], count: parts.count)
        if leases != nil {
            for (j, u) in toJudge.enumerated() {
                if let author = judged.events[j]?.author { authors[units[u].part].append(author) }
            }
        }
        var u = 0
        for (p, part) in parts.enumerated() {
            var answers: [(entryID: String, verdict: [UInt8], batched: Bool)] = []
            answers.reserveCapacity(part.entries.count)
            var events = [Int](repeating: 0, count: part.entries.count)
            for (k, entry) in part.entries.enumerated() {
                var end = u
                while end < units.count, units[end].part == p, units[end].entry == k { end += 1 }
                events[k] = end - u
                var verdict: [UInt8]
                if (u..<end).allSatisfy({ recorded[$0] == nil })
                    && (u..<end - 1).allSatisfy({ judgedRange[$0]!.upperBound + 1 == judgedRange[$0 + 1]!.lowerBound })
                {
                    verdict = Array(output.bytes[judgedRange[u]!.lowerBound..<judgedRange[end - 1]!.upperBound])
                } else {
                    verdict = []
                    for v in u..<end {
                        if v > u { verdict.append(UInt8(ascii: "\n")) }
                        if let line = recorded[v] { verdict += line } else { verdict += output.bytes[judgedRange[v]!] }
                    }
                }
                answers.append((entry.id, verdict, entry.holdsSeveral))
                u = end
            }
            if answer(answers, events: events, to: part.stream), let leases,
                let partition = leases.partition(of: part.stream)
            {
                checkpoint(authors[p], partition: partition, in: leases)
            }
        }
        logs.publish(from: judge.engine, now: judge.currentTime())
        return units.count
    }

    /// Writes the standing of the batch's authors who have one, for whoever takes the partition
    /// next. A failure is reported, not fatal: the checkpoint is a hand-over aid.
    private func checkpoint(_ authors: [String], partition: Int, in leases: PartitionLeases) {
        var seen = Set<UInt64>()
        var standings: [(key: UInt64, penalty: UInt64, strikes: UInt64)] = []
        var cleared: [UInt64] = []
        for author in authors {
            let key = BehaviorState.authorKey(author)
            guard seen.insert(key).inserted, let standing = judge.engine.standing(ofAuthor: key) else { continue }
            if standing.penalty == 0 && standing.strikes == 0 {
                cleared.append(key)
            } else {
                standings.append((key, standing.penalty, standing.strikes))
            }
        }
        do throws(SharedError) {
            try leases.checkpoint.save(partition, standings, cleared: cleared)
        } catch {
            report("\(leases.partitions.key(partition)): checkpoint not written: \(error.message)")
        }
    }

    /// Acknowledges and answers; while Redis is unreachable, tries again (the batch is held, so
    /// nothing is judged twice) unless the run is stopping, in which case the entries stay
    /// pending: a restart answers them from the audit trail.
    /// Returns whether the answers went out (not fenced off, not left pending).
    @discardableResult
    private func answer(
        _ answers: [(entryID: String, verdict: [UInt8], batched: Bool)], events: [Int], to stream: RedisStream
    ) -> Bool {
        let total = events.reduce(0, +)
        while true {
            do throws(SharedError) {
                guard let written = try stream.answer(answers) else {
                    // Another consumer holds the partition's lease now: it claims the entries.
                    leases?.lost(stream)
                    summary.fenced += total
                    report("\(stream.stream): answers refused, the partition's lease is another consumer's; dropped")
                    reachable(stream)
                    return false
                }
                for (k, wasWritten) in written.enumerated() {
                    if wasWritten { summary.answered += events[k] } else { summary.alreadyAnswered += events[k] }
                }
                reachable(stream)
                return true
            } catch {
                unreachable(error, stream)
                if settings.giveUp() {
                    summary.leftPending += total
                    return false
                }
            }
        }
    }

    /// The key that makes an event idempotent: its id, or, when it has none (or cannot be
    /// read), its entry's id — with its place in the entry for a line of an `events` entry.
    private func eventKey(of unit: Unit, in entry: StreamEntry) -> String {
        guard unit.problem == nil, !unit.line.isEmpty else { return fallbackKey(unit, entry) }
        let id: EventID? = unit.line.withUnsafeBufferPointer { bytes in
            switch decoder.decode(bytes, lineNumber: 0) {
            case .success(let event): event.id
            case .failure(let error): error.id
            }
        }
        return key(id, fallback: fallbackKey(unit, entry))
    }

    private func eventKey(of verdict: Verdict, unit: Unit, in entry: StreamEntry) -> String {
        guard unit.problem == nil, !unit.line.isEmpty else { return fallbackKey(unit, entry) }
        return key(verdict.id, fallback: fallbackKey(unit, entry))
    }

    private func fallbackKey(_ unit: Unit, _ entry: StreamEntry) -> String {
        if case .events = entry.content { return "\(entry.id)/\(unit.index)" }
        return entry.id
    }

    private func key(_ id: EventID?, fallback: String) -> String {
        switch id {
        case .string(let text)?, .number(let text)?: text
        case .line?, nil: fallback
        }
    }

    private func reachable(_ stream: RedisStream) {
        guard retryDelay != nil else { return }
        retryDelay = nil
        report("Redis reachable again at \(stream.redis.address)")
    }

    /// Reports the first failure of an outage, then waits before the next attempt (1 s, 2 s,
    /// 4 s… at most 30 s), making the group and script again for a Redis that restarted empty.
    private func unreachable(_ error: SharedError, _ stream: RedisStream) {
        if retryDelay == nil { report("Redis call failed, retrying: \(error.message)") }
        let delay = SharedLink.retryDelay(after: retryDelay)
        retryDelay = delay
        settings.sleep(delay)
        _ = try? stream.prepare()
    }
}

/// How `winnow consume` reads and when it stops.
public struct ConsumeSettings: Sendable {
    /// Events read (and judged) at once: as many entries of one event, fewer of several.
    public var batchSize: Int
    /// How long a read waits for new entries (and so the longest wait before a stop is seen).
    public var blockMilliseconds: Int
    /// Entries pending this long with another consumer are taken over.
    public var claimIdleMilliseconds: Int
    /// Stop once nothing new is left to read and nothing could be claimed.
    public var drain: Bool
    /// Longest event accepted (as `filter --max-line-bytes`); a longer one gets an `error` verdict.
    public var maxLineBytes: Int
    /// Waits (tests make it short).
    public var sleep: @Sendable (Duration) -> Void
    /// Whether to stop retrying an answer while Redis is unreachable (the run is stopping).
    public var giveUp: @Sendable () -> Bool

    public init(
        batchSize: Int = 1024, blockMilliseconds: Int = 1000, claimIdleMilliseconds: Int = 30_000, drain: Bool = false,
        maxLineBytes: Int = 1 << 20,
        sleep: @escaping @Sendable (Duration) -> Void = { duration in
            let (seconds, attoseconds) = duration.components
            var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
            nanosleep(&request, nil)
        },
        giveUp: @escaping @Sendable () -> Bool = { false }
    ) {
        self.batchSize = batchSize
        self.blockMilliseconds = blockMilliseconds
        self.claimIdleMilliseconds = claimIdleMilliseconds
        self.drain = drain
        self.maxLineBytes = maxLineBytes
        self.sleep = sleep
        self.giveUp = giveUp
    }
}

/// What a consume run did.
public struct ConsumeSummary: Sendable, Equatable {
    /// Verdicts written to the verdict stream.
    public var answered = 0
    /// Entries acknowledged meanwhile by someone else (their verdict was not written again).
    public var alreadyAnswered = 0
    /// Redelivered entries answered with the verdict the audit trail holds.
    public var fromAudit = 0
    /// Entries taken over from other consumers.
    public var claimed = 0
    /// Entries judged and recorded but left unacknowledged (Redis was down when the run stopped).
    public var leftPending = 0
    /// Entries whose answers were refused because the partition's lease had passed to another
    /// consumer (they stay pending for it).
    public var fenced = 0
    /// Verdicts judged, per action (indexed like `Action.allCases`).
    public var actionCounts = [Int](repeating: 0, count: Action.allCases.count)

    public init() {}

    mutating func count(_ action: Action) { actionCounts[action.index] += 1 }

    public var judged: Int { actionCounts.reduce(0, +) }
}
