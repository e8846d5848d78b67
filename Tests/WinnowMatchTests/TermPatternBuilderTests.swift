import Testing
import WinnowTestSupport
import WinnowText

@testable import WinnowMatch

/// The pattern builder reads the trie off the sorted terms; the reference builds it as nodes.
/// Every start-up compiles the bundled lists through it, so the two must agree to the byte.
@Suite("Term patterns: the sorted builder against the trie of nodes")
struct TermPatternBuilderTests {
    /// The terms of the bundled lists' block and allow entries, as `StopwordSet` makes them
    /// (the skeleton of each body, one mark per distinct skeleton and kind).
    static func bundledTerms() throws -> (block: [TermPatternBuilder.Term], allow: [TermPatternBuilder.Term]) {
        let (lists, errors) = WordlistDirectory.load(Fixtures.bundledWordlists)
        #expect(errors.isEmpty)
        var block: [TermPatternBuilder.Term] = []
        var allow: [TermPatternBuilder.Term] = []
        var marks: [String: Int] = [:]
        let normalizer = Normalizer()
        for list in lists {
            for entry in list.entries where entry.kind != .pattern {
                let view = normalizer.normalize(entry.body).skeleton
                let key = "\(entry.isAllow ? "!" : "")\(entry.kind)|" + view.string
                guard marks[key] == nil else { continue }
                marks[key] = marks.count
                let term = TermPatternBuilder.Term(
                    skeleton: view.string.unicodeScalars.map(\.value), kind: entry.kind, mark: marks[key]!)
                if entry.isAllow { allow.append(term) } else { block.append(term) }
            }
        }
        return (block, allow)
    }

    @Test("the bundled lists: the same patterns, ASCII-only terms and all, block and allow")
    func bundledLists() throws {
        let (block, allow) = try Self.bundledTerms()
        #expect(block.count > 500)
        for terms in [block, allow] {
            let ascii = terms.filter { $0.skeleton.allSatisfy { $0 < 0x80 } }
            for selected in [terms, ascii, Array(terms.prefix(terms.count / 2))] {
                let pattern = TermPatternBuilder.pattern(for: selected)
                #expect(pattern == ReferenceTermPatternBuilder.pattern(for: selected))
            }
        }
        // An exact pattern, read by hand: a word, its longer sibling, a prefix and a phrase.
        let terms = [
            TermPatternBuilder.Term(skeleton: Array("ab".unicodeScalars.map(\.value)), kind: .word, mark: 0),
            TermPatternBuilder.Term(skeleton: Array("abc".unicodeScalars.map(\.value)), kind: .word, mark: 1),
            TermPatternBuilder.Term(skeleton: Array("ad".unicodeScalars.map(\.value)), kind: .prefix, mark: 2),
            TermPatternBuilder.Term(skeleton: Array("a b".unicodeScalars.map(\.value)), kind: .word, mark: 3),
            TermPatternBuilder.Term(skeleton: Array("$$".unicodeScalars.map(\.value)), kind: .word, mark: 4),
            TermPatternBuilder.Term(skeleton: Array("xé".unicodeScalars.map(\.value)), kind: .suffix, mark: 5),
        ]
        #expect(
            TermPatternBuilder.pattern(for: terms)
                == #"\ba(?:[ .\-]?b\b(*:3)|b(?:c\b(*:1)|\b(*:0))|d(*:2))|(?<!\w)\$\$(?!\w)(*:4)|xé\b(*:5)"#)
        #expect(TermPatternBuilder.pattern(for: []) == nil)
    }

    @Test("random terms: the same pattern as the trie of nodes", arguments: 0..<40)
    func randomTerms(seed: Int) {
        var random = SplitMix(seed: UInt64(seed))
        // Few scalars, so that terms share prefixes and end inside each other; a space, a
        // symbol, digits and non-ASCII letters for the regex's and the boundary's cases.
        let alphabet: [UInt32] = [0x61, 0x62, 0x63, 0x20, 0x24, 0x31, 0xE9, 0x43F]
        let kinds: [WordlistEntry.Kind] = [.word, .prefix, .suffix, .infix]
        var marks: [String: Int] = [:]
        var terms: [TermPatternBuilder.Term] = []
        for _ in 0..<(1 + Int(random.next() % 60)) {
            let length = 1 + Int(random.next() % 5)
            let skeleton = (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            let kind = kinds[Int(random.next() % 4)]
            let key = "\(kind)|\(skeleton)"
            let mark = marks[key] ?? marks.count
            marks[key] = mark
            terms.append(TermPatternBuilder.Term(skeleton: skeleton, kind: kind, mark: mark))
        }
        #expect(TermPatternBuilder.pattern(for: terms) == ReferenceTermPatternBuilder.pattern(for: terms))
    }
}
