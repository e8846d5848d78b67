import Dispatch
import Synchronization
import Testing
import WinnowCore
import WinnowLimits
import WinnowPipeline
import WinnowPolicy
import WinnowRules

/// Window rules at the exact boundaries, on event time, through the whole engine.
@Suite("Window rules")
struct WindowRulesTests {
    let s = Micros.perSecond

    final class Harness {
        let engine: Engine
        let scratch = WorkerScratch()
        var next = 0

        init(_ behavior: BehaviorSettings, policy: Policy = Policy()) throws {
            engine = Engine(stopwords: try fixtureStopwords(), policy: policy, behavior: behavior)
        }

        /// Judges one comment at `t` seconds.
        func post(
            _ author: String, at t: Double, _ text: String = "hello", channel: String = "main", roles: [String] = []
        ) -> Verdict {
            next += 1
            let event = Event(
                id: .string("e\(next)"), author: author, channel: channel, timestamp: t, roles: roles, text: text,
                line: next)
            return engine.judge(event, scratch: scratch, at: Micros(seconds: t))
        }
    }

    func settings(
        author: RateLimit? = nil, authorInChannel: RateLimit? = nil, channel: RateLimit? = nil, slowMode: Micros = 0,
        escalation: Escalation = Escalation(enabled: false)
    ) -> BehaviorSettings {
        BehaviorSettings(
            escalation: escalation,
            defaults: ChannelSettings(
                rateLimits: .init(author: author, authorInChannel: authorInChannel, channel: channel),
                slowMode: slowMode))
    }

    @Test("per-author rate limit 3/9s: the fourth comment within the burst is rejected with retry_after")
    func authorRateLimit() throws {
        let h = try Harness(settings(author: RateLimit(events: 3, period: 9 * s)))
        #expect(h.post("amy", at: 100).action == .allow)
        #expect(h.post("amy", at: 100).action == .allow)
        #expect(h.post("amy", at: 100).action == .allow)
        let limited = h.post("amy", at: 100)
        #expect(limited.action == .reject)
        #expect(limited.reasons == [Reason(rule: "rate_limit", action: .reject, limit: "author 3/9s", retryAfter: 3)])
        #expect(h.post("bob", at: 100).action == .allow)  // another author is not affected
        #expect(h.post("amy", at: 102.999).action == .reject)
        #expect(h.post("amy", at: 103).action == .allow)  // exactly one interval later
    }

    @Test("per author within a channel and per channel overall")
    func channelScopes() throws {
        let h = try Harness(
            settings(
                authorInChannel: RateLimit(events: 1, period: 10 * s), channel: RateLimit(events: 3, period: 30 * s)))
        #expect(h.post("amy", at: 0, channel: "a").action == .allow)
        #expect(h.post("amy", at: 1, channel: "b").action == .allow)  // other channel: own window
        let again = h.post("amy", at: 2, channel: "a")
        #expect(again.reasons.map(\.limit) == ["author_channel 1/10s"])
        #expect(again.reasons.first?.retryAfter == 8)
        #expect(h.post("bob", at: 3, channel: "a").action == .allow)
        #expect(h.post("cat", at: 4, channel: "a").action == .allow)
        let crowded = h.post("dan", at: 5, channel: "a")
        #expect(crowded.reasons.map(\.limit) == ["channel 3/30s"])
        #expect(crowded.reasons.first?.retryAfter == 5)
    }

    @Test("slow-mode 30s: once per interval per channel, exact boundary, exempt roles pass")
    func slowMode() throws {
        let h = try Harness(settings(slowMode: 30 * s))
        #expect(h.post("amy", at: 1000).action == .allow)
        let early = h.post("amy", at: 1029.5)
        #expect(early.reasons == [Reason(rule: "slow_mode", action: .reject, limit: "channel 30s", retryAfter: 0.5)])
        // The refused comment did not restart the interval.
        #expect(h.post("amy", at: 1030).action == .allow)
        #expect(h.post("amy", at: 1031, channel: "other").action == .allow)
        #expect(h.post("mod", at: 1000, roles: ["moderator"]).action == .allow)
        #expect(h.post("mod", at: 1001, roles: ["moderator"]).action == .allow)
    }

    @Test("per-channel slow-mode overrides the default")
    func perChannel() throws {
        var behavior = settings()
        behavior.channels["slow"] = ChannelSettings(slowMode: 10 * s)
        let h = try Harness(behavior)
        #expect(h.post("amy", at: 0, channel: "slow").action == .allow)
        #expect(h.post("amy", at: 5, channel: "slow").action == .reject)
        #expect(h.post("amy", at: 0, channel: "fast").action == .allow)
        #expect(h.post("amy", at: 1, channel: "fast").action == .allow)
    }

