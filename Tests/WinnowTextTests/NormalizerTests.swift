import Testing
import WinnowTestSupport
@testable import WinnowText

@Suite("Normalizer: skeleton view")
struct NormalizerTests {
    let normalizer = Normalizer()

    @Test(
        "each evasion class folds to the plain spelling",
        arguments: [
            // case, white space
            ("Hello  World", "heio worid"),
            ("FUCK", "fuck"),
            // compatibility forms: fullwidth, math alphanumerics, ligatures, circled letters
            ("ｆｕｃｋ", "fuck"),
            ("𝐟𝐮𝐜𝐤", "fuck"),
            ("ﬁne", "fine"),
            ("ⓕⓤⓒⓚ", "fuck"),
            // diacritics, precomposed and combining
            ("fück", "fuck"),
            ("fu\u{0308}ck", "fuck"),
            ("enculé", "encuie"),
            // full case folding
            ("STRAẞE", "strase"),
            // zero-width and format characters
            ("f\u{200B}u\u{200D}c\u{FEFF}k", "fuck"),
            ("sh\u{00AD}it", "shit"),
            // confusables: Cyrillic and Greek look-alikes
            ("ѕhіt", "shit"),
            ("fuсk", "fuck"),
            ("ρορ", "pop"),
            // small capitals and letters with a hook or stroke that no confusable table maps
            ("ꜰᴜᴄᴋ", "fuck"),
            ("ʂɦɨʈ", "shit"),
            // leetspeak inside words
            ("sh1t", "shit"),
            ("s1ut", "siut"),
            ("a$$hole", "ashoie"),
            ("b!tch", "bitch"),
            ("sh!!t", "shit"),
            ("h3ll0", "heio"),
            ("c@t", "cat"),
            // separators between single letters
            ("f.u.c.k", "fuck"),
            ("f u c k", "fuck"),
            ("f-u-c-k", "fuck"),
            ("f*u*c*k you", "fuck you"),
            ("s_h_i_t", "shit"),
            // long runs squashed to two
            ("fuuuuuck", "fuck"),
            ("shiiiit", "shit"),
        ])
    func evasion(input: String, skeleton: String) {
        #expect(normalizer.normalize(input).skeleton.string == skeleton)
    }

    @Test(
        "ordinary text keeps its shape",
        arguments: [
            ("I have 50 cats and 3 dogs", "i have 50 cats and 3 dogs"),
            ("wow!!! really?", "wow!!! reaiy?"),
            ("@user hello", "@user heio"),
            ("Dr. J. R. Smith", "dr. j. r. smith"),
            ("a.m. and p.m.", "a.m. and p.m."),
            ("cost $5", "cost $5"),
            ("900K views in 24h", "900k views in 24h"),
            ("don't", "don't"),
            ("good", "god"),
            ("Привет мир", "пpиbet mиp"),
            ("日本語のテキスト", "日本語のテキスト"),
        ])
    func ordinary(input: String, skeleton: String) {
        #expect(normalizer.normalize(input).skeleton.string == skeleton)
    }

