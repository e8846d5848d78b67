import Foundation
import Testing
import WinnowCore
import WinnowLimits
import WinnowMatch
import WinnowPipeline
import WinnowRules
import WinnowPolicy
import WinnowShared
import WinnowTestSupport

/// Strikes counted in Redis: every instance's add up, each event once.
@Suite("Strikes shared through Redis")
struct SharedStrikeTests {
    static let s = Micros.perSecond

    /// An instance judging on the fixture lists (`zorblax` is rejected: a strike), without rate limits.
    final class Instance {
        let engine: Engine
        let scratch = WorkerScratch()

        init(_ escalation: Escalation, shared: SharedLink?) throws {
            let (lists, _) = WordlistDirectory.load(ConsumeTests.wordlists)
            let behavior = BehaviorSettings(escalation: escalation, defaults: ChannelSettings(rateLimits: .init()))
            engine = Engine(
                stopwords: try StopwordSet(lists: lists), policy: Policy(), behavior: behavior, shared: shared)
        }

        func post(_ id: String, _ author: String, _ text: String, at t: Double) -> Verdict {
            let event = Event(id: .string(id), author: author, channel: "main", timestamp: t, text: text, line: 1)
            return engine.judge(event, scratch: scratch, at: Micros(seconds: t))
        }
    }

    static func link(_ server: RedisServer) throws -> SharedLink {
        SharedLink(store: try RedisWindows(server.address), policy: .open) { _ in }
    }

    @Test("strikes on two instances add up to the timeout; without sharing neither instance reaches it")
    func strikesAddUp() throws {
        let server = try RedisServer()
        let escalation = Escalation(strikes: 3, window: 60 * Self.s, timeout: 30 * Self.s)
        let a = try Instance(escalation, shared: Self.link(server))
        let b = try Instance(escalation, shared: Self.link(server))
        #expect(a.post("1", "troll", "zorblax", at: 100).action == .reject)
        #expect(b.post("2", "troll", "zorblax", at: 101).action == .reject)
        let third = a.post("3", "troll", "zorblax", at: 102)
        #expect(third.action == .timeout)
        #expect(third.until == 132)
        #expect(third.reasons.last?.message == "strike 3 of 3 in 1m: timed out for 30s (timeout 1)")
        // The timeout holds on the other instance too.
        #expect(b.post("4", "troll", "hello", at: 103).action == .timeout)

        let c = try Instance(escalation, shared: nil)
        let d = try Instance(escalation, shared: nil)
        #expect(c.post("1", "troll", "zorblax", at: 100).action == .reject)
        #expect(d.post("2", "troll", "zorblax", at: 101).action == .reject)
        #expect(c.post("3", "troll", "zorblax", at: 102).action == .reject)
    }

    @Test("the same event judged again, here or on another instance, is not a second strike")
    func strikesAreIdempotent() throws {
        let server = try RedisServer()
        let escalation = Escalation(strikes: 3, window: 60 * Self.s, timeout: 30 * Self.s)
        let a = try Instance(escalation, shared: Self.link(server))
        let b = try Instance(escalation, shared: Self.link(server))
        #expect(a.post("s1", "troll", "zorblax", at: 100).action == .reject)
        // Redelivered: s1 again, on b and on a.
        #expect(b.post("s1", "troll", "zorblax", at: 101).action == .reject)
        #expect(a.post("s1", "troll", "zorblax", at: 101).action == .reject)
        #expect(b.post("s2", "troll", "zorblax", at: 102).action == .reject)
        #expect(a.post("s3", "troll", "zorblax", at: 103).action == .timeout)
        // Asked again after the timeout: still counted once; during it, the timeout answers.
        let store = try RedisWindows(server.address)
        let during = SharedStrike(
            author: BehaviorState.authorKey("troll"), eventKey: "s:s4", now: 110 * Self.s, escalation: escalation,
            quiet: false)
        guard case .underPenalty(let penalty) = try store.strikes([during])[0] else {
            Issue.record("a strike under a timeout was counted")
            return
        }
        #expect(penalty.until == 133 * Self.s)
        let strike = SharedStrike(
            author: BehaviorState.authorKey("troll"), eventKey: "s:s3", now: 200 * Self.s, escalation: escalation,
            quiet: false)
        #expect(try store.strikes([strike]) == [.alreadyCounted])
    }