    @Test("three strikes time out for 10 minutes; the timeout holds, ends exactly; the third timeout is a ban")
    func escalation() throws {
        let escalation = Escalation(strikes: 3, window: 60 * s, timeout: 600 * s, banAfterTimeouts: 2)
        let h = try Harness(settings(escalation: escalation))
        let slur = "zorblax"  // the fixture lists reject it
        #expect(h.post("eve", at: 0, slur).action == .reject)
        #expect(h.post("eve", at: 10, slur).action == .reject)
        let third = h.post("eve", at: 20, slur)
        #expect(third.action == .timeout)
        #expect(third.until == 620)
        #expect(
            third.reasons.last
                == Reason(
                    rule: "escalation", action: .timeout, message: "strike 3 of 3 in 1m: timed out for 10m (timeout 1)",
                    limit: "3 strikes in 1m", count: 3, retryAfter: 600))
        let during = h.post("eve", at: 619.999, "a polite comment")
        #expect(during.action == .timeout)
        #expect(during.until == 620)
        #expect(during.reasons.first?.rule == "timeout")
        #expect(h.post("eve", at: 620, "a polite comment").action == .allow)
        // Strikes outside the window do not add up.
        #expect(h.post("eve", at: 700, slur).action == .reject)
        #expect(h.post("eve", at: 710, slur).action == .reject)
        #expect(h.post("eve", at: 770, slur).action == .reject)  // 70 s after the first: window restarted
        #expect(h.post("eve", at: 771, slur).action == .reject)
        let ban = h.post("eve", at: 772, slur)
        #expect(ban.action == .ban)
        #expect(ban.until == nil)
        #expect(h.post("eve", at: 1_000_000, "hi").action == .ban)
    }

    @Test("dry-run escalation reports the would-be timeout and imposes nothing")
    func dryRunEscalation() throws {
        let h = try Harness(settings(escalation: Escalation(strikes: 2, dryRun: true)))
        #expect(h.post("eve", at: 0, "zorblax").action == .reject)
        let second = h.post("eve", at: 1, "zorblax")
        #expect(second.action == .reject)
        #expect(second.reasons.last?.rule == "escalation")
        #expect(second.reasons.last?.dryRun == true)
        #expect(h.post("eve", at: 2, "hello").action == .allow)
    }

    @Test("a rule in dry-run reports but does not act")
    func dryRunRule() throws {
        var behavior = settings(author: RateLimit(events: 1, period: 10 * s))
        behavior.rateLimit.dryRun = true
        let h = try Harness(behavior)
        #expect(h.post("amy", at: 0).action == .allow)
        let second = h.post("amy", at: 1)
        #expect(second.action == .allow)
        #expect(
            second.reasons == [
                Reason(rule: "rate_limit", action: .reject, limit: "author 1/10s", retryAfter: 9, dryRun: true)
            ])
    }

    @Test("global dry-run: allow, with the would-be timeout in `would`, and no penalty kept")
    func globalDryRun() throws {
        let h = try Harness(settings(escalation: Escalation(strikes: 1)), policy: Policy(dryRun: true))
        let verdict = h.post("eve", at: 0, "zorblax")
        #expect(verdict.action == .allow)
        #expect(verdict.would == .timeout)
        #expect(h.post("eve", at: 1, "hello").would == .allow)
    }

    @Test(
        "an author under a penalty is not analyzed; if the penalty is over by the decision, the analysis is done then")
    func skippedAnalysis() throws {
        let h = try Harness(settings(escalation: Escalation(strikes: 1, timeout: 60 * s)))
        #expect(h.post("eve", at: 0, "zorblax").action == .timeout)  // timed out until 60
        let event = Event(id: .string("x"), author: "eve", text: "shit happens", line: 99)
        let (first, facts) = h.engine.analyze(event, scratch: h.scratch, penaltyCheckAt: 30 * s)
        #expect(facts.skippedContent)
        #expect(first.reasons.isEmpty)
        // Decided while the timeout holds: the penalty is the answer, no analysis needed.
        var during = first
        h.engine.applyWindows(facts, to: &during, at: 59 * s) {
            Issue.record("analyzed needlessly")
            return (first, facts)
        }
        #expect(during.action == .timeout)
        // Decided after it ended: analyzed after all, the content verdict stands.
        var after = first
        var analyzed = false
        h.engine.applyWindows(facts, to: &after, at: 61 * s) {
            analyzed = true
            return h.engine.analyze(event, scratch: h.scratch)
        }
        #expect(analyzed)
        #expect(after.action == .censor)
        #expect(after.reasons.map(\.term) == ["shit"])
    }

    @Test("the early penalty check sees timeouts, moderators' bans, and no one else")
    func penaltyHints() throws {
        let h = try Harness(settings(escalation: Escalation(strikes: 1, timeout: 60 * s)))
        func skipped(_ author: String, at seconds: Int64) -> Bool {
            let event = Event(id: .string(author), author: author, text: "hello", line: 1)
            return h.engine.analyze(event, scratch: h.scratch, penaltyCheckAt: seconds * s).facts.skippedContent
        }
        #expect(h.post("eve", at: 0, "zorblax").action == .timeout)
        #expect(h.post("bob", at: 0, "hello").action == .allow)
        h.engine.setPenalty(.ban, author: "mallory", at: 0, until: Penalty.forever)
        #expect(skipped("eve", at: 30))
        #expect(!skipped("eve", at: 61))  // the timeout is over
        #expect(skipped("mallory", at: 1_000))
        #expect(!skipped("bob", at: 30))
        #expect(!skipped("nobody", at: 30))
        #expect(h.engine.state.penaltyHints.mayHold(BehaviorState.authorKey("eve")))
        #expect(h.engine.state.penaltyHints.mayHold(BehaviorState.authorKey("mallory")))
    }
}

