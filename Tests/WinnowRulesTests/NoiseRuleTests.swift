import Testing
import WinnowCore
import WinnowRules
import WinnowText

@Suite("noise: walls, not excitement")
struct NoiseRuleTests {
    func reasons(_ stats: TextStats, _ rule: NoiseRule = NoiseRule()) -> [Reason] {
        var reasons: [Reason] = []
        rule.evaluate(stats, into: &reasons)
        return reasons
    }

    func stats(letters: Int = 0, uppercase: Int = 0, visible: Int = 0, symbols: Int = 0, run: Int = 1, marks: Int = 0)
        -> TextStats
    {
        var stats = TextStats()
        stats.letters = letters
        stats.uppercase = uppercase
        stats.visible = visible
        stats.symbols = symbols
        stats.longestRun = run
        stats.mostMarks = marks
        return stats
    }

    @Test("each limit at its exact boundary: at the limit passes (or fires for shares), one past fires")
    func boundaries() {
        // Capitals: 70% of at least 40 letters.
        #expect(reasons(stats(letters: 40, uppercase: 28)).map(\.message) == ["mostly capitals: 28 of 40 letters"])
        #expect(reasons(stats(letters: 40, uppercase: 27)).isEmpty)
        #expect(reasons(stats(letters: 39, uppercase: 39)).isEmpty)
        // A run of one character: more than 50.
        #expect(reasons(stats(run: 50)).isEmpty)
        #expect(reasons(stats(run: 51)).map(\.message) == ["one character 51 times in a row"])
        // Emoji and symbols: 60% of at least 40 visible characters.
        #expect(
            reasons(stats(visible: 40, symbols: 24)).map(\.message) == ["mostly emoji and symbols: 24 of 40 characters"]
        )
        #expect(reasons(stats(visible: 40, symbols: 23)).isEmpty)
        // Combining marks on one letter: more than 3.
        #expect(reasons(stats(marks: 3)).isEmpty)
        #expect(reasons(stats(marks: 4)).map(\.message) == ["4 combining marks stacked on one letter"])
    }

    @Test("a reason names the rule, the action, the limit and the count")
    func reasonFields() {
        let found = reasons(stats(letters: 50, uppercase: 50), NoiseRule(action: .hold, dryRun: true))
        #expect(
            found == [
                Reason(
                    rule: "noise", action: .hold, message: "mostly capitals: 50 of 50 letters", limit: "caps 70%",
                    count: 50,
                    dryRun: true)
            ])
        #expect(reasons(stats(letters: 50, uppercase: 50), NoiseRule(enabled: false)).isEmpty)
    }

    @Test(
        "ordinary excitement passes with the built-in limits",
        arguments: ["ILOVETHISSONG", "sooooo good!!!!!", "🔥🔥🔥🔥🔥🔥"])
    func excitement(text: String) {
        var text = text
        let stats = text.withUTF8 { TextStats($0) }
        #expect(reasons(stats).isEmpty)
    }
}
