import Foundation
import Testing
import WinnowAudit
import WinnowConsume
import WinnowCore
import WinnowLimits
import WinnowMatch
import WinnowPipeline
import WinnowPolicy
import WinnowRules
import WinnowShared

/// `winnow consume`'s loop on a real Redis Stream and a real SQLite audit trail.
@Suite("Consuming a Redis Stream")
struct ConsumeTests {
    static let wordlists = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/wordlists").path

    /// An engine on the fixture lists (`zorblax` is rejected, a strike) with escalation after
    /// three strikes, judged on event time.
    static func judge() throws -> BatchJudge {
        let (lists, errors) = WordlistDirectory.load(wordlists)
        #expect(errors.isEmpty)
        let behavior = BehaviorSettings(escalation: Escalation(strikes: 3))
        let engine = Engine(stopwords: try StopwordSet(lists: lists), policy: Policy(), behavior: behavior)
        return BatchJudge(engine: engine, workers: 2, clock: .event, lateTolerance: 5 * Micros.perSecond)
    }

    static func event(_ id: String, _ author: String, _ text: String, at ts: Double) -> String {
        #"{"id":"\#(id)","author":"\#(author)","channel":"main","ts":\#(ts),"text":"\#(text)"}"#
    }

    static func add(_ redis: RedisConnection, _ fields: [String], stream: String = "in") throws {
        let reply = try redis.command(["XADD", stream, "*"] + fields)
        #expect(reply.text != nil, "\(reply)")
    }

    /// The verdict stream as (input entry, verdict line), in order.
    static func verdicts(_ redis: RedisConnection, stream: String = "in:verdicts") throws -> [(
        entry: String, verdict: String
    )] {
        guard case .array(let items) = try redis.command(["XRANGE", stream, "-", "+"]) else { return [] }
        return items.compactMap { item in
            guard case .array(let parts) = item, case .array(let fields) = parts[1], fields.count == 4,
                let entry = fields[1].text, let verdict = fields[3].text
            else { return nil }
            return (entry, verdict)
        }
    }

    static func pendingCount(_ redis: RedisConnection) throws -> Int64 {
        guard case .array(let summary) = try redis.command(["XPENDING", "in", "g"]),
            case .integer(let count) = summary[0]
        else {
            return -1
        }
        return count
    }

    static func stream(_ server: RedisServer, consumer: String = "c1") throws -> RedisStream {
        try RedisStream(
            server.address, stream: "in", group: "g", consumer: consumer, verdictStream: "in:verdicts",
            verdictStreamLimit: 0)
    }

    static func trail(_ folder: URL) throws -> AuditTrail {
        try AuditTrail(
            store: AuditStore(path: folder.appendingPathComponent("audit.sqlite").path),
            configuration: AuditedConfiguration(wordlists: "fixture", policy: "test"), source: "consume")
    }

    static let quick = ConsumeSettings(batchSize: 100, blockMilliseconds: 10, drain: true, sleep: { _ in })

