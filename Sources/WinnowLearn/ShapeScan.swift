/// The counts a comment's shape features come from, in one pass over its UTF-8 with one table
/// load and one addition a byte: each byte's table entry holds its contributions to four
/// 16-bit counters of one 64-bit word (letters, capitals, visible characters, symbols), so the
/// loop adds them all at once; `@` and `:` (the rare bytes that may start a mention or a link)
/// are looked at on their own.
///
/// Its own scan, not the engine's `TextStats` (which the stop-word path does not need): shape
/// features are coarse buckets, so they are counted the cheap way, the same in training and in
/// scoring — letters and capitals of ASCII; every character other than spaces and controls as
/// visible (a character outside ASCII counted by its first byte); characters of U+2000–U+2FFF
/// and from U+10000 (punctuation, arrows, dingbats, emoji) as symbols; a link per `://` and per
/// `www.` that does not follow one; a mention per `@` followed by a name character and not
/// preceded by one (`x@y.com` is not one). `ShapeScanTests` checks it against plain counting.
public enum ShapeScan {
    /// The shape of the UTF-8 `text`.
    public static func shape(_ text: UnsafeBufferPointer<UInt8>) -> Shape {
        var letters = 0, uppercase = 0, visible = 0, symbols = 0, links = 0, mentions = 0
        table.withUnsafeBufferPointer { table in
            var start = 0
            // 16-bit counters: a run of at most 65,535 bytes at a time.
            while start < text.count {
                let end = min(text.count, start + 65_535)
                var sums: UInt64 = 0
                var k = start
                while k < end {
                    let entry = table[Int(text[k])]
                    sums &+= entry
                    if entry & rareBit != 0 {
                        if text[k] == 0x40 {
                            if startsMention(text, at: k) { mentions += 1 }
                        } else if startsLink(text, at: k) {
                            links += 1
                        }
                    }
                    k &+= 1
                }
                letters += Int(sums & 0xFFFF)
                uppercase += Int(sums >> 16 & 0xFFFF)
                visible += Int(sums >> 32 & 0xFFFF)
                symbols += Int(sums >> 48 & 0x7FFF)
                start = end
            }
        }
        return Shape(
            links: links, mentions: mentions, length: text.count, letters: letters, uppercase: uppercase,
            visible: visible, symbols: symbols)
    }

    /// Marks `@`, `:` and `w` (bit 63: the symbol counter never reaches it).
    static let rareBit: UInt64 = 1 << 63

    /// Per byte: 1 (letter), 1 << 16 (capital), 1 << 32 (visible), 1 << 48 (symbol), `rareBit`.
    static let table: [UInt64] = (0..<256).map { b -> UInt64 in
        var entry: UInt64 = 0
        if isLetter(UInt8(b)) { entry |= 1 }
        if (0x41...0x5A).contains(b) { entry |= 1 << 16 }
        if (0x21...0x7E).contains(b) || (0xC2...0xF4).contains(b) { entry |= 1 << 32 }
        if b == 0xE2 || (0xF0...0xF4).contains(b) { entry |= 1 << 48 }
        if b == 0x40 || b == 0x3A || b == 0x77 { entry |= rareBit }
        return entry
    }

    static func isLetter(_ b: UInt8) -> Bool { (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) }

    /// A letter, a digit or `_`.
    static func isNameByte(_ b: UInt8) -> Bool { isLetter(b) || (0x30...0x39).contains(b) || b == 0x5F }

    /// Whether the `@` at `k` starts a mention: a name byte follows, and no name byte or `.`
    /// stands before it.
    static func startsMention(_ text: UnsafeBufferPointer<UInt8>, at k: Int) -> Bool {
        guard k + 1 < text.count, isNameByte(text[k + 1]) else { return false }
        return k == 0 || !(isNameByte(text[k - 1]) || text[k - 1] == 0x2E)
    }

    /// Whether the `:` or `w` at `k` starts a link: `://`, or `www.` not right after `//`.
    static func startsLink(_ text: UnsafeBufferPointer<UInt8>, at k: Int) -> Bool {
        if text[k] == 0x3A {
            return k + 2 < text.count && text[k + 1] == 0x2F && text[k + 2] == 0x2F
        }
        guard k + 3 < text.count, text[k + 1] == 0x77, text[k + 2] == 0x77, text[k + 3] == 0x2E else { return false }
        return !(k >= 2 && text[k - 1] == 0x2F && text[k - 2] == 0x2F)
    }
}
