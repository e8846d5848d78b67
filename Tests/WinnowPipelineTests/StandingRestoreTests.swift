import Testing
import WinnowCore
import WinnowLimits
import WinnowPipeline
import WinnowPolicy
import WinnowTestSupport

/// `Engine.restore`: what a partition's next owner takes up from the previous owner's
/// checkpoint never lowers what it knows itself.
@Suite("Standing restored from a partition's checkpoint")
struct StandingRestoreTests {
    let minute = 60 * Micros.perSecond
    let now = Micros(seconds: 1_700_000_000)

    func engine() throws -> Engine {
        Engine(stopwords: try fixtureStopwords(), policy: Policy(), behavior: BehaviorSettings())
    }

    func penalty(_ engine: Engine, _ author: String) -> Penalty? {
        engine.standing(ofAuthor: BehaviorState.authorKey(author)).map { Penalty(packed: $0.penalty) }
    }

    @Test("restoreDowngradedABanWithoutEnd: it outlasts any timeout or ban with an end, either way round")
    func restoreDowngradedABanWithoutEnd() throws {
        let engine = try engine()
        engine.setPenalty(.ban, author: "known", at: now, until: Penalty.forever)
        engine.restore(
            author: BehaviorState.authorKey("known"),
            penalty: Penalty(kind: .ban, until: now + 60 * minute, timeouts: 0).packed, strikes: 0, at: now)
        #expect(penalty(engine, "known")?.until == Penalty.forever)
        engine.setPenalty(.timeout, author: "checkpointed", at: now, until: now + 10 * minute)
        engine.restore(
            author: BehaviorState.authorKey("checkpointed"),
            penalty: Penalty(kind: .ban, until: Penalty.forever, timeouts: 3).packed, strikes: 0, at: now)
        #expect(penalty(engine, "checkpointed") == Penalty(kind: .ban, until: Penalty.forever, timeouts: 3))
        // A penalty for an author never seen here is taken up whole, in force at its own time.
        engine.restore(
            author: BehaviorState.authorKey("new"),
            penalty: Penalty(kind: .timeout, until: now + 10 * minute, timeouts: 1).packed, strikes: 0, at: 0)
        #expect(engine.penalty(of: "new", at: now + minute)?.kind == .timeout)
        #expect(engine.penalty(of: "new", at: now + 11 * minute) == nil)
    }

    @Test("restoreLoweredStrikes: an expired count does not replace a live one; a larger live one does")
    func restoreLoweredStrikes() throws {
        let engine = try engine()
        let window = BehaviorSettings().escalation.window
        let key = BehaviorState.authorKey("striker")
        let slot = try #require(engine.state.authors.slot(for: key, at: now))
        engine.state.authors.store(slot, AuthorWord.strikes, WindowCount(count: 1, start: now).packed)
        engine.restore(
            author: key, penalty: 0, strikes: WindowCount(count: 3, start: now - 2 * window).packed, at: now)
        #expect(WindowCount(packed: try #require(engine.standing(ofAuthor: key)).strikes).count == 1)
        engine.restore(author: key, penalty: 0, strikes: WindowCount(count: 2, start: now).packed, at: now)
        #expect(WindowCount(packed: try #require(engine.standing(ofAuthor: key)).strikes).count == 2)
    }
}