    @Test(
        "every entry gets exactly one verdict, in order, and is acknowledged after its audit row; bad entries get error verdicts"
    )
    func consumesInOrder() throws {
        let server = try RedisServer()
        let redis = try RedisConnection(server.address)
        try Self.add(redis, ["event", Self.event("e1", "ann", "hello there", at: 1000)])
        try Self.add(redis, ["event", Self.event("e2", "bob", "you zorblax", at: 1001)])
        try Self.add(redis, ["event", "{not json"])
        try Self.add(redis, ["body", "no event field"])
        try Self.add(redis, ["event", Self.event("e5", "ann", "what a shit day", at: 1002)])
        let trail = try Self.trail(server.folder)
        let consumer = StreamConsumer(
            stream: try Self.stream(server), judge: try Self.judge(), audit: trail, settings: Self.quick
        ) { _ in }
        try consumer.run { false }

        let out = try Self.verdicts(redis)
        #expect(out.count == 5)
        let actions = out.map { line -> String in
            let json = try? JSONSerialization.jsonObject(with: Data(line.verdict.utf8)) as? [String: Any]
            return json?["action"] as? String ?? "?"
        }
        #expect(actions == ["allow", "reject", "error", "error", "censor"])
        #expect(out[2].verdict.contains("expected"), "\(out[2].verdict)")
        #expect(
            out[3].verdict.contains("stream entry \(out[3].entry) has no 'event' or 'events' field"),
            "\(out[3].verdict)")
        #expect(out[4].verdict.contains(#""span":[7,11]"#), "\(out[4].verdict)")
        #expect(try Self.pendingCount(redis) == 0)
        #expect(consumer.summary.answered == 5)
        #expect(consumer.summary.judged == 5)
        #expect(try trail.store.count(.events) == 5)
        #expect(try trail.store.count(.consumed) == 5)
        // The audit row holds the very line the verdict stream got.
        #expect(try trail.store.consumedVerdict(stream: "in", eventKey: "e2") == out[1].verdict)
        // A line without a readable id is keyed by its entry.
        #expect(try trail.store.consumedVerdict(stream: "in", eventKey: out[3].entry) == out[3].verdict)
    }

    @Test("an event longer than --max-line-bytes gets an error verdict and the stream goes on")
    func overlongEvent() throws {
        let server = try RedisServer()
        let redis = try RedisConnection(server.address)
        try Self.add(redis, ["event", Self.event("long", "ann", String(repeating: "a", count: 300), at: 1000)])
        try Self.add(redis, ["event", Self.event("short", "ann", "hello", at: 1001)])
        var settings = Self.quick
        settings.maxLineBytes = 200
        let consumer = StreamConsumer(
            stream: try Self.stream(server), judge: try Self.judge(), audit: nil, settings: settings
        ) { _ in }
        try consumer.run { false }
        let out = try Self.verdicts(redis)
        #expect(out.count == 2)
        #expect(
            out[0].verdict.contains(#""action":"error""#)
                && out[0].verdict.contains(
                    "line is longer than the maximum of 200 bytes (367 bytes); see --max-line-bytes"),
            "\(out[0].verdict)")
        #expect(out[1].verdict.contains(#""id":"short","action":"allow""#), "\(out[1].verdict)")
    }

    @Test("an entry delivered again is answered from the audit trail: its strike is not counted twice")
    func redeliveryIsIdempotent() throws {
        let server = try RedisServer()
        let redis = try RedisConnection(server.address)
        try Self.add(redis, ["event", Self.event("s1", "troll", "zorblax one", at: 1000)])
        try Self.add(redis, ["event", Self.event("s2", "troll", "zorblax two", at: 1001)])
        let judge = try Self.judge()
        let trail = try Self.trail(server.folder)
        // First run: judged and recorded, but the answer cannot be written (the verdict stream's
        // key holds a string): the run gives up with both entries pending — a crash between the
        // audit commit and the acknowledgement.
        _ = try redis.command(["SET", "in:verdicts", "in the way"])
        var failing = Self.quick
        failing.giveUp = { true }
        let reports = ConsumerReports()
        let first = StreamConsumer(stream: try Self.stream(server), judge: judge, audit: trail, settings: failing) {
            reports.add($0)
        }
        try first.run { false }
        #expect(first.summary.leftPending == 2)
        #expect(try Self.pendingCount(redis) == 2)
        #expect(reports.all.contains { $0.contains("WRONGTYPE") }, "\(reports.all)")
        _ = try redis.command(["DEL", "in:verdicts"])

        // Second run, same consumer, same engine and trail: the two pending entries come back
        // first and are answered from the trail; the third strike is the new entry's.
        try Self.add(redis, ["event", Self.event("s3", "troll", "zorblax three", at: 1002)])
        let second = StreamConsumer(stream: try Self.stream(server), judge: judge, audit: trail, settings: Self.quick) {
            _ in
        }
        try second.run { false }
        #expect(second.summary.fromAudit == 2)
        #expect(second.summary.judged == 1)
        let out = try Self.verdicts(redis)
        #expect(out.count == 3)
        #expect(out[0].verdict.contains(#""id":"s1","action":"reject""#), "\(out[0].verdict)")
        #expect(out[1].verdict.contains(#""id":"s2","action":"reject""#), "\(out[1].verdict)")
        // Strike 3 of 3: s1 and s2 were counted once each.
        #expect(out[2].verdict.contains(#""id":"s3","action":"timeout""#), "\(out[2].verdict)")
        #expect(out[2].verdict.contains("strike 3 of 3"), "\(out[2].verdict)")
        #expect(try Self.pendingCount(redis) == 0)
        #expect(try trail.store.count(.events) == 3)
    }

    @Test("entries left pending by a consumer that died are claimed by another, each answered once")
    func claimsAbandonedEntries() throws {
        let server = try RedisServer()
        let redis = try RedisConnection(server.address)
        for k in 0..<10 {
            try Self.add(redis, ["event", Self.event("e\(k)", "a\(k)", "hello \(k)", at: 1000 + Double(k))])
        }
        // A consumer reads four entries and dies without answering.
        let dead = try Self.stream(server, consumer: "dead")
        #expect(try dead.readNew(count: 4, blockMilliseconds: 10).count == 4)
        usleep(30_000)
        var settings = Self.quick
        settings.claimIdleMilliseconds = 20
        let live = StreamConsumer(
            stream: try Self.stream(server, consumer: "live"), judge: try Self.judge(), audit: nil, settings: settings
        ) { _ in }
        try live.run { false }
        #expect(live.summary.claimed == 4)
        #expect(live.summary.answered == 10)
        let out = try Self.verdicts(redis)
        #expect(out.count == 10)
        #expect(Set(out.map(\.entry)).count == 10)
        #expect(try Self.pendingCount(redis) == 0)
        // The dead consumer's late answer changes nothing: its entries were answered already.
        #expect(try dead.answer([(out[0].entry, Array("late".utf8), false)]) == [false])
        #expect(try Self.verdicts(redis).count == 10)
    }
}