/// The engine's shared state under many threads and many authors.
@Suite("Window state under load")
struct WindowStateLoadTests {
    let s = Micros.perSecond

    /// Several threads judge comments of disjoint authors at the same instants: each author's
    /// verdicts depend only on that author's own comments, so the counts per action must equal
    /// those of one thread judging everything in order.
    @Test("many threads on the shared state agree with one thread")
    func concurrentJudging() throws {
        func run(threads: Int) throws -> [Action: Int] {
            var behavior = BehaviorSettings.defaultPolicy
            behavior.raid.enabled = false  // per channel, so it depends on the interleaving
            behavior.flood.enabled = false  // across authors, likewise
            let engine = Engine(stopwords: try fixtureStopwords(), policy: Policy(), behavior: behavior)
            let texts = ["hello", "hello", "zorblax", "what a goal", "zorblax again and again", "fuck", "nice one"]
            let counts = Mutex([Action: Int]())
            // Four groups of 50 authors, 1,000 comments each; a thread takes whole groups.
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                let scratch = WorkerScratch()
                var local = [Action: Int]()
                for group in stride(from: t, to: 4, by: threads) {
                    for k in 0..<1_000 {
                        let author = group * 1_000 + k % 50
                        let event = Event(
                            id: .number("\(k)"), author: "a\(author)", timestamp: Double(k / 10),
                            text: texts[k % texts.count],
                            line: k)
                        local[engine.judge(event, scratch: scratch, at: Micros(k / 10) * s).action, default: 0] += 1
                    }
                }
                counts.withLock { total in for (action, n) in local { total[action, default: 0] += n } }
            }
            return counts.withLock { $0 }
        }
        // Authors are split by group, and each group's comments come in order.
        let one = try run(threads: 1)
        #expect(one[.timeout, default: 0] > 0)
        #expect(one[.reject, default: 0] > 0)
        #expect(try run(threads: 4) == one)
    }

    @Test("more authors than the cap: memory stays bounded and the newest authors are still judged")
    func authorCap() throws {
        var behavior = BehaviorSettings.defaultPolicy
        behavior.maxAuthors = 1_000
        let engine = Engine(stopwords: try fixtureStopwords(), policy: Policy(), behavior: behavior)
        let scratch = WorkerScratch()
        for k in 0..<20_000 {
            let event = Event(id: .number("\(k)"), author: "a\(k)", text: "hello", line: k)
            _ = engine.judge(event, scratch: scratch, at: Micros(k) * s)
        }
        #expect(engine.state.authors.trackedKeys == 1_000)
        #expect(engine.state.authors.evictions == 19_000)
        // The latest author still has a rate limit: six comments in a second, the sixth refused.
        var last: Verdict?
        let distinct = [
            "good morning", "what a match", "the keeper was great", "anyone here from paris", "nice stream", "one more",
        ]
        for (k, text) in distinct.enumerated() {
            last = engine.judge(
                Event(id: .number("x\(k)"), author: "a19999", text: text, line: k), scratch: scratch, at: 20_000 * s)
        }
        #expect(last?.reasons.map(\.rule) == ["rate_limit"])
    }
}
