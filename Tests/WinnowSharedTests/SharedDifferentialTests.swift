import Foundation
import Testing
import WinnowCore
import WinnowLimits
import WinnowMatch
import WinnowPipeline
import WinnowPolicy
import WinnowRules
import WinnowShared
import WinnowTestSupport

/// Each window rule the shared store decides has two implementations — the Swift rule and its
/// Lua script — and one specification: one instance deciding through Redis must answer exactly
/// as one instance deciding alone. Random streams of events (a few authors in a few channels,
/// texts drawn from a small pool so that repeats and campaigns happen, steps of 0.1 s up to a
/// few seconds so that every window begins and ends inside the run) are judged both ways.
@Suite("Shared window rules: the Lua scripts decide as the Swift rules")
struct SharedDifferentialTests {
    static let s = Micros.perSecond

    /// Texts with at least three uncommon words (flood counts them), near-copies of each other,
    /// and a link (a campaign with one needs fewer authors).
    static let texts = [
        "free robux at my profile link go now", "free robux at my profile link go today",
        "grab free robux from my profile right now", "check my channel for amazing giveaway prizes",
        "check my channel for amazing giveaway prize", "visit example.com for cheap followers today",
        "lol", "nice", "great match everyone",
    ]

    final class Instance {
        let engine: Engine
        let scratch = WorkerScratch()

        init(_ behavior: BehaviorSettings, shared: SharedLink?) throws {
            engine = Engine(stopwords: try StopwordSet(lists: []), policy: Policy(), behavior: behavior, shared: shared)
        }

        func post(_ id: Int, _ author: String, _ channel: String, _ text: String, at t: Double) -> Verdict {
            let event = Event(
                id: .number(String(id)), author: author, channel: channel, timestamp: t, text: text, line: id)
            return engine.judge(event, scratch: scratch, at: Micros(seconds: t))
        }
    }

    /// Compares the two on `events` random events; returns the differences and how often each
    /// rule fired (so that a test can check that the stream reached every rule).
    func compare(_ behavior: BehaviorSettings, seed: UInt64, events: Int, maxStep: Double = 4) throws -> (
        differences: [String], fired: [String: Int]
    ) {
        let server = try RedisServer()
        let link = SharedLink(store: try RedisWindows(server.address), policy: .open) { _ in }
        let shared = try Instance(behavior, shared: link)
        let local = try Instance(behavior, shared: nil)
        var random = SplitMix(seed: seed)
        var t = 1_000.0
        var differences: [String] = []
        var fired: [String: Int] = [:]
        for k in 0..<events {
            t += Double(random.next() % UInt64(maxStep * 10) + 1) / 10
            let author = "a\(random.next() % 6)"
            let channel = "c\(random.next() % 2)"
            let text = Self.texts[Int(random.next() % UInt64(Self.texts.count))]
            let one = shared.post(k, author, channel, text, at: t)
            let two = local.post(k, author, channel, text, at: t)
            for reason in two.reasons { fired[reason.rule, default: 0] += 1 }
            // Every reason whole: rule, action, message, limit, count, retry_after.
            if one.action != two.action || one.until != two.until || one.reasons != two.reasons {
                differences.append(
                    "event \(k) at \(t) by \(author) in \(channel): shared \(one.action) \(one.reasons), "
                        + "local \(two.action) \(two.reasons)")
            }
        }
        return (differences, fired)
    }

    @Test("rate limits in three scopes and slow-mode", arguments: [1, 2] as [UInt64])
    func limitsAndSlowMode(seed: UInt64) throws {
        let behavior = BehaviorSettings(
            escalation: Escalation(enabled: false),
            defaults: ChannelSettings(
                rateLimits: .init(
                    author: RateLimit(events: 4, period: 20 * Self.s),
                    authorInChannel: RateLimit(events: 3, period: 15 * Self.s, burst: 2),
                    channel: RateLimit(events: 10, period: 10 * Self.s)),
                slowMode: 3 * Self.s))
        let (differences, fired) = try compare(behavior, seed: seed, events: 500, maxStep: 1)
        #expect(differences.isEmpty, "\(differences.prefix(5))")
        #expect(fired[RateLimitRule.name, default: 0] > 20 && fired[SlowModeRule.name, default: 0] > 20, "\(fired)")
    }

    @Test("repeat and flood", arguments: [3, 4] as [UInt64])
    func repeatAndFlood(seed: UInt64) throws {
        let behavior = BehaviorSettings(
            repeatRule: RepeatRule(window: 30 * Self.s), flood: FloodRule(window: 60 * Self.s),
            escalation: Escalation(enabled: false), defaults: ChannelSettings())
        let (differences, fired) = try compare(behavior, seed: seed, events: 500)
        #expect(differences.isEmpty, "\(differences.prefix(5))")
        #expect(fired[RepeatRule.name, default: 0] > 20 && fired[FloodRule.name, default: 0] > 20, "\(fired)")
    }
}