    @Test(
        "a batch's strikes in one round trip: the store's count corrects this instance's forecast, the penalty holds for the rest of the batch"
    )
    func batchedStrikesFollowTheStore() throws {
        let server = try RedisServer()
        let escalation = Escalation(strikes: 3, window: 60 * Self.s, timeout: 30 * Self.s)
        let a = try Instance(escalation, shared: Self.link(server))
        #expect(a.post("1", "troll", "zorblax", at: 100).action == .reject)
        #expect(a.post("2", "troll", "zorblax", at: 101).action == .reject)
        // Instance b judges a batch (as `filter` and `consume` do): its own count of troll's
        // strikes is 1 at the first event, the store's is 3.
        let b = BatchJudge(
            engine: try Instance(escalation, shared: Self.link(server)).engine, workers: 1, clock: .event,
            lateTolerance: 0)
        func line(_ id: String, _ author: String, _ text: String, _ ts: Double) -> ArraySlice<UInt8> {
            Array(#"{"id":"\#(id)","author":"\#(author)","channel":"main","ts":\#(ts),"text":"\#(text)"}"#.utf8)[...]
        }
        let judged = b.judge(
            [
                line("3", "troll", "zorblax", 102), line("4", "ann", "hello", 103), line("5", "troll", "hello", 104),
                line("6", "troll", "zorblax", 105), line("7", "troll", "hello", 140),
            ], firstLine: 1
        ).verdicts
        #expect(judged.map(\.action) == [.timeout, .allow, .timeout, .timeout, .allow])
        #expect(judged[0].reasons.last?.message == "strike 3 of 3 in 1m: timed out for 30s (timeout 1)")
        #expect(judged[2].reasons.map(\.rule) == ["timeout"])
        #expect(judged[2].until == 132)
        #expect(judged[3].reasons.map(\.rule) == ["timeout"])
        // And on a, from the store.
        #expect(a.post("8", "troll", "hello", at: 110).action == .timeout)
    }

    @Test("timeouts given on one instance count towards a ban given on another")
    func banAfterTimeoutsAcrossInstances() throws {
        let server = try RedisServer()
        let escalation = Escalation(
            strikes: 1, window: 60 * Self.s, timeout: 10 * Self.s, banAfterTimeouts: 2, banDuration: nil)
        let a = try Instance(escalation, shared: Self.link(server))
        let b = try Instance(escalation, shared: Self.link(server))
        #expect(a.post("1", "troll", "zorblax", at: 100).action == .timeout)
        // After the timeout, the next strike on b is the second timeout: a ban, for good.
        let banned = b.post("2", "troll", "zorblax", at: 120)
        #expect(banned.action == .ban)
        #expect(banned.until == nil)
        #expect(a.post("3", "troll", "hello", at: 10_000).action == .ban)
    }

    @Test("one instance counting in Redis decides exactly as the local count: random streams, every window edge")
    func sharedMatchesLocalModel() throws {
        let server = try RedisServer()
        let escalation = Escalation(
            strikes: 3, window: 20 * Self.s, timeout: 15 * Self.s, banAfterTimeouts: 3, banDuration: 90 * Self.s)
        let shared = try Instance(escalation, shared: Self.link(server))
        let local = try Instance(escalation, shared: nil)
        var random = SplitMix(seed: 7)
        var t = 1000.0
        var differences: [String] = []
        var seen: [Action: Int] = [:]
        for k in 0..<600 {
            // Steps of 0.1 s to 4 s: windows, timeouts and bans begin and end inside the run.
            t += Double(random.next() % 40 + 1) / 10
            let author = "a\(random.next() % 4)"
            let text = random.next() % 3 == 0 ? "hello" : "zorblax"
            let one = shared.post("e\(k)", author, text, at: t)
            let two = local.post("e\(k)", author, text, at: t)
            seen[two.action, default: 0] += 1
            if one.action != two.action || one.until != two.until
                || one.reasons.map(\.message) != two.reasons.map(\.message)
            {
                differences.append(
                    "event \(k) at \(t) by \(author): shared \(one.action) until \(String(describing: one.until)), local \(two.action) until \(String(describing: two.until))"
                )
            }
        }
        #expect(differences.isEmpty, "\(differences.prefix(5))")
        // The stream reaches every outcome, so the comparison covers each path of the script.
        #expect(
            seen[.timeout, default: 0] > 20 && seen[.ban, default: 0] > 20 && seen[.reject, default: 0] > 20, "\(seen)")
    }
}
