import Testing
import WinnowLimits

@Suite("GCRA rate limits")
struct RateLimitTests {
    let s = Micros.perSecond

    /// Runs `times` (seconds) through `limit`; returns for each event `nil` (conforms) or the
    /// retry-after in µs.
    func run(_ limit: RateLimit, _ times: [Double]) -> [Micros?] {
        var tat: Micros = 0
        return times.map { t in
            switch limit.check(tat: tat, now: Micros(seconds: t)) {
            case .conforms(let next):
                tat = next
                return nil
            case .limited(let wait): return wait
            }
        }
    }

    @Test("5/10s: a burst of five, the sixth waits exactly one interval")
    func burstBoundary() {
        let limit = RateLimit(events: 5, period: 10 * s)
        #expect(limit.interval == 2 * s)
        let results = run(limit, [100, 100, 100, 100, 100, 100])
        #expect(results == [nil, nil, nil, nil, nil, 2 * s])
    }

    @Test("the refused event does not use up the rate; one interval later one more passes")
    func exactlyAtTheBoundary() {
        let limit = RateLimit(events: 5, period: 10 * s)
        let results = run(limit, [100, 100, 100, 100, 100, 101.999999, 102, 102])
        #expect(results == [nil, nil, nil, nil, nil, 1, nil, 2 * s])
    }

    @Test("sustained rate: one event per interval always passes")
    func sustained() {
        let limit = RateLimit(events: 3, period: 3 * s, burst: 1)
        #expect(run(limit, [0, 1, 2, 3, 4]).allSatisfy { $0 == nil })
        #expect(run(limit, [10, 10.5]) == [nil, s / 2])
    }

    @Test("an idle author gets the whole burst back")
    func refill() {
        let limit = RateLimit(events: 2, period: 60 * s)
        #expect(run(limit, [0, 0, 0, 60, 60, 60]) == [nil, nil, 30 * s, nil, nil, 30 * s])
    }

    @Test(
        "parsing and printing",
        arguments: [
            ("5/10s", "5/10s"), ("100/1m", "100/1m"), ("1/500ms", "1/500ms"), ("3/2h burst 1", "3/2h burst 1"),
            ("10/1.5", "10/1500ms"),
        ])
    func parsing(text: String, printed: String) throws {
        let limit = try #require(RateLimit(parsing: text))
        #expect(limit.description == printed)
    }

    @Test(
        "malformed rates are refused",
        arguments: ["5", "5/", "/10s", "0/10s", "5/0s", "-1/10s", "5/10x", "5/10s burst", "5/10s burst 0"])
    func malformed(text: String) {
        #expect(RateLimit(parsing: text) == nil)
    }

    @Test(
        "durations",
        arguments: [
            ("10s", 10_000_000), ("250ms", 250_000), ("5m", 300_000_000), ("2h", 7_200_000_000), ("1d", 86_400_000_000),
            ("1.5", 1_500_000), ("0", 0),
        ] as [(String, Micros)])
    func durations(text: String, micros: Micros) {
        #expect(DurationText.parse(text) == micros)
    }

    @Test("bad durations", arguments: ["", "s", "-1s", "1y", "ten", "nan", "1e30s"])
    func badDurations(text: String) {
        #expect(DurationText.parse(text) == nil)
    }
}
