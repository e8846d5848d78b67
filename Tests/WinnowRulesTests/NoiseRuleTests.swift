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
        // Capitals: 70% of at least 100 letters.
        #expect(reasons(stats(letters: 100, uppercase: 70)).map(\.message) == ["mostly capitals: 70 of 100 letters"])
        #expect(reasons(stats(letters: 100, uppercase: 69)).isEmpty)
        #expect(reasons(stats(letters: 99, uppercase: 99)).isEmpty)
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
        let found = reasons(stats(letters: 150, uppercase: 150), NoiseRule(action: .hold, dryRun: true))
        #expect(
            found == [
                Reason(
                    rule: "noise", action: .hold, message: "mostly capitals: 150 of 150 letters", limit: "caps 70%",
                    count: 150,
                    dryRun: true)
            ])
        #expect(reasons(stats(letters: 150, uppercase: 150), NoiseRule(enabled: false)).isEmpty)
    }

    @Test(
        "ordinary excitement passes with the built-in limits",
        arguments: ["ILOVETHISSONG", "sooooo good!!!!!", "🔥🔥🔥🔥🔥🔥"])
    func excitement(text: String) {
        var text = text
        let stats = text.withUTF8 { TextStats($0) }
        #expect(reasons(stats).isEmpty)
    }

    /// Real YouTube ham rows: one shouted sentence is excitement, not a wall.
    @Test(
        "noiseFlaggedAShoutedSentence",
        arguments: [
            "OMG I LOVE YOU KATY PARRY YOUR SONGS ROCK!!!!!!!!!!!!!!!!! THATS A TOTAL  SUBSCRIBE\u{FEFF}",
            "PSY GOT LOTS  OF MONEY FROM YOUTUBE THAT HE GOT FROM 2 BILLION VIEWS THIS  IS THE MOST VIEWS IN THE WORLD",
            "BEST PARTY SONG LITERALLY PARTY ROCK IS IN THE HOUSEE TONIGHT!!!!\u{FEFF}",
        ])
    func noiseFlaggedAShoutedSentence(text: String) {
        var text = text
        let stats = text.withUTF8 { TextStats($0) }
        #expect(stats.letters < 100 && Double(stats.uppercase) >= 0.7 * Double(stats.letters))
        #expect(reasons(stats).isEmpty)
    }

    @Test("a paragraph in capitals is a wall")
    func paragraphOfCapitals() {
        var text = String(repeating: "ALL SCHOOL DROP OUTS THINK THERE IS NO NEED FOR AN ID CARD ", count: 3)
        let stats = text.withUTF8 { TextStats($0) }
        #expect(stats.letters == 138)
        #expect(reasons(stats).map(\.message) == ["mostly capitals: 138 of 138 letters"])
    }
}
