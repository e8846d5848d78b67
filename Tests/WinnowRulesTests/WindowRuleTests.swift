import Testing
import WinnowCore
import WinnowLimits
import WinnowRules
import WinnowText

/// The window rules through their one protocol call (`WindowRule.evaluate`): where windows are
/// shared they read the shared store's answer, else they read and update this instance's tables.
@Suite("Window rules through WindowRule")
struct WindowRuleTests {
    let s = Micros.perSecond
    let state = BehaviorState(maxAuthors: 64)
    let fingerprint = Array("buy cheap followers now at my great shop".utf8).withUnsafeBufferPointer {
        Fingerprint(bytes: $0)
    }

    func event(at seconds: Int, shared: SharedCheck? = nil, sharesWindows: Bool = false, slowMode: Micros = 0)
        -> WindowEvent
    {
        let context = WindowContext(
            state: state, now: Micros(seconds) * s, authorKey: BehaviorState.authorKey("a"),
            channelKey: BehaviorState.channelKey("c"), isExempt: false)
        return WindowEvent(
            context: context, rateLimits: .init(author: RateLimit(events: 1, period: 10 * s)), slowMode: slowMode,
            raidSlowMode: 0, fingerprint: fingerprint, links: 0, hasSpamSignal: false, looksLikeSpam: false,
            shared: shared, sharesWindows: sharesWindows)
    }

    func run(_ rule: some WindowRule, _ event: inout WindowEvent) -> [Reason] {
        var reasons: [Reason] = []
        rule.evaluate(&event, into: &reasons)
        return reasons
    }

    @Test("repeat: local windows find the second copy and leave isOwnRepeat for flood")
    func repeatLocal() {
        let rule = RepeatRule()
        var first = event(at: 100)
        #expect(run(rule, &first).isEmpty)
        #expect(!first.isOwnRepeat)
        var second = event(at: 105)
        let reasons = run(rule, &second)
        #expect(reasons.map(\.rule) == ["repeat"])
        #expect(second.isOwnRepeat)
    }

    @Test("repeat: with shared windows the store's answer is the reason and the local table is not touched")
    func repeatShared() {
        let rule = RepeatRule()
        let answer = SharedCheck(repeated: (copies: 2, most: 8, newest: 3))
        var sharedEvent = event(at: 100, shared: answer, sharesWindows: true)
        #expect(run(rule, &sharedEvent) == [rule.reason(copies: 2, most: 8, newest: 3)])
        #expect(!sharedEvent.isOwnRepeat)
        // The store's answer was the whole story: this instance kept nothing of the comment.
        var local = event(at: 101)
        #expect(run(rule, &local).isEmpty)
        // Shared rate limits only (`--shared-windows limits`): repeat stays local.
        var limitsOnly = event(at: 102, shared: answer, sharesWindows: false)
        #expect(run(rule, &limitsOnly).map(\.rule) == ["repeat"])
    }

    @Test("rate limits read the store's answer whenever there is one, slow-mode only when windows are shared")
    func limitsAndSlowMode() {
        let limited = SharedCheck(
            limited: (scope: "author", limit: RateLimit(events: 1, period: 10 * s), retryAfter: 4 * s),
            slowModeWait: 7 * s)
        var limitsOnly = event(at: 100, shared: limited, sharesWindows: false, slowMode: 30 * s)
        #expect(
            run(RateLimitRule(), &limitsOnly)
                == [
                    RateLimitRule().reason(
                        scope: "author", limit: RateLimit(events: 1, period: 10 * s), retryAfter: 4 * s)
                ])
        // Not shared: slow-mode is this instance's, and the author's first comment is in time.
        #expect(run(SlowModeRule(), &limitsOnly).isEmpty)
        var all = event(at: 101, shared: limited, sharesWindows: true, slowMode: 30 * s)
        #expect(
            run(SlowModeRule(), &all) == [SlowModeRule().reason(source: "channel", interval: 30 * s, retryAfter: 7 * s)]
        )
        // Local: one comment per 10 s, the second at once is over.
        var first = event(at: 200)
        var second = event(at: 201)
        #expect(run(RateLimitRule(), &first).isEmpty)
        #expect(run(RateLimitRule(), &second).map(\.limit) == ["author 1/10s"])
    }

    @Test("a rule left with nothing to do is inactive and never called; per-channel rules always are")
    func activity() {
        #expect(!RepeatRule(enabled: false).isActive)
        #expect(!FloodRule(enabled: false).isActive)
        #expect(!RaidRule(enabled: false).isActive)
        #expect(!LinkRule(enabled: true, newAuthorWindow: 0).newcomer.isActive)
        #expect(LinkRule(enabled: true).newcomer.isActive == (LinkRule().newAuthorWindow > 0))
        #expect(RateLimitRule().isActive && SlowModeRule().isActive)
        #expect(!ClassifierRule().isActive)
        #expect(LinkRule.Newcomer.name == "links")
    }
}
