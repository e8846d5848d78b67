import Foundation
import Testing
import WinnowCore
import WinnowText

@Suite("Fingerprints of near-duplicates")
struct FingerprintTests {
    let normalizer = Normalizer()

    func fingerprint(_ text: String) -> Fingerprint {
        var normalized = NormalizedText()
        var text = text
        text.withUTF8 { normalizer.normalize($0, into: &normalized, folded: false) }
        return Fingerprint(normalized.skeleton)
    }

    static let youtubeTexts: [String] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/comments/youtube-spam-collection.ndjson")
        let lines = (try? String(contentsOf: url, encoding: .utf8))?.split(separator: "\n") ?? []
        return lines.compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["text"] as? String
        }
    }()

    @Test("emoji, punctuation, numbers, case, spacing, mentions and disguises leave it unchanged", arguments: [
        "check out my channel 😀😀", "CHECK OUT MY CHANNEL!!!", "check  out my channel 123", "@someone check out my channel",
        "@u613649716 check out my channel", "@user_42: check out my channel",
        "ch3ck out my chaaaannel", "сheck out my channel",  // Cyrillic с
    ])
    func invariants(variant: String) {
        #expect(fingerprint(variant) == fingerprint("check out my channel"))
        #expect(fingerprint(variant).words == 4)
    }

    @Test("no words, no fingerprint")
    func empty() {
        #expect(fingerprint("😀 123 !!! @you") == Fingerprint(words: 0, wordSet: 0))
    }

    /// The word-set sketch the repeat rule uses: one changed word in comments of three words or
    /// more keeps at least 4 of 8 values equal in at least 90% of the real spam comments; other
    /// comments of about the same length come that close rarely.
    @Test("word-set sketch: one changed word stays similar, even in short comments")
    func wordSetOneChangedWord() throws {
        let texts = Self.youtubeTexts
        var similar = 0, changed = 0, closeOther = 0, others = 0
        for (k, text) in texts.enumerated() {
            var words = text.split(separator: " ").map(String.init)
            let original = fingerprint(text)
            guard original.words >= 3, words.count >= 3 else { continue }
            words[k % words.count] = "banana"
            changed += 1
            if WordSetSketch.matchingValues(original.wordSet, fingerprint(words.joined(separator: " ")).wordSet) >= 4 {
                similar += 1
            }
            let other = fingerprint(texts[(k * 7919 + 13) % texts.count])
            let longer = max(original.words, other.words), shorter = min(original.words, other.words)
            guard other.wordSet != original.wordSet, longer - shorter <= max(1, longer / 4) else { continue }
            others += 1
            if WordSetSketch.matchingValues(original.wordSet, other.wordSet) >= 4 { closeOther += 1 }
        }
        #expect(changed > 900)
        #expect(Double(similar) / Double(changed) >= 0.9, "\(similar) of \(changed)")
        // (Many "other" comments of this spam collection are variants of the same spam.)
        #expect(Double(closeOther) / Double(others) <= 0.05, "\(closeOther) of \(others)")
        #expect(WordSetSketch.matchingValues(fingerprint("check out my channel").wordSet, fingerprint("CHECK OUT MY CHANNEL 😀").wordSet) == 8)
    }

    @Test("equal values of two sketches, counted with bit tricks, agree with counting one by one")
    func matchingValuesModel() {
        var random = SplitMix64(seed: 3)
        for _ in 0..<20_000 {
            let a = random.next()
            var b = a
            // Change some of the eight values (and, often, the bits above the sketch).
            for k in 0..<8 where random.next() % 2 == 0 { b ^= (random.next() % 63 + 1) << (6 * UInt64(k)) }
            if random.next() % 3 == 0 { b ^= random.next() << 48 }
            var x = a ^ b, expected = 0
            for _ in 0..<8 {
                if x & 0x3F == 0 { expected += 1 }
                x >>= 6
            }
            #expect(WordSetSketch.matchingValues(a, b) == expected)
        }
        #expect(WordSetSketch.matchingValues(0, 0x3F << 42) == 7)
        #expect(WordSetSketch.matchingValues(0, 0xFFFF_FFFF_FFFF) == 0)
    }
}
