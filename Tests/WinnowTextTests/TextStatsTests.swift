import Testing
import WinnowText
import WinnowTestSupport

@Suite("Text statistics")
struct TextStatsTests {
    /// The obvious implementation, scalar by scalar: the model the fast path must agree with.
    func model(_ text: String) -> TextStats {
        var stats = TextStats()
        var run = 0, previous: Unicode.Scalar?, marks = 0, previousIsName = false
        let scalars = Array(text.unicodeScalars)
        var offset = 0  // UTF-8 offset of `scalar`
        for (k, scalar) in scalars.enumerated() {
            let scalarOffset = offset
            offset += String(scalar).utf8.count
            func hint() { if stats.firstLinkHint == nil { stats.firstLinkHint = scalarOffset } }
            if scalar == previous && scalar != " " {
                run += 1
            } else {
                previous = scalar
                run = 1
            }
            stats.longestRun = max(stats.longestRun, run)
            let isName =
                scalar.isASCII
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-")
            if scalar == "@", k + 1 < scalars.count, scalars[k + 1].isASCII,
                scalars[k + 1].properties.isAlphabetic || ("0"..."9").contains(scalars[k + 1]) || scalars[k + 1] == "_"
                    || scalars[k + 1] == "-",
                !previousIsName
            {
                stats.mentions += 1
            } else if scalar == "@", previousIsName {
                stats.embeddedAts += 1
            }
            if ("0"..."9").contains(scalar) { stats.digits += 1 }
            previousIsName = isName
            // Link hints: `://`, a `.` between name characters or after ` `, `[`, `(`, and `dot`
            // after ` `, `(`, `[`, `{`.
            let before: Unicode.Scalar? = k > 0 ? scalars[k - 1] : nil
            let after: Unicode.Scalar? = k + 1 < scalars.count ? scalars[k + 1] : nil
            func isNameScalar(_ s: Unicode.Scalar?) -> Bool {
                guard let s, s.isASCII else { return false }
                return s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "_" || s == "-"
            }
            if scalar == ".", let before,
                " [(".unicodeScalars.contains(before) || (isNameScalar(before) && isNameScalar(after))
            {
                hint()
            }
            if scalar == ":", k + 2 < scalars.count, scalars[k + 1] == "/", scalars[k + 2] == "/" { hint() }
            if scalar == "d" || scalar == "D", let before, " ([{".unicodeScalars.contains(before),
                k + 2 < scalars.count,
                scalars[k + 1] == "o" || scalars[k + 1] == "O", scalars[k + 2] == "t" || scalars[k + 2] == "T"
            {
                hint()
            }
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .enclosingMark:
                marks += 1
                stats.mostMarks = max(stats.mostMarks, marks)
                continue
            case .uppercaseLetter, .titlecaseLetter:
                stats.letters += 1
                stats.uppercase += 1
            case .lowercaseLetter, .otherLetter, .modifierLetter:
                stats.letters += 1
            case .otherSymbol, .mathSymbol, .currencySymbol, .modifierSymbol:
                if !scalar.isASCII { stats.symbols += 1 }
            case .format, .spaceSeparator, .control:
                // Invisible characters between marks do not break a stack (an evasion); ASCII does.
                if scalar.isASCII { marks = 0 }
                continue
            default:
                break
            }
            marks = 0
            if !(scalar.isASCII && scalar.value <= 0x20) && scalar.value != 0x7F { stats.visible += 1 }
        }
        return stats
    }

    func stats(_ text: String) -> TextStats {
        var text = text
        return text.withUTF8 { TextStats($0) }
    }

    @Test(
        "examples",
        arguments: [
            "Hello World", "THIS IS LOUD!!!!!!!!!!!!", "mail @bob and @carol", "x@y.com", "see example dot com",
            "ℌ𝔢𝔩𝔩𝔬 😀😀😀",
            "The end. Next one", "done.", "a[.]com and b(dot)net", "https://x", "example . com", "anecdote dotted",
            "ratio 3:1",
            "Z\u{0337}\u{0328}\u{031B}\u{0301}algo", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "", "   ", "ÀÉÎÕÜ àéîõü",
        ])
    func examples(text: String) {
        #expect(stats(text) == model(text), "\(text.debugDescription)")
    }

    @Test("random texts agree with the model")
    func randomTexts() {
        var random = SplitMix(seed: 7)
        let alphabet: [Character] =
            Array("aAbBdDoOtTzZ .@-_!?0123456789 xXyY:/([{") + [
                "é", "É", "😀", "\u{0301}", "ß", "€", "\u{200B}", "\t", "ÿ", "×", "Я", "я", "Ё", "ñ", "Ā",
            ]
        for _ in 0..<3_000 {
            let text = random.text(from: alphabet, maxLength: 40)
            #expect(stats(text) == model(text), "\(text.debugDescription)")
        }
    }

    @Test("texts of long runs and many mentions agree with the model")
    func runsAndMentions() {
        // Few letters: runs of every length, across the eight-byte words the fast path reads,
        // and `@` at every position of a word.
        var random = SplitMix(seed: 11)
        let alphabet: [Character] = Array("aaaab  @@.-_") + ["é"]
        for _ in 0..<3_000 {
            let text = random.text(from: alphabet, maxLength: 70)
            #expect(stats(text) == model(text), "\(text.debugDescription)")
        }
        #expect(stats("xxxxxxxxyyyyyyyyyyyyyyyyzzz").longestRun == 16)
        #expect(stats("@a @b x@c (@d) @@e @").mentions == 4)
        #expect(stats("@a @b x@c (@d) @@e @").embeddedAts == 1)
        #expect(stats("call +1 (555) 123-4567 or mail me@example.com").digits == 11)
    }

    @Test("long texts agree with the model: words of eight bytes, their counters, and the last bytes")
    func longTexts() {
        // Up to 3,000 characters: past the 255 words of eight bytes after which the ASCII scan
        // adds up its per-byte counters, with a character outside ASCII now and then, so that
        // scans stop and start again anywhere, and ends of every length.
        var random = SplitMix(seed: 13)
        let ascii: [Character] = Array(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ  .....,:/@-_!?0123456789()[]{}dot")
        for round in 0..<400 {
            let alphabet = round % 2 == 0 ? ascii : ascii + ["é", "😀"]
            let text = random.text(from: alphabet, maxLength: 3_000)
            #expect(stats(text) == model(text), "\(text.count) characters")
        }
        #expect(stats(String(repeating: "Ab", count: 1_500)).uppercase == 1_500)
        #expect(stats(String(repeating: "x", count: 2_500)).longestRun == 2_500)
        #expect(!stats(String(repeating: "The end. Wait... ", count: 200)).mayHoldLink)
        #expect(stats(String(repeating: "The end. Wait... ", count: 200) + "x.com").firstLinkHint == 17 * 200 + 1)
        #expect(stats(String(repeating: "The end. Wait... ", count: 200) + "a dot com").mayHoldLink)
    }
}
