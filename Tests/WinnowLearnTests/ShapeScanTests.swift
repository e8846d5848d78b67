import Testing
import WinnowTestSupport

@testable import WinnowLearn

@Suite("Shape counts for the classifier")
struct ShapeScanTests {
    /// The counts as their definition reads, one character at a time.
    static func reference(_ text: String) -> Shape {
        let bytes = Array(text.utf8)
        var letters = 0, uppercase = 0, visible = 0, symbols = 0
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if (0x41...0x5A).contains(v) { uppercase += 1 }
            if (0x41...0x5A).contains(v) || (0x61...0x7A).contains(v) { letters += 1 }
            if (0x21...0x7E).contains(v) || v >= 0x80 { visible += 1 }
            if (0x2000..<0x3000).contains(v) || v >= 0x10000 { symbols += 1 }
        }
        func at(_ k: Int, _ s: String) -> Bool {
            k >= 0 && k + s.utf8.count <= bytes.count && Array(bytes[k..<(k + s.utf8.count)]) == Array(s.utf8)
        }
        func isName(_ b: UInt8) -> Bool {
            (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || (0x30...0x39).contains(b) || b == 0x5F
        }
        var links = 0, mentions = 0
        for k in bytes.indices {
            if at(k, "://") { links += 1 }
            if at(k, "www.") && !at(k - 2, "//") { links += 1 }
            if bytes[k] == 0x40, k + 1 < bytes.count, isName(bytes[k + 1]),
                k == 0 || !(isName(bytes[k - 1]) || bytes[k - 1] == 0x2E)
            {
                mentions += 1
            }
        }
        return Shape(
            links: links, mentions: mentions, length: bytes.count, letters: letters, uppercase: uppercase,
            visible: visible, symbols: symbols)
    }

    static func scan(_ text: String) -> Shape {
        var text = text
        return text.withUTF8 { ShapeScan.shape($0) }
    }

    @Test("counts equal plain counting on random comments", arguments: 0..<4)
    func matchesReference(seed: UInt64) {
        var random = SplitMix(seed: seed)
        let pieces = [
            "Check", "OUT", "my", "channel", "@bob", "x@y.com", "@", "@_", ".@al", "http://bit.ly/x", "https://a.b",
            "www.example.com", "http://www.a.com", "//www.b.org", "wow", "w", "ww", "😂", "🔥🔥", "—", "→", "“quoted”",
            "é",
            "Привет", "日本語", "\u{FEFF}", " ", "\n", "!!!", "...", ":", "://", "a:/", "12", "_x",
        ]
        for _ in 0..<300 {
            let text = (0..<Int(random.next() % 20)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }
                .joined(separator: random.next() % 4 == 0 ? "" : " ")
            #expect(Self.scan(text) == Self.reference(text), "\(text)")
        }
    }

    @Test("a comment longer than the 16-bit counters hold is counted in runs")
    func longComment() {
        let text = String(repeating: "Aa🔥 @b http://x.y ", count: 9_000)  // 189,000 bytes
        let shape = Self.scan(text)
        #expect(shape == Self.reference(text))
        #expect(shape.uppercase == 9_000)
        #expect(shape.symbols == 9_000)
        #expect(shape.mentions == 9_000)
        #expect(shape.links == 9_000)
    }

    @Test("what counts, exactly")
    func exactCounts() {
        #expect(
            Self.scan("Check OUT @bob: http://x.co 😂")
                == Shape(
                    links: 1, mentions: 1, length: 32, letters: 18, uppercase: 4, visible: 25, symbols: 1))
        #expect(Self.scan("mail me at x@y.com").mentions == 0)
        #expect(Self.scan("see http://www.a.com and www.b.com").links == 2)
    }
}
