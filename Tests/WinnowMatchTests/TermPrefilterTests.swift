import Testing
import WinnowTestSupport
import WinnowText

@testable import WinnowMatch

/// The prefilter may only skip texts in which PCRE2 finds nothing: matching with and without it
/// must give the same hits, on texts built from the bundled terms, their disguises and
/// near-misses, and on ordinary comments.
@Suite("Term prefilter: the block patterns run only where a term could start")
struct TermPrefilterTests {
    static let set: StopwordSet = {
        let (lists, _) = WordlistDirectory.load(Fixtures.bundledWordlists)
        return try! StopwordSet(lists: lists)
    }()

    /// Every bundled term that is not a raw pattern, as written.
    static let terms: [String] = set.lists.flatMap { list in
        list.entries.filter { $0.kind != .pattern }.map(\.body)
    }

    func both(_ text: String) -> (with: [StopwordHit], without: [StopwordHit], prefilterSays: Bool) {
        var normalized = NormalizedText()
        var copy = text
        copy.withUTF8 { Normalizer().normalize($0, into: &normalized, folded: Self.set.needsFoldedView) }
        var with = StopwordMatches(), without = StopwordMatches()
        let scratch = MatchScratch()
        Self.set.match(normalized, scratch: scratch, into: &with)
        Self.set.match(normalized, scratch: scratch, into: &without, prefiltered: false)
        let says = normalized.skeleton.withBytes { Self.set.blockPrefilter.mayMatch($0) }
        return (with.hits, without.hits, says)
    }

    /// A term as a spammer or a careless writer might put it: spaced, dotted, stretched, in
    /// look-alike letters, in capitals, glued to other words, or with a letter changed.
    static func variant(of term: String, _ random: inout SplitMix) -> String {
        var scalars = Array(term.unicodeScalars)
        switch random.next() % 9 {
        case 0: return term
        case 1: return term.uppercased()
        case 2: return scalars.map { String($0) }.joined(separator: ["-", ".", " ", "_"][Int(random.next() % 4)])
        case 3: return "x" + term + "ing"
        case 4: return term.replacingOccurrences(of: "o", with: "0").replacingOccurrences(of: "i", with: "1")
        case 5:
            // A letter changed: a near-miss.
            if !scalars.isEmpty {
                scalars[Int(random.next() % UInt64(scalars.count))] = "qzxjk".unicodeScalars.randomElement(
                    using: &random)!
            }
            return String(String.UnicodeScalarView(scalars))
        case 6: return term.replacingOccurrences(of: "a", with: "а").replacingOccurrences(of: "e", with: "е")
        case 7: return scalars.map { String($0) + ($0.properties.isAlphabetic ? String($0) : "") }.joined()
        default: return "#" + term.replacingOccurrences(of: " ", with: "")
        }
    }

    @Test("matching with the prefilter finds what matching without it finds: 20,000 texts of terms and near-misses")
    func sameHits() {
        var random = SplitMix(seed: 23)
        let filler = [
            "the", "game", "tonight", "lol", "😂", "wow", "so", "class", "assess", "pass", "!!!", "…", "été", "мир",
        ]
        var skipped = 0, found = 0
        for _ in 0..<20_000 {
            var words: [String] = []
            for _ in 0..<Int(random.next() % 6) { words.append(filler[Int(random.next() % UInt64(filler.count))]) }
            if random.next() % 3 != 0 {
                let term = Self.terms[Int(random.next() % UInt64(Self.terms.count))]
                words.insert(Self.variant(of: term, &random), at: Int(random.next() % UInt64(words.count + 1)))
            }
            let text = words.joined(separator: random.next() % 5 == 0 ? "" : " ")
            let (with, without, says) = both(text)
            #expect(with == without, "\(text.debugDescription)")
            if !without.isEmpty { #expect(says, "\(text.debugDescription)") }
            skipped += says ? 0 : 1
            found += without.isEmpty ? 0 : 1
        }
        // The stream holds both kinds, and the prefilter skips a good share of the texts.
        #expect(found > 5_000 && skipped > 3_000, "found \(found), skipped \(skipped)")
    }

    @Test(
        "ordinary comments: most are skipped",
        arguments: [
            ("I love this song so much, see you tonight", false),
            ("what a game, well played everyone", false),
            ("this is shit", true),
            ("f.u.c.k off", true),
        ] as [(String, Bool)])
    func ordinaryComments(text: String, mayMatch: Bool) {
        let (with, without, says) = both(text)
        #expect(with == without)
        #expect(says == mayMatch, "\(text.debugDescription)")
    }
}