    @Test("a skeleton range maps back to exactly what the author wrote")
    func offsetsMapBack() throws {
        let cases: [(text: String, skeletonWord: String, original: String)] = [
            ("you f.u.c.k off", "fuck", "f.u.c.k"),
            ("oh ｆｕｃｋ!", "fuck", "ｆｕｃｋ"),
            ("so fuuuuuuck it", "fuck", "fuuuuuuck"),
            ("ca fu\u{0308}ck", "fuck", "fu\u{0308}ck"),
            ("x ѕhіt y", "shit", "ѕhіt"),
            ("STRAẞE", "strase", "STRAẞE"),
        ]
        for (text, word, original) in cases {
            let view = normalizer.normalize(text).skeleton
            let skeleton = Array(view.bytes)
            let needle = Array(word.utf8)
            let at = try #require(
                (0...(skeleton.count - needle.count)).first { Array(skeleton[$0..<($0 + needle.count)]) == needle },
                "\(word) in \(view.string)")
            let range = view.originalRange(of: at..<(at + needle.count))
            let bytes = Array(text.utf8)[range]
            #expect(String(decoding: bytes, as: UTF8.self) == original)
        }
    }

    @Test(
        "letter runs remember what the skeleton hides",
        arguments: [
            // (text, skeleton, flags per skeleton byte: d = doubled, l = real l (L doubled),
            // i = real i, b = both a real i and a real l, . = none)
            ("ass", "as", ".d"),
            ("as", "as", ".."),
            ("tilts", "tits", ".b.."),
            ("tits", "tits", ".i.."),
            ("h3ll0", "heio", "..L."),
            ("s1ut", "siut", "...."),
            ("fuuuck", "fuck", ".d.."),
        ])
    func letterRuns(text: String, skeleton: String, flags: String) {
        let view = normalizer.normalize(text).skeleton
        #expect(view.string == skeleton)
        let rendered = view.letterRuns.map { runs -> Character in
            if runs & LetterRun.hasL != 0 && runs & LetterRun.hasI != 0 { return "b" }
            if runs & LetterRun.hasL != 0 { return runs & LetterRun.doubled != 0 ? "L" : "l" }
            if runs & LetterRun.hasI != 0 { return "i" }
            return runs & LetterRun.doubled != 0 ? "d" : "."
        }
        #expect(String(rendered) == flags)
    }

    @Test("the folded view only folds")
    func foldedView() {
        let text = normalizer.normalize("Sh1T  ＨÉLLO f.u.c.k", folded: true)
        #expect(text.folded.string == "sh1t  hello f.u.c.k")
    }

    @Test("the ASCII fast path gives exactly what the general path gives")
    func fastPathMatchesGeneralPath() {
        let alphabet = Array("aAbcdefiIlLosStux0134578952@$!|_ .-*,'~/\\:;\"=^`+\t\n?#&()")
        var generator = SplitMix(seed: 7)
        for round in 0..<20_000 {
            var text = generator.text(from: alphabet, maxLength: 30)
            if round % 7 == 0 { text = String(text.map { $0 == "x" ? " " : $0 }) }  // more single letters
            var fast = NormalizedText(), general = NormalizedText()
            text.withUTF8 { bytes in
                normalizer.normalize(bytes, into: &fast, folded: true, fastPath: true)
                normalizer.normalize(bytes, into: &general, folded: true, fastPath: false)
            }
            if !expectSameViews(fast, general, text) { break }
        }
    }

    @Test("reused scratch gives the same views as fresh scratch, across fast and general paths")
    func reusedScratch() {
        let texts = [
            "short", String(repeating: "long ASCII text, sh1t ", count: 40), "ѕhіt ｆｕｃｋ", "x",
            String(repeating: "ünïcödé wörds ", count: 60), "f.u.c.k", "tiny", String(repeating: "ab ", count: 500),
        ]
        var reused = NormalizedText()
        var generator = SplitMix(seed: 3)
        for _ in 0..<3 {
            for text in texts.shuffled(using: &generator) {
                var copy = text
                copy.withUTF8 { normalizer.normalize($0, into: &reused, folded: true) }
                expectSameViews(reused, normalizer.normalize(text, folded: true), text)
            }
        }
    }

    /// Expects both views of `a` and `b` to be identical, maps and run flags included.
    @discardableResult
    private func expectSameViews(_ a: NormalizedText, _ b: NormalizedText, _ text: String) -> Bool {
        let same =
            a.skeleton.bytes == b.skeleton.bytes && a.skeleton.sourceStart == b.skeleton.sourceStart
            && a.skeleton.sourceEnd == b.skeleton.sourceEnd && a.skeleton.letterRuns == b.skeleton.letterRuns
            && a.folded.bytes == b.folded.bytes && a.folded.sourceStart == b.folded.sourceStart
            && a.folded.sourceEnd == b.folded.sourceEnd
        #expect(
            same,
            "views differ for \(text.debugDescription): \(a.skeleton.string.debugDescription) vs \(b.skeleton.string.debugDescription)"
        )
        return same
    }

    @Test("offset maps stay consistent on arbitrary text")
    func offsetInvariants() {
        // A deterministic mix of the characters the normalizer treats specially.
        let alphabet = Array("aAlI1!|$@ .-_*fuckß\u{0301}\u{200B}ｆ𝐟ѕіο€😀日\n\t'")
        var generator = SplitMix(seed: 42)
        for _ in 0..<2_000 {
            let text = generator.text(from: alphabet, maxLength: 40)
            let utf8 = Array(text.utf8)
            let view = normalizer.normalize(text).skeleton
            #expect(view.bytes.count == view.sourceStart.count && view.bytes.count == view.sourceEnd.count)
            #expect(
                String(validating: view.bytes, as: UTF8.self) != nil,
                "skeleton is valid UTF-8 for \(text.debugDescription)")
            var previousStart: Int32 = 0
            for k in view.bytes.indices {
                let start = Int(view.sourceStart[k]), end = Int(view.sourceEnd[k])
                #expect(
                    start >= Int(previousStart) && start < end && end <= utf8.count,
                    "\(text.debugDescription) byte \(k)")
                #expect(utf8[start] & 0xC0 != 0x80 && (end == utf8.count || utf8[end] & 0xC0 != 0x80))
                previousStart = view.sourceStart[k]
            }
        }
    }
}
