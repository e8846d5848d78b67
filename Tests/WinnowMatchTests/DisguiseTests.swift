import Testing
@testable import WinnowMatch
import WinnowText

/// Disguises that got through, and the clean text that must stay clean as they are caught.
@Suite("Disguises")
struct DisguiseTests {
    static let lists = [("en/profanity", "@action: censor\nfuck*\nshit\n*cunt*\nass\n")]

    @Test(
        "letters separated by punctuation with spaces around it passed while f.u.c.k was caught",
        arguments: [
            ("f . u . c . k off", ["fuck*=f . u . c . k"]),
            ("s - h - i - t happens", ["shit=s - h - i - t"]),
            ("f  .  u  .  c  .  k", ["fuck*=f  .  u  .  c  .  k"]),
            ("f. u. c. k", ["fuck*=f. u. c. k"]),
            ("what the f .u .c .k", ["fuck*=f .u .c .k"]),
        ])
    func spacedSeparatorsPassed(text: String, expected: [String]) throws {
        #expect(hits(try compile(Self.lists), text) == expected)
    }

    @Test(
        "spaced punctuation between words, numbers or mixed joints stays as written",
        arguments: [
            "a - b - c", "1 . 2 . 3", "s - h-i - t", "f . u - c . k", "I . m . a . s . s . i . v . e fan",
            "page 3 - 4 - 5",
            "Q & A - s - h", "s . h", "i - t", "so - so",
        ])
    func spacedPunctuationStaysAsWritten(text: String) throws {
        #expect(hits(try compile(Self.lists), text) == [])
    }
}