/// Entries of several events (`events`, as `winnow route` writes them).
extension ConsumeTests {
    /// The verdict stream's entries as (input entry, field, value), in order.
    static func answers(_ redis: RedisConnection) throws -> [(entry: String, field: String, value: String)] {
        guard case .array(let items) = try redis.command(["XRANGE", "in:verdicts", "-", "+"]) else { return [] }
        return items.compactMap { item in
            guard case .array(let parts) = item, case .array(let fields) = parts[1], fields.count == 4,
                let entry = fields[1].text, let field = fields[2].text, let value = fields[3].text
            else { return nil }
            return (entry, field, value)
        }
    }

    static func action(_ line: Substring) -> String {
        let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        return json?["action"] as? String ?? "?"
    }

    @Test("an entry of several events is answered by one entry of their verdicts in order, bad lines in place")
    func entryOfSeveralEvents() throws {
        let server = try RedisServer()
        let redis = try RedisConnection(server.address)
        let lines = [
            Self.event("e1", "ann", "hello there", at: 1000), "{not json",
            Self.event("e3", "bob", String(repeating: "a", count: 300), at: 1001),
            Self.event("e4", "bob", "you zorblax", at: 1002),
        ]
        try Self.add(redis, ["events", lines.joined(separator: "\n") + "\r\n"])
        try Self.add(redis, ["event", Self.event("e5", "ann", "what a shit day", at: 1003)])
        try Self.add(redis, ["events", ""])
        var settings = Self.quick
        settings.maxLineBytes = 200
        let trail = try Self.trail(server.folder)
        let consumer = StreamConsumer(
            stream: try Self.stream(server), judge: try Self.judge(), audit: trail, settings: settings
        ) { _ in }
        try consumer.run { false }
        let out = try Self.answers(redis)
        #expect(out.map(\.field) == ["verdicts", "verdict", "verdicts"])
        let first = out[0].value.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(first.map(Self.action) == ["allow", "error", "error", "reject"], "\(out[0].value)")
        #expect(first[1].contains("expected"), "\(first[1])")
        #expect(first[2].contains("line is longer than the maximum of 200 bytes"), "\(first[2])")
        #expect(first[3].hasPrefix(#"{"id":"e4","action":"reject""#), "\(first[3])")
        #expect(out[1].value.hasPrefix(#"{"id":"e5","action":"censor""#), "\(out[1].value)")
        #expect(
            out[2].value.contains(#""action":"error""#)
                && out[2].value.contains("stream entry \(out[2].entry) has an empty 'events' field"), "\(out[2].value)")
        #expect(try Self.pendingCount(redis) == 0)
        #expect(consumer.summary.answered == 6)
        #expect(consumer.summary.judged == 6)
        #expect(try trail.store.count(.consumed) == 6)
        // Lines without a readable id are keyed by their entry and their place in it.
        #expect(try trail.store.consumedVerdict(stream: "in", eventKey: out[0].entry + "/1") == String(first[1]))
        #expect(try trail.store.consumedVerdict(stream: "in", eventKey: "e4") == String(first[3]))
    }

