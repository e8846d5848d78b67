import Testing
@testable import WinnowText
import WinnowMatch

/// Every letter of the fold table that a reader takes for a plain Latin one, tried in real words
/// against the bundled lists: a look-alike must catch a disguised stop word and must never turn
/// a clean word into one.
@Suite("Look-alike letters against the bundled lists")
struct LookalikeTests {
    /// Every scalar that folds to exactly one ASCII letter, grouped by that letter.
    static let lookalikes: [Character: [Unicode.Scalar]] = {
        var result: [Character: [Unicode.Scalar]] = [:]
        for row in foldTableRows.split(separator: "\n") {
            let fields = row.split(separator: " ")
            guard fields.count == 2, let from = UInt32(fields[0], radix: 16), let to = UInt32(fields[1], radix: 16),
                (0x61...0x7A).contains(to), let scalar = Unicode.Scalar(from), let letter = Unicode.Scalar(to)
            else { continue }
            result[Character(letter), default: []].append(scalar)
        }
        return result
    }()

    static let bundled: StopwordSet = {
        let (lists, _) = WordlistDirectory.load(Fixtures.bundledWordlists)
        return try! StopwordSet(lists: lists)
    }()

    /// `word` with its letter at `index` replaced by each of the letter's look-alikes.
    static func disguises(of word: String, at index: Int) -> [String] {
        var characters = Array(word)
        let letter = Character(characters[index].lowercased())
        return (lookalikes[letter] ?? []).map { scalar in
            characters[index] = Character(scalar)
            return String(characters)
        }
    }

