import Testing
import WinnowAudit
import WinnowCore
import WinnowLimits
import WinnowPipeline
import WinnowPolicy
import WinnowTestSupport

/// `AuthorLedger.replay` is what undoing a verdict in full rests on: replayed with nothing taken
/// back, it must give the penalty the engine itself imposed from the same strikes.
@Suite("Author ledger: the replay against the engine's escalation")
struct AuthorLedgerTests {
    @Test("the replay of the strikes the engine counted gives the engine's penalty (400 random histories)")
    func replayMatchesEngine() throws {
        var random = SplitMix(seed: 21)
        let stopwords = try fixtureStopwords()
        var penalized = 0
        for round in 0..<400 {
            let escalation = Escalation(
                strikeAction: .reject, strikes: Int(random.next() % 4) + 1,
                window: Micros(random.next() % 120 + 10) * Micros.perSecond,
                timeout: Micros(random.next() % 600 + 30) * Micros.perSecond,
                banAfterTimeouts: Int(random.next() % 4),
                banDuration: random.next() % 2 == 0 ? nil : Micros(random.next() % 3000 + 60) * Micros.perSecond)
            let engine = Engine(
                stopwords: stopwords, policy: Policy(), behavior: BehaviorSettings(escalation: escalation))
            let scratch = WorkerScratch()
            var entries: [AuthorLedger.Entry] = []
            var t = 1_000.0
            for k in 0..<Int(random.next() % 30 + 1) {
                t += Double(random.next() % 90_000) / 1000
                let strike = random.next() % 3 != 0
                let event = Event(
                    id: .string("e\(k)"), author: "amy", channel: "c", timestamp: t, roles: [],
                    text: strike ? "zorblax number \(k)" : "hello number \(k)", line: k + 1)
                let verdict = engine.judge(event, scratch: scratch, at: Micros(seconds: t))
                if escalation.countsAsStrike(verdict) { entries.append(.init(seq: k + 1, at: t, kind: .strike)) }
            }
            let now = t + Double(random.next() % 1_000)
            let replayed = AuthorLedger(author: "amy", entries: entries).replay(escalation, undone: [], now: now)
            let inForce = engine.penalty(of: "amy", at: Micros(seconds: now))
            #expect(
                replayed.penalty.kind == (inForce?.kind ?? .none),
                "round \(round): \(replayed) vs \(String(describing: inForce))")
            if let inForce {
                penalized += 1
                // Kept to the millisecond, as the engine packs it.
                #expect(replayed.penalty.packed == inForce.packed, "round \(round)")
            }
        }
        // Both sides of the comparison are exercised: histories with and without a penalty at the end.
        #expect(penalized == 119)
    }

    @Test("taking a strike back lowers the count: a timeout from three strikes is lifted when one of them goes")
    func takingBackOneStrike() {
        let escalation = Escalation(strikes: 3, window: 60 * Micros.perSecond, timeout: 600 * Micros.perSecond)
        let ledger = AuthorLedger(
            author: "amy",
            entries: [
                .init(seq: 1, at: 100, kind: .strike), .init(seq: 2, at: 110, kind: .strike),
                .init(seq: 3, at: 120, kind: .strike),
            ])
        let all = ledger.replay(escalation, undone: [], now: 130)
        #expect(all.penalty.kind == .timeout)
        #expect(all.penalty.until == Micros(seconds: 720))
        #expect(all.source == 3)
        let without = ledger.replay(escalation, undone: [2], now: 130)
        #expect(without.penalty.kind == .none)
        #expect(without.counted == 2)
        #expect(without.strikes.current(at: Micros(seconds: 130), window: escalation.window) == 2)
        // A moderator's ban stays whatever strikes go; an unban ends it.
        let banned = AuthorLedger(
            author: "amy",
            entries: ledger.entries + [.init(seq: 4, at: 125, kind: .sanction(.ban, until: nil))])
        #expect(banned.replay(escalation, undone: [1, 2, 3], now: 130).penalty.kind == .ban)
        #expect(banned.replay(escalation, undone: [4], now: 130).penalty.kind == .timeout)
        let unbanned = AuthorLedger(
            author: "amy", entries: banned.entries + [.init(seq: 5, at: 126, kind: .sanction(.none, until: nil))])
        #expect(unbanned.replay(escalation, undone: [], now: 130).penalty.kind == .none)
    }
}