    @Test("an entry of several events delivered again is answered from the audit trail, lines without ids too")
    func entryOfSeveralEventsRedelivered() throws {
        let server = try RedisServer()
        let redis = try RedisConnection(server.address)
        try Self.add(
            redis,
            [
                "events",
                [
                    Self.event("s1", "troll", "zorblax one", at: 1000),
                    #"{"author":"troll","ts":1001,"text":"zorblax"}"#,
                ].joined(separator: "\n"),
            ])
        let judge = try Self.judge()
        let trail = try Self.trail(server.folder)
        // Judged and recorded, but not answered (the verdict stream's key is in the way).
        _ = try redis.command(["SET", "in:verdicts", "in the way"])
        var failing = Self.quick
        failing.giveUp = { true }
        let first = StreamConsumer(stream: try Self.stream(server), judge: judge, audit: trail, settings: failing) {
            _ in
        }
        try first.run { false }
        #expect(first.summary.leftPending == 2)
        _ = try redis.command(["DEL", "in:verdicts"])
        try Self.add(redis, ["events", Self.event("s3", "troll", "zorblax three", at: 1002)])
        let second = StreamConsumer(stream: try Self.stream(server), judge: judge, audit: trail, settings: Self.quick) {
            _ in
        }
        try second.run { false }
        #expect(second.summary.fromAudit == 2)
        #expect(second.summary.judged == 1)
        let out = try Self.answers(redis)
        #expect(out.count == 2)
        let lines = out[0].value.split(separator: "\n")
        #expect(lines.map(Self.action) == ["reject", "reject"], "\(out[0].value)")
        // Strike 3 of 3: the first entry's two were counted once each.
        #expect(out[1].value.contains(#""id":"s3","action":"timeout""#), "\(out[1].value)")
        #expect(try Self.pendingCount(redis) == 0)
    }
}

/// `--shared-windows penalties`: timeouts and bans through the penalty log, once per batch.
extension ConsumeTests {
    /// The penalty log's entries: (author key in hex, penalty text, origin).
    static func penaltyLog(_ redis: RedisConnection) throws -> [(author: String, penalty: String, origin: String)] {
        guard case .array(let items) = try redis.command(["XRANGE", PenaltyFeed.logKey(prefix: "winnow"), "-", "+"])
        else { return [] }
        return items.compactMap { item in
            guard case .array(let parts) = item, case .array(let fields) = parts[1], fields.count == 6,
                let author = fields[1].text, let penalty = fields[3].text, let origin = fields[5].text
            else { return nil }
            return (author, penalty, origin)
        }
    }

