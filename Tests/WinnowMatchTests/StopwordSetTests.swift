import Testing
@testable import WinnowMatch
import WinnowText

@Suite("Stop-word matching")
struct StopwordSetTests {
    static let profanity = """
        @action: censor
        fuck*
        shit
        ass
        asshole
        *fucker
        blow job
        *cunt*
        !scunthorpe
        cock
        !cocktail*
        /b[i1]tch+/
        """

    @Test(
        "each entry kind, on plain and disguised text",
        arguments: [
            ("what the fuck", ["fuck*=fuck"]),
            ("FUCKING hell", ["fuck*=FUCKING"]),
            ("you motherfucker", ["*fucker=motherfucker"]),
            ("f.u.c.k off", ["fuck*=f.u.c.k"]),
            ("sh1t happens", ["shit=sh1t"]),
            ("ѕhіt happens", ["shit=ѕhіt"]),
            ("shiiiiit", ["shit=shiiiiit"]),
            ("you a$$hole", ["asshole=a$$hole"]),
            ("kiss my ass", ["ass=ass"]),
            ("a blowjob or a blow-job", ["blow job=blowjob", "blow job=blow-job"]),
            ("some b1tchhh", ["/b[i1]tch+/=b1tchhh"]),
            ("cunts", ["*cunt*=cunts"]),
        ])
    func matches(text: String, expected: [String]) throws {
        let set = try compile([("en/profanity", Self.profanity)])
        #expect(hits(set, text) == expected)
    }

    @Test("the match budget of a comment grows with its length, between a floor and the scratch's limit")
    func budget() {
        let scratch = MatchScratch()
        scratch.budget(forBytes: 10)
        #expect(scratch.currentLimit == 100_000)
        scratch.budget(forBytes: 10_000)
        #expect(scratch.currentLimit == 640_000)
        scratch.budget(forBytes: 1 << 20)
        #expect(scratch.currentLimit == MatchScratch.defaultMatchLimit)
    }

    @Test("a term inside a longer term of another list is found too; inside one of its own list it is not repeated")
    func nestedTerms() throws {
        let set = try compile([
            ("en/insults", "@action: flag\nfucking idiot\nidiot\nyou are an idiot\n"),
            ("en/profanity", Self.profanity),
        ])
        // Both lists ask for their action: the insult (flag) and the profanity inside it (censor).
        #expect(hits(set, "you are a fucking idiot") == ["fucking idiot=fucking idiot", "fuck*=fucking"])
        #expect(hits(set, "you are an idiot, an idiot") == ["you are an idiot=you are an idiot", "idiot=idiot"])
        #expect(hits(set, "fuck, fuck and shit") == ["fuck*=fuck", "fuck*=fuck", "shit=shit"])
    }

    @Test(
        "clean words that contain a listed term do not match",
        arguments: [
            "Scunthorpe United", "a classic", "the assassin", "a cocktail party", "my therapist", "Charles Dickens",
            "data analysis", "passion", "shitake mushrooms", "Essex and Sussex", "cockpit", "assume", "bass guitar",
            "as I said", "hello", "I have 50 cats",
        ])
    func scunthorpe(text: String) throws {
        let set = try compile([("en/profanity", Self.profanity)])
        #expect(hits(set, text) == [])
    }

    @Test("the same term in two lists is reported for both")
    func sharedTerm() throws {
        let set = try compile([("en/a", "@action: flag\nidiot"), ("en/b", "@action: hold\nidiot")])
        #expect(hits(set, "you idiot") == ["idiot=idiot", "idiot=idiot"])
    }

    @Test("a doubled letter in an entry needs two in the text")
    func doubledLetters() throws {
        let set = try compile([("en/p", "ass")])
        #expect(hits(set, "as") == [])
        #expect(hits(set, "asss") == ["ass=asss"])
    }

    @Test("leetspeak 1 ! | stands for i or l; a real l never stands for i")
    func iAndL() throws {
        let set = try compile([("en/p", "slut\ntits\nhell")])
        #expect(hits(set, "s1ut and sl|t") == ["slut=s1ut"])
        #expect(hits(set, "go to he11") == ["hell=he11"])
        #expect(hits(set, "t1ts") == ["tits=t1ts"])
        #expect(hits(set, "the ship tilts") == [])
        #expect(hits(set, "siut") == [], "a real i never stands for an l of an entry")
    }

    @Test("numbers with units are not leetspeak; short leet words are")
    func quantities() throws {
        let set = try compile([("en/p", "gook\nass\nboobs")])
        #expect(hits(set, "900K views, 24h, 10th, 1080p") == [])
        #expect(hits(set, "a 900k and a g00k") == ["gook=g00k"])
        #expect(hits(set, "kiss my 4ss, b00bs") == ["ass=4ss", "boobs=b00bs"])
    }

    @Test("non-ASCII entries match non-ASCII text")
    func unicodeTerms() throws {
        let set = try compile([("ru/spam", "заработок в интернете"), ("fr/p", "enculé")])
        #expect(hits(set, "Быстрый ЗАРАБОТОК В ИНТЕРНЕТЕ!") == ["заработок в интернете=ЗАРАБОТОК В ИНТЕРНЕТЕ"])
        #expect(hits(set, "espèce d'enculé") == ["enculé=enculé"])
        #expect(hits(set, "espece d'encule") == ["enculé=encule"])
    }

    @Test("a catastrophic pattern gives up with a failure; the other lists still match")
    func matchLimit() throws {
        let set = try compile([("en/bad", "/(a+)+$/"), ("en/p", "shit")])
        var normalized = NormalizedText()
        var text = "shit " + String(repeating: "a", count: 40) + "!"
        text.withUTF8 { Normalizer().normalize($0, into: &normalized, folded: true) }
        var result = StopwordMatches()
        set.match(normalized, scratch: MatchScratch(matchLimit: 100_000), into: &result)
        #expect(result.hits.map(\.original) == [0..<4])
        #expect(result.failures.count == 1)
        #expect(result.failures.first?.list == 0)
        #expect(result.failures.first?.message.hasPrefix("match limit exceeded") == true)
    }

    @Test("a list too big for one PCRE2 pattern is split, and every word still matches")
    func sharding() throws {
        var generator = WordGenerator(seed: 7)
        let words = (0..<6000).map { _ in generator.word() }
        let set = try compile([("en/big", words.joined(separator: "\n"))])
        #expect(set.patternCount > 2)
        for word in words.prefix(300) {
            #expect(hits(set, "x \(word) y").contains("\(word)=\(word)"), "\(word)")
        }
    }
}

/// Random pronounceable-ish words without l/i/digits so that their skeleton is themselves.
struct WordGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 33
    }
    mutating func word() -> String {
        let consonants = Array("bcdfghkmnprstvz"), vowels = Array("aeou")
        let syllables = 2 + Int(next() % 3)
        return String(
            (0..<syllables).flatMap { _ in
                [consonants[Int(next() % UInt64(consonants.count))], vowels[Int(next() % UInt64(vowels.count))]]
            })
    }
}
