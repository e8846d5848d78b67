import Foundation
import Testing
import WinnowCore
import WinnowTestSupport
@testable import WinnowText

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

    @Test(
        "emoji, punctuation, numbers, case, spacing, mentions and disguises leave it unchanged",
        arguments: [
            "check out my channel 😀😀", "CHECK OUT MY CHANNEL!!!", "check  out my channel 123",
            "@someone check out my channel",
            "@u613649716 check out my channel", "@user_42: check out my channel",
            "ch3ck out my chaaaannel", "сheck out my channel",  // Cyrillic с
        ])
    func invariants(variant: String) {
        #expect(fingerprint(variant) == fingerprint("check out my channel"))
        // "out" and "my" are common words: the sketch is of "check" and "channel".
        #expect(fingerprint(variant).words == 2)
        #expect(!fingerprint(variant).isGeneric)
    }

    @Test("no words, no fingerprint")
    func empty() {
        #expect(fingerprint("😀 123 !!! @you") == Fingerprint(words: 0, wordSet: 0, isGeneric: true))
    }

    @Test(
        "common words are left out; a comment of fewer than two others is generic and sketched whole",
        arguments: [
            ("anyone watching the game tonight", 3, false), ("the weather is lovely here", 2, false),
            ("happy new year everyone", 4, true), ("I like this song", 4, true), ("lol", 1, true),
            ("j'adore cette chanson, merci", 2, false), ("спасибо всем", 3, true),
        ])
    func commonWordsLeftOut(text: String, words: Int, generic: Bool) {
        #expect(fingerprint(text).words == words)
        #expect(fingerprint(text).isGeneric == generic)
    }

    /// The word-set sketch the repeat rule uses, at the values it needs (RepeatRule.needed: 8
    /// below five uncommon words, 6 for five to seven, 5 from eight): one changed word of a long
    /// comment stays a repeat in most real spam comments; other comments of about the same
    /// length come that close very rarely.
    @Test("word-set sketch: one changed word of a long comment stays similar; others rarely come close")
    func wordSetOneChangedWord() throws {
        func needed(_ fingerprint: Fingerprint) -> Int {
            fingerprint.isGeneric || fingerprint.words < 5 ? 8 : fingerprint.words < 8 ? 6 : 5
        }
        let texts = Self.youtubeTexts
        var similar = 0, changed = 0, closeOther = 0, others = 0
        for (k, text) in texts.enumerated() {
            var words = text.split(separator: " ").map(String.init)
            let original = fingerprint(text)
            guard original.words >= 8, words.count >= 8 else { continue }
            words[k % words.count] = "banana"
            changed += 1
            if WordSetSketch.matchingValues(original.wordSet, fingerprint(words.joined(separator: " ")).wordSet)
                >= needed(original)
            {
                similar += 1
            }
            let other = fingerprint(texts[(k * 7919 + 13) % texts.count])
            let longer = max(original.words, other.words), shorter = min(original.words, other.words)
            guard other.wordSet != original.wordSet, longer - shorter <= max(1, longer / 4) else { continue }
            others += 1
            if WordSetSketch.matchingValues(original.wordSet, other.wordSet) >= needed(original) { closeOther += 1 }
        }
        #expect(changed > 200)
        #expect(Double(similar) / Double(changed) >= 0.9, "\(similar) of \(changed)")
        // (Many "other" comments of this spam collection are variants of the same spam.)
        #expect(Double(closeOther) / Double(others) <= 0.05, "\(closeOther) of \(others)")
        #expect(
            WordSetSketch.matchingValues(
                fingerprint("check out my channel").wordSet, fingerprint("CHECK OUT MY CHANNEL 😀").wordSet) == 8)
    }

    @Test("the bit-mask word scan of plain ASCII agrees with reading a character at a time")
    func bitMaskScanAgrees() {
        func both(_ text: [UInt8]) -> (Fingerprint, Fingerprint) {
            text.withUnsafeBufferPointer { (Fingerprint(bytes: $0), Fingerprint.sketchByScanning($0)) }
        }
        // Skeleton-like texts: letters, spaces, punctuation and `@handles` (ending at a space,
        // punctuation or another `@`), long words (hashed eight bytes at a time), lengths across
        // the 64-byte words of the bitmaps and past the 1,024 bytes of the bit-mask path, and
        // more than the 64 words a sketch takes.
        var random = SplitMix(seed: 17)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz    ,.:;!?)(@@-_0123456789'".utf8)
        var checked = 0
        for round in 0..<2_000 {
            let length = Int(random.next() % (round % 10 == 0 ? 1_200 : 160))
            var text = (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            if round % 7 == 0, length > 20 {
                // A long word somewhere.
                let at = Int(random.next() % UInt64(length - 20))
                for k in at..<at + 19 { text[k] = UInt8(ascii: "a") + UInt8(random.next() % 26) }
            }
            let (masks, scan) = both(text)
            #expect(masks == scan, "\(String(decoding: text, as: UTF8.self).debugDescription)")
            checked += 1
        }
        #expect(checked == 2_000)
        // Lengths that fill the bitmaps' 64-byte words exactly, with a handle in the first one.
        let exact = [64, 128, 1_023, 1_024, 1_025].map { length in
            "@bob hi " + String(String(repeating: "word ", count: 205).prefix(length - 8))
        }
        for text in [
            "@bob hello there friend", "hello@bob:x y z", "abcdefgh", "abcdefghijklmnopq rs",
            "a" + String(repeating: " b", count: 100),
        ] + exact {
            let (masks, scan) = both(Array(text.utf8))
            #expect(masks == scan, "\(text)")
        }
        #expect(both(Array(String(repeating: "ab ", count: 100).utf8)).0.words == 64)
    }

    @Test("equal values of two sketches, counted with bit tricks, agree with counting one by one")
    func matchingValuesModel() {
        var random = SplitMix(seed: 3)
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