    static func hex(_ author: String) -> String {
        let digits = String(BehaviorState.authorKey(author), radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    @Test(
        "penalty log: a timeout given here is published once; a ban and an unban given elsewhere hold from the next batch"
    )
    func penaltyLog() throws {
        let server = try RedisServer()
        let redis = try RedisConnection(server.address)
        let sidecar = try RedisWindows(server.address)
        let consumer = StreamConsumer(
            stream: try Self.stream(server), judge: try Self.judge(), audit: nil, settings: Self.quick
        ) { _ in }
        consumer.penaltyFeed = try PenaltyFeed(server.address, origin: "a")
        // Strike three: troll is timed out; the timeout's later verdict publishes nothing more.
        try Self.add(
            redis,
            [
                "events",
                [
                    Self.event("s1", "troll", "zorblax one", at: 1000),
                    Self.event("s2", "troll", "zorblax two", at: 1001),
                    Self.event("s3", "troll", "zorblax three", at: 1002), Self.event("s4", "troll", "hello", at: 1003),
                    Self.event("h1", "ann", "hello", at: 1003),
                ].joined(separator: "\n"),
            ])
        try consumer.run { false }
        var log = try Self.penaltyLog(redis)
        #expect(log.map(\.author) == [Self.hex("troll")])
        #expect(log.first?.origin == "a")
        #expect(log.first?.penalty.hasSuffix(" 1 1") == true, "\(log)")  // a timeout, the first
        // A moderator bans ann through a sidecar: the consumer's next batch knows it.
        try sidecar.impose(
            Penalty(kind: .ban, until: Penalty.forever, timeouts: 0), author: BehaviorState.authorKey("ann"),
            now: 1004 * Micros.perSecond)
        try Self.add(redis, ["event", Self.event("h2", "ann", "hello again", at: 1005)])
        try consumer.run { false }
        // Lifted again: allowed from the next batch on.
        try sidecar.impose(
            Penalty(kind: .none, until: 0, timeouts: 0), author: BehaviorState.authorKey("ann"),
            now: 1006 * Micros.perSecond)
        try Self.add(redis, ["event", Self.event("h3", "ann", "hello once more", at: 1007)])
        try consumer.run { false }
        let out = try Self.answers(redis)
        #expect(out.count == 3)
        let first = out[0].value.split(separator: "\n").map(Self.action)
        #expect(first == ["reject", "reject", "timeout", "timeout", "allow"], "\(out[0].value)")
        #expect(out[1].value.contains(#""id":"h2","action":"ban""#), "\(out[1].value)")
        #expect(out[2].value.contains(#""id":"h3","action":"allow""#), "\(out[2].value)")
        // The ban and the unban are the sidecar's entries; the consumer published nothing more.
        log = try Self.penaltyLog(redis)
        #expect(log.map(\.origin) == ["a", "shared", "shared"])

        // Another owner (a rebalance) reads the whole log at start: troll's timeout holds there.
        try Self.add(redis, ["event", Self.event("s5", "troll", "hello", at: 1008)], stream: "other")
        let other = StreamConsumer(
            stream: try RedisStream(
                server.address, stream: "other", group: "g", consumer: "b", verdictStream: "in:verdicts",
                verdictStreamLimit: 0),
            judge: try Self.judge(), audit: nil, settings: Self.quick
        ) { _ in }
        other.penaltyFeed = try PenaltyFeed(server.address, origin: "b")
        try other.run { false }
        let last = try Self.verdicts(redis).last
        #expect(last?.verdict.contains(#""id":"s5","action":"timeout""#) == true, "\(last?.verdict ?? "none")")
    }
}

/// `--shared-windows global`: flood campaigns through the campaign log, once per batch.
extension ConsumeTests {
    /// Eight authors post one text, alternately through two owners, a batch each: with the
    /// campaign log each owner counts the other's copies, and the fifth copy (the flood's
    /// threshold) is refused where one instance seeing all would refuse it; without it neither
    /// owner ever sees five.
    @Test("campaign log: a flood split over two owners is refused from its fifth copy, as on one instance")
    func campaignLog() throws {
        let behavior = BehaviorSettings(flood: FloodRule())
        let text = { (_: Int) in "visit quantum gadgets warehouse tonight" }
        #expect(try Self.alternating(behavior, shares: false, rule: "flood", text: text).named == [])
        let shared = try Self.alternating(behavior, shares: true, rule: "flood", text: text)
        #expect(shared.named == ["e5", "e6", "e7", "e8"])
        // One entry per batch that counted a copy.
        #expect(shared.logEntries == 8)
    }

    /// Owners `a` and `b` judging eight events of eight authors in channel `main`, one a batch,
    /// alternately, each event 0.1 s after the one before, on `behavior`; `shares`: through the
    /// window log; `text`: the k-th event's. Returns the ids whose verdict names `rule`, and
    /// how many entries the window log holds.
    static func alternating(
        _ behavior: BehaviorSettings, shares: Bool, rule: String, text: (Int) -> String = { "hello number \($0)" }
    ) throws -> (named: [String], logEntries: Int64) {
        let server = try RedisServer()
        let redis = try RedisConnection(server.address)
        let (lists, _) = WordlistDirectory.load(Self.wordlists)
        var owners: [StreamConsumer] = []
        for name in ["a", "b"] {
            let engine = Engine(stopwords: try StopwordSet(lists: lists), policy: Policy(), behavior: behavior)
            let consumer = StreamConsumer(
                stream: try RedisStream(
                    server.address, stream: name, group: "g", consumer: "c", verdictStream: "\(name):verdicts",
                    verdictStreamLimit: 0),
                judge: BatchJudge(engine: engine, workers: 1, clock: .event, lateTolerance: 5 * Micros.perSecond),
                audit: nil, settings: Self.quick
            ) { _ in }
            if shares { consumer.windowFeed = try WindowFeed(server.address, origin: name) }
            owners.append(consumer)
        }
        var named: [String] = []
        for k in 1...8 {
            let stream = ["a", "b"][(k + 1) % 2]
            try Self.add(
                redis, ["event", Self.event("e\(k)", "c\(k)", text(k), at: 1000 + Double(k) / 10)],
                stream: stream)
            try owners[(k + 1) % 2].run { false }
            let verdict = try Self.verdicts(redis, stream: "\(stream):verdicts").last?.verdict ?? ""
            if verdict.contains(#""rule":"\#(rule)""#) { named.append("e\(k)") }
        }
        guard case .integer(let entries) = try redis.command(["XLEN", WindowFeed.logKey(prefix: "winnow")]) else {
            return (named, 0)
        }
        return (named, entries)
    }

    /// A channel limit of 4 a minute over eight authors, their events dealt alternately to two
    /// owners: one instance seeing all refuses the fifth to eighth; each owner alone sees four
    /// and refuses none; with the window log each counts the other's events in the channel.
    @Test("window log: a channel's rate limit split over two owners refuses from the fifth event, as on one")
    func channelLimitLog() throws {
        let behavior = BehaviorSettings(
            defaults: ChannelSettings(rateLimits: .init(channel: RateLimit(events: 4, period: 60 * Micros.perSecond))))
        #expect(try Self.alternating(behavior, shares: false, rule: "rate_limit").named == [])
        #expect(try Self.alternating(behavior, shares: true, rule: "rate_limit").named == ["e5", "e6", "e7", "e8"])
    }

    /// A raid needing four newcomers a minute: eight first-seen authors dealt alternately to two
    /// owners; one instance calls it a raid from the fourth, two owners alone never (two each
    /// at the fourth… four each only at the eighth: 4 of 8), with the log from the fourth.
    @Test("window log: newcomers split over two owners make a raid from the fourth, as on one instance")
    func raidLog() throws {
        let behavior = BehaviorSettings(
            raid: RaidRule(minNewcomers: 4, factor: 1, warmUpWindows: 0, slowMode: 0))
        #expect(try Self.alternating(behavior, shares: false, rule: "raid").named == ["e7", "e8"])
        #expect(try Self.alternating(behavior, shares: true, rule: "raid").named == ["e4", "e5", "e6", "e7", "e8"])
    }

    @Test("window log records: channel deltas of 56 characters; a malformed one is skipped; a raid's end kept")
    func channelRecords() {
        let deltas = [
            ChannelDeltas.Delta(
                channel: 0xABC, kind: .rate, count: 3, first: 1_700_000_000_000_123, last: 1_700_000_001_000_999,
                value: 15 * Micros.perSecond),
            ChannelDeltas.Delta(channel: 7, kind: .raid, count: 1, first: 5000, last: 5000, value: 305_000_000),
        ]
        let text = String(decoding: WindowFeed.bytes(of: deltas), as: UTF8.self)
        #expect(text.count == 112)
        #expect(WindowFeed.channelDeltas(in: Array(text.utf8)) == deltas)
        #expect(deltas[0].first == 1_700_000_000_000_000 && deltas[0].last == 1_700_000_001_000_000)
        let bad = String(text.prefix(56)) + "zz" + String(text.suffix(56))
        #expect(WindowFeed.channelDeltas(in: Array(bad.utf8)) == [deltas[0]])
    }

    @Test(
        "campaign log records: 16 bytes each, the fingerprint then milliseconds and the spam bit; a torn tail ignored")
    func campaignRecords() {
        let copies = [
            CampaignCopy(fingerprint: 255, spamSignal: true, time: 1_700_000_000_000 * 1000 + 999),
            CampaignCopy(fingerprint: 0x0123_4567_89ab_cdef, spamSignal: false, time: 1000),
        ]
        let bytes = WindowFeed.bytes(of: copies)
        // Little-endian: 255, then 1,700,000,000,000 << 1 | 1 = 0x3179FCAD001.
        #expect(bytes.count == 32)
        #expect(Array(bytes[0..<8]) == [255, 0, 0, 0, 0, 0, 0, 0])
        #expect(Array(bytes[8..<16]) == [0x01, 0xD0, 0xCA, 0x9F, 0x17, 0x03, 0, 0])
        #expect(Array(bytes[16..<24]) == [0xEF, 0xCD, 0xAB, 0x89, 0x67, 0x45, 0x23, 0x01])
        // Read back to the millisecond (the 999 µs are not sent).
        let read = WindowFeed.copies(in: bytes)
        #expect(
            read == [
                CampaignCopy(fingerprint: 255, spamSignal: true, time: 1_700_000_000_000 * 1000),
                CampaignCopy(fingerprint: 0x0123_4567_89ab_cdef, spamSignal: false, time: 1000),
            ])
        #expect(WindowFeed.copies(in: bytes + [1, 2, 3]) == read)
        #expect(WindowFeed.copies(in: Array(bytes.prefix(15))) == [])
    }
}

extension ConsumeTests {
    @Test(
        "Redis killed and restarted (from its append-only file) under a running consumer: every entry answered exactly once"
    )
    func redisRestartedUnderLoad() throws {
        let server = try RedisServer(persistent: true)
        let redis = try RedisConnection(server.address)
        func addEvents(_ range: Range<Int>) throws {
            _ = try RedisConnection(server.address).pipeline(
                range.map { k in
                    [
                        "XADD", "in", "*", "event",
                        Self.event(
                            "e\(k)", "a\(k % 50)", k % 7 == 0 ? "zorblax \(k)" : "hello \(k)", at: 1000 + Double(k)),
                    ]
                })
        }
        try addEvents(0..<3000)
        let reports = ConsumerReports()
        let stop = StopFlag()
        var settings = ConsumeSettings(
            batchSize: 100, blockMilliseconds: 50, claimIdleMilliseconds: 60_000, sleep: { _ in usleep(20_000) })
        settings.giveUp = { stop.isSet }
        let consumer = StreamConsumer(
            stream: try Self.stream(server), judge: try Self.judge(), audit: try Self.trail(server.folder),
            settings: settings
        ) { reports.add($0) }
        let done = DispatchSemaphore(value: 0)
        // Handed to the thread and read back only after it is done.
        let box = UncheckedBox(consumer)
        let thread = Thread {
            try? box.value.run { stop.isSet }
            done.signal()
        }
        thread.start()
        func answered(_ address: SharedAddress) -> Int64 {
            guard let connection = try? RedisConnection(address),
                case .integer(let n)? = try? connection.command(["XLEN", "in:verdicts"])
            else { return -1 }
            return n
        }
        var waited = 0
        while answered(server.address) < 500, waited < 1000 {
            usleep(10_000)
            waited += 1
        }
        let beforeKill = answered(server.address)
        server.kill()
        usleep(100_000)
        let restarted = try RedisServer(replacing: server, persistent: true)
        try addEvents(3000..<4000)
        waited = 0
        while answered(restarted.address) < 4000, waited < 3000 {
            usleep(10_000)
            waited += 1
        }
        stop.set()
        done.wait()
        _ = redis
        let after = try RedisConnection(restarted.address)
        let out = try Self.verdicts(after)
        #expect(out.count == 4000)
        #expect(Set(out.map(\.entry)).count == 4000)
        guard case .array(let pending) = try after.command(["XPENDING", "in", "g"]) else { return }
        #expect(pending.first == .integer(0))
        #expect(reports.all.contains { $0.hasPrefix("Redis call failed, retrying") }, "\(reports.all)")
        #expect(reports.all.contains { $0.hasPrefix("Redis reachable again") }, "\(reports.all)")
        #expect(consumer.summary.leftPending == 0)
        #expect(beforeKill < 3000, "the consumer was done before Redis was killed")
    }
}

final class UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Set once, read from another thread.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

/// What a consumer reported, for the tests to read.
final class ConsumerReports: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var all: [String] { lock.withLock { lines } }
    func add(_ line: String) { lock.withLock { lines.append(line) } }
}
