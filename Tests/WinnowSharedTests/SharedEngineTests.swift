import Foundation
import Synchronization
import Testing
import WinnowCore
import WinnowLimits
import WinnowMatch
import WinnowPipeline
import WinnowPolicy
import WinnowRules
import WinnowShared

/// Two engines, as two Winnow instances, on one real Redis.
@Suite("Instances sharing windows through Redis")
struct SharedEngineTests {
    static let s = Micros.perSecond

    final class Instance {
        let engine: Engine
        let scratch = WorkerScratch()
        var next = 0

        init(_ behavior: BehaviorSettings, shared: SharedLink?) throws {
            engine = Engine(stopwords: try StopwordSet(lists: []), policy: Policy(), behavior: behavior, shared: shared)
        }

        /// Ids are unique per instance and time, so that two instances never post the same event.
        func post(_ author: String, _ text: String = "hello", at t: Double) -> Verdict {
            next += 1
            let event = Event(
                id: .string("\(author)-\(next)-\(t)"), author: author, channel: "main", timestamp: t, text: text,
                line: next)
            return engine.judge(event, scratch: scratch, at: Micros(seconds: t))
        }
    }

    /// What the link reported, for the tests to read.
    final class Reports: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
        func add(_ line: String) { lines.withLock { $0.append(line) } }
    }

    func behavior(rate: RateLimit, escalation: Escalation = Escalation(enabled: false)) -> BehaviorSettings {
        BehaviorSettings(escalation: escalation, defaults: ChannelSettings(rateLimits: .init(author: rate)))
    }

    func link(_ server: RedisServer, _ policy: SharedFailurePolicy = .open, _ reports: Reports = Reports()) throws
        -> SharedLink
    {
        SharedLink(store: try RedisWindows(server.address), policy: policy) { reports.add($0) }
    }

    @Test("one author on two instances gets the rate limit once, not twice")
    func sharedRateLimit() throws {
        let server = try RedisServer()
        let rate = RateLimit(events: 3, period: 60 * Self.s)
        let a = try Instance(behavior(rate: rate), shared: link(server))
        let b = try Instance(behavior(rate: rate), shared: link(server))
        let actions = (0..<8).map { k in (k % 2 == 0 ? a : b).post("spammer", at: 1000 + Double(k) / 10).action }
        #expect(actions == [.allow, .allow, .allow, .reject, .reject, .reject, .reject, .reject])
        // Without the shared store each instance would allow three: six in all.
        let c = try Instance(behavior(rate: rate), shared: nil)
        let d = try Instance(behavior(rate: rate), shared: nil)
        let alone = (0..<8).map { k in (k % 2 == 0 ? c : d).post("spammer", at: 1000 + Double(k) / 10).action }
        #expect(alone.filter { $0 == .allow }.count == 6)
    }

    @Test("a timeout from strikes on one instance, and a moderator's ban on the other, hold on both")
    func penaltiesEverywhere() throws {
        let server = try RedisServer()
        let escalation = Escalation(strikeRules: ["rate_limit"], strikes: 2, timeout: 600 * Self.s)
        let rate = RateLimit(events: 1, period: 60 * Self.s)
        let a = try Instance(behavior(rate: rate, escalation: escalation), shared: link(server))
        let b = try Instance(behavior(rate: rate, escalation: escalation), shared: link(server))
        #expect(a.post("troll", at: 100).action == .allow)
        #expect(a.post("troll", at: 101).action == .reject)  // strike 1
        #expect(a.post("troll", at: 102).action == .timeout)  // strike 2: timed out for 10 minutes
        let elsewhere = b.post("troll", at: 103)
        #expect(elsewhere.action == .timeout)
        #expect(elsewhere.reasons.map(\.rule) == ["timeout"])
        #expect(elsewhere.until == 702)
        // A moderator bans through instance b; instance a enforces it.
        b.engine.setPenalty(.ban, author: "raider", at: Micros(seconds: 200), until: Penalty.forever)
        #expect(a.post("raider", at: 201).action == .ban)
    }

    /// The real store, counting the events it is asked about.
    final class CountingStore: SharedWindows {
        let store: RedisWindows
        let asked = Mutex(0)
        init(_ store: RedisWindows) { self.store = store }
        func check(_ requests: [SharedRequest]) throws -> [SharedCheck] {
            asked.withLock { $0 += requests.count }
            return try store.check(requests)
        }
        func impose(_ penalty: Penalty, author: UInt64, now: Micros) throws {
            try store.impose(penalty, author: author, now: now)
        }
        func strikes(_ strikes: [SharedStrike]) throws -> [StrikeOutcome] { try store.strikes(strikes) }
    }

    @Test("over TCP on loopback (redis://127.0.0.1:PORT): one rate limit for two instances")
    func loopbackTCP() throws {
        // The Redis `.ci/run` starts on loopback when there is one ($WINNOW_TEST_REDIS), else a private one.
        var server: RedisServer?
        let address: SharedAddress
        if let given = ProcessInfo.processInfo.environment["WINNOW_TEST_REDIS"] {
            address = try SharedAddress(parsing: given)
        } else {
            server = try RedisServer(loopbackTCP: true)
            address = try SharedAddress(parsing: "redis://127.0.0.1:\(server!.port!)")
        }
        defer { _ = server }
        // An author of its own: a shared Redis may hold other runs' keys.
        let author = "tcp-\(UUID().uuidString)"
        let rate = RateLimit(events: 2, period: 60 * Self.s)
        func instance() throws -> Instance {
            try Instance(
                behavior(rate: rate), shared: SharedLink(store: try RedisWindows(address), policy: .closed) { _ in })
        }
        let a = try instance(), b = try instance()
        let actions = (0..<4).map { k in (k % 2 == 0 ? a : b).post(author, at: 500 + Double(k)).action }
        #expect(actions == [.allow, .allow, .reject, .reject])
    }

    @Test(
        "a known ban is answered without a round trip while remembered; an unban elsewhere holds that long, one here not at all"
    )
    func knownPenalties() throws {
        let server = try RedisServer()
        let rate = RateLimit(events: 100, period: 60 * Self.s)
        let counting = try CountingStore(RedisWindows(server.address))
        let a = try Instance(behavior(rate: rate), shared: link(server))
        // Remembered for a minute here, so that the test does not race the clock; 0.2 s below.
        let b = try Instance(
            behavior(rate: rate),
            shared: SharedLink(store: counting, policy: .open, penaltyCacheTime: .seconds(60)) { _ in })
        a.engine.setPenalty(.ban, author: "spammer", at: Micros(seconds: 10), until: Penalty.forever)
        for k in 0..<5 { #expect(b.post("spammer", at: 11 + Double(k)).action == .ban) }
        #expect(counting.asked.withLock { $0 } == 1)  // the first event asked; the ban was then known
        a.engine.setPenalty(.none, author: "spammer", at: Micros(seconds: 20), until: 0)
        #expect(b.post("spammer", at: 21).action == .ban)  // still remembered here
        let c = try Instance(
            behavior(rate: rate),
            shared: SharedLink(store: counting, policy: .open, penaltyCacheTime: .milliseconds(200)) { _ in })
        a.engine.setPenalty(.ban, author: "spammer", at: Micros(seconds: 22), until: Penalty.forever)
        #expect(c.post("spammer", at: 23).action == .ban)
        a.engine.setPenalty(.none, author: "spammer", at: Micros(seconds: 24), until: 0)
        usleep(300_000)
        #expect(c.post("spammer", at: 25).action == .allow)  // forgotten, asked again
        // Lifted through this instance: forgotten at once.
        b.engine.setPenalty(.ban, author: "other", at: Micros(seconds: 30), until: Penalty.forever)
        #expect(b.post("other", at: 31).action == .ban)
        b.engine.setPenalty(.none, author: "other", at: Micros(seconds: 32), until: 0)
        #expect(b.post("other", at: 33).action == .allow)
    }

    @Test(
        "one instance with the shared store answers byte for byte as without it (the bundled sample, every rule on, event time)"
    )
    func sameAsLocal() throws {
        let server = try RedisServer()
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures")
        let (lists, errors) = WordlistDirectory.load(fixtures.appendingPathComponent("wordlists").path)
        #expect(errors.isEmpty)
        let stopwords = try StopwordSet(lists: lists)
        var input = fixtures.appendingPathComponent("comments/youtube-spam-collection.ndjson").path
        func run(_ shared: SharedLink?) throws -> Data {
            let engine = Engine(stopwords: stopwords, policy: Policy(), behavior: .defaultPolicy, shared: shared)
            let options = FilterOptions(workers: 2, clock: .event)
            let output = server.folder.appendingPathComponent("out-\(shared == nil ? "local" : "shared").ndjson").path
            let inFD = open(input, O_RDONLY), outFD = open(output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            defer { close(inFD) }
            _ = try FilterPipeline(engine: engine, options: options).run(input: inFD, output: outFD)
            close(outFD)
            return try Data(contentsOf: URL(fileURLWithPath: output))
        }
        let local = try run(nil)
        let shared = try run(link(server))
        #expect(local.count > 100_000)
        #expect(shared == local)
        // And the state really went through Redis.
        guard case .integer(let keys) = try RedisConnection(server.address).command(["DBSIZE"]) else {
            Issue.record("DBSIZE")
            return
        }
        #expect(keys > 100)
        // Campaigns and escalation: strikes counted in Redis a chunk at a time, 320 timeouts,
        // each on the same event as locally.
        input = fixtures.appendingPathComponent("comments/flood-workload.ndjson").path
        let floodLocal = try run(nil)
        _ = try RedisConnection(server.address).command(["FLUSHALL"])
        let floodShared = try run(link(server))
        #expect(
            String(decoding: floodLocal, as: UTF8.self).components(separatedBy: #""action":"timeout""#).count == 321)
        let differing = zip(floodLocal.split(separator: 0x0A), floodShared.split(separator: 0x0A)).filter { $0 != $1 }
        #expect(
            differing.isEmpty,
            "\(differing.count) verdicts differ, first: \(differing.first.map { String(decoding: $0.0, as: UTF8.self) + " / " + String(decoding: $0.1, as: UTF8.self) } ?? "")"
        )
        input = fixtures.appendingPathComponent("comments/youtube-spam-collection.ndjson").path
        // Redis gone, 'closed': every event is held, none is lost, the outage reported once.
        let reports = Reports()
        let closed = try link(server, .closed, reports)
        server.kill()
        let lines = try run(closed).split(separator: 0x0A)
        #expect(lines.count == local.split(separator: 0x0A).count)
        #expect(
            lines.allSatisfy {
                String(decoding: $0, as: UTF8.self).contains(#""action":"hold","reasons":[{"rule":"shared""#)
            })
        #expect(reports.all.count == 1)
        #expect(closed.failedEvents == lines.count)
    }

    @Test("while Redis is down it is asked again after 1 s, 2 s, 4 s… at most every 30 s")
    func backOff() {
        var delays: [Duration] = []
        var delay: Duration? = nil
        for _ in 0..<8 {
            delay = SharedLink.retryDelay(after: delay)
            delays.append(delay!)
        }
        #expect(delays == [1, 2, 4, 8, 16, 30, 30, 30].map { Duration.seconds($0) })
    }

    @Test(
        "Redis down: 'open' falls back to this instance's windows, 'closed' holds; outage and recovery reported once each"
    )
    func failurePolicies() throws {
        let server = try RedisServer()
        let rate = RateLimit(events: 1, period: 60 * Self.s)
        let openReports = Reports(), closedReports = Reports()
        let open = try Instance(behavior(rate: rate), shared: link(server, .open, openReports))
        let closed = try Instance(behavior(rate: rate), shared: link(server, .closed, closedReports))
        #expect(open.post("amy", at: 10).action == .allow)
        server.kill()
        // Open: amy's first event on this instance's own table, then its limit.
        #expect(open.post("bob", at: 11).action == .allow)
        #expect(open.post("bob", at: 12).action == .reject)
        let held = closed.post("cid", at: 13)
        #expect(held.action == .hold)
        #expect(held.reasons.map(\.rule) == ["shared"])
        #expect(held.reasons.first?.message?.hasPrefix("shared state unreachable: unix://") == true)
        #expect(closed.post("cid", at: 14).action == .hold)
        #expect(openReports.all.count == 1 && openReports.all[0].hasPrefix("shared state unreachable"))
        #expect(closedReports.all.count == 1)
        #expect(closed.engine.shared?.failedEvents == 2)
        // Redis comes back (empty: a restart without persistence); a second after the outage
        // the store is asked again, and the scripts are loaded anew.
        let restarted = try RedisServer(replacing: server)
        usleep(1_100_000)
        #expect(closed.post("cid", at: 16).action == .allow)
        #expect(closed.post("cid", at: 17).action == .reject)  // the shared limit again
        #expect(closedReports.all.count == 2)
        #expect(closedReports.all[1] == "shared state reachable again (2 events so far under the 'closed' policy)")
        withExtendedLifetime(restarted) {}
    }
}