    /// `text` folded scalar by scalar as the normalizer does: the fold table for non-ASCII
    /// scalars, lower case for ASCII.
    static func folded(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let mapped = FoldTable.shared.fold(scalar.value) { value in
                if let replacement = Unicode.Scalar(value) { result.append(replacement) }
            }
            if mapped { continue }
            if scalar.isASCII {
                result.append(contentsOf: Character(scalar).lowercased().unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    @Test("the table holds look-alikes of every letter, small capitals and hooked letters among them")
    func tableCoversEveryLetter() {
        #expect(Self.lookalikes.count == 26)
        #expect(Self.lookalikes["f"]?.contains("\u{A730}") == true)  // LATIN LETTER SMALL CAPITAL F
        #expect(Self.lookalikes["s"]?.contains("\u{0282}") == true)  // LATIN SMALL LETTER S WITH HOOK
        #expect(Self.lookalikes["i"]?.contains("\u{0268}") == true)  // LATIN SMALL LETTER I WITH STROKE
        #expect(Self.lookalikes["o"]?.contains("\u{043E}") == true)  // CYRILLIC SMALL LETTER O
    }

    @Test("every letter of the syllabics fancy-text alphabet folds to its Latin letter, and so do its plain kin")
    func syllabicsAlphabetFolds() {
        #expect(Self.folded("ᗩᗷᑕᗪᕮᖴᘜᕼᓰᒍᛕᒪᗰᑎOᑭᑫᖇᔕTᑌᐯᗯ᙭ᖻᘔ") == "abcdefghijklmnopqrstuvwxyz")
        // Carrier and Sayisi syllabics of the same plain shapes: B C D Ɛ Ɛ Ɛ M M M η ρ U ɯ W W.
        #expect(Self.folded("ᙖᙅᗤᗴᘍᙓᘻᙏᙢᘉᖘᗜᘈᙎᙡ") == "bcdeeemmmnpuwww")
    }

    @Test("the Cherokee, Yi and Runic letters that read as Latin fold, Cherokee small letters as their capitals")
    func otherAlphabetsFold() {
        #expect(Self.folded("ᎯᏨᏋᎶᏩᏆᏝᏁᎮᏤ") == "aceggilnpv")  // Ꭿ Ꮸ Ꮛ Ꮆ Ꮹ Ꮖ Ꮭ Ꮑ Ꭾ Ꮴ
        #expect(Self.folded("ꭿꮸꮛꮆꮹꮖꮭꮑꭾꮴ") == "aceggilnpv")  // their small letters, U+AB70-ABBF
        #expect(Self.folded("ꍏꉔ꒯ꏂꀍꀤ꒐ꀘ꒒ꂦꆰꋪꌚ꓄ꅐꉧꌩ") == "acdehiikloqrstwxy")
        #expect(Self.folded("ᚱᛒ") == "rb")
    }

    @Test("a capital folds by its own look, which may not be its small letter's: Greek Η is h, η is n")
    func capitalsFoldByTheirOwnLook() {
        #expect(Self.folded("ΒΕΖΗΙΚΜΝΤΥΧ") == "bezhikmntyx")  // Greek capitals
        #expect(Self.folded("ηντυ") == "nvtu")  // η ν τ υ
        #expect(Self.folded("ⲎⲒⲔⲘⲚⲦⲨⲬ") == "hikmntyx")  // Coptic capitals
        #expect(Self.folded("ꮁ") == "r")  // Cherokee small HU, whose capital Ꮁ is Γ
        // Cyrillic capitals fold with their small letters, so that Russian lists match either case:
        // В в Н н Т т М м (small ones drawn as small capitals) to Latin, Б б and Ь ь not.
        #expect(Self.folded("ВвНнТтМм") == "bbhhttmm")
        #expect(Self.folded("БбЬь") == "66ьь")
        // Open e's stay (ε ɛ є Ɛ Є): only the Greek capital Ε is drawn E.
        #expect(Self.folded("εɛєƐЄ") == "εɛєɛє")
    }

    @Test("turned, reversed, dotted and loosely alike letters stay as written")
    func looseLookalikesStay() {
        // Lisu ꓘ ꓯ ꓱ (reversed K, turned A, reversed E); Cherokee Ꮳ (C or G) and Ꮧ; the Ethiopic
        // ፈ ጀ ፚ of a fancy-text alphabet; syllabics ᔑ (ʃ) and dotted ᑮ; runes ᚹ (read w) and ᚢ (read u).
        let kept = "ꓘꓯꓱᏣᏗፈጀፚᔑᑮᚹᚢ"
        #expect(Self.folded(kept) == kept)
    }

    @Test(
        "a fancy-text spelling of a stop word is caught, over the span it was written in",
        arguments: [
            ("what a ᗩᔕᔕᕼOᒪᗴ", ["asshole*=ᗩᔕᔕᕼOᒪᗴ"]),  // Canadian syllabics
            ("ᑕᑌᑎT", ["cunt*=ᑕᑌᑎT"]),
            ("ᖘᑌᔕᔕᖻ", ["pussy=ᖘᑌᔕᔕᖻ"]),
            ("you ᏴᏋᏝᏝᏋᏁᎠ", ["bellend=ᏴᏋᏝᏝᏋᏁᎠ"]),  // Cherokee capitals
            ("you ꮟꮛꮭꮭꮛꮑꭰ", ["bellend=ꮟꮛꮭꮭꮛꮑꭰ"]),  // Cherokee small letters
            ("ꌚꀍꀤ꓄ happens", ["shit*=ꌚꀍꀤ꓄"]),  // Yi
            ("you ꒒ꂦꌚꏂꋪ", ["you loser=you ꒒ꂦꌚꏂꋪ"]),
            ("a ᛒITᑕᕼ", ["bitch*=ᛒITᑕᕼ"]),  // a rune and syllabics
        ])
    func fancyAlphabetCaught(text: String, expected: [String]) {
        #expect(hits(Self.bundled, text) == expected)
    }

    @Test(
        "a Greek, Cyrillic or Coptic capital spelling of a stop word is caught, over the span it was written in",
        arguments: [
            ("ΒΙΤCΗ", ["bitch*=ΒΙΤCΗ"]),  // Greek Β Ι Τ Η, Latin C
            ("what a ΒΙΤCΗ", ["bitch*=ΒΙΤCΗ"]),
            ("SНIT", ["shit*=SНIT"]),  // Cyrillic Н
            ("ВIТСН", ["bitch*=ВIТСН"]),  // Cyrillic В Т С Н, Latin I
            ("sнiт happens", ["shit*=sнiт"]),  // Cyrillic small н т
            ("you ΜΟRΟΝ", ["you moron=you ΜΟRΟΝ"]),  // Greek Μ Ο Ο Ν
            ("you ⲘⲞRⲞⲚ", ["you moron=you ⲘⲞRⲞⲚ"]),  // Coptic Ⲙ Ⲟ Ⲟ Ⲛ
            ("ꮁetard", ["retard=ꮁetard"]),  // Cherokee small ꮁ
            // Russian spam in capitals, and a tg-spam sample with Latin M O T A, still meet the Russian list.
            ("ПИШИТЕ В ЛС", ["пишите в лс=ПИШИТЕ В ЛС"]),
            ("MОЖНО БЕЗ OПЫTA", ["можно без опыта=MОЖНО БЕЗ OПЫTA"]),
        ])
    func capitalSpellingCaught(text: String, expected: [String]) {
        #expect(hits(Self.bundled, text) == expected)
    }

    @Test(
        "real Russian, Ukrainian and Greek sentences stay clean, in capitals too",
        arguments: [
            "Но вообще это не так",
            "НО ВООБЩЕ ЭТО НЕ ТАК",
            "Мы встретимся в понедельник в центре Москвы",
            "ТОТ КОТ НЕ ХОТЕЛ ЕСТЬ МОЛОКО",
            "КИЇВ Є СТОЛИЦЕЮ УКРАЇНИ",
            "Η ΑΘΗΝΑ ΕΙΝΑΙ Η ΠΡΩΤΕΥΟΥΣΑ ΤΗΣ ΕΛΛΑΔΑΣ",
            "ΤΟ ΜΕΣΗΜΕΡΙ ΘΑ ΠΑΜΕ ΣΤΗ ΘΑΛΑΣΣΑ ΜΕ ΤΑ ΠΑΙΔΙΑ",
            "Το μεσημέρι θα πάμε στη θάλασσα",
            // A Greek supermarket chain: Β folded as β (ß, "ss") made its ΑΒ "ass".
            "ΑΒ ΒΑΣΙΛΟΠΟΥΛΟΣ",
        ])
    func realSentencesStayClean(text: String) {
        #expect(hits(Self.bundled, text) == [])
    }

    @Test(
        "a look-alike in any letter of a clean word keeps it clean",
        arguments: [
            "Scunthorpe United", "a classic", "the assassin", "a cocktail party", "my therapist", "Charles Dickens",
            "passion", "shitake mushrooms", "Essex and Sussex", "cockpit", "assume", "bass guitar", "hello",
        ])
    func cleanWordStaysClean(word: String) {
        var caught: [String] = []
        for (index, character) in word.enumerated() where character.isLetter {
            for disguised in Self.disguises(of: word, at: index) where !hits(Self.bundled, disguised).isEmpty {
                caught.append(disguised)
            }
        }
        #expect(caught.isEmpty, "\(caught.count) disguised spellings matched, first: \(caught.prefix(5))")
    }

    @Test("a look-alike in any letter of a stop word is still caught", arguments: ["shit", "fuck", "bitch"])
    func disguisedStopWordCaught(word: String) {
        var missed: [String] = []
        var tried = 0
        for index in word.indices.map({ word.distance(from: word.startIndex, to: $0) }) {
            for disguised in Self.disguises(of: word, at: index) {
                tried += 1
                if hits(Self.bundled, "you " + disguised).isEmpty { missed.append(disguised) }
            }
        }
        #expect(tried > 300)
        #expect(missed.isEmpty, "\(missed.count) of \(tried) missed, first: \(missed.prefix(5))")
    }
}
