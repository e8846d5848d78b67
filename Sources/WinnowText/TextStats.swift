import WinnowCore

/// Counts over a comment's original text, gathered in one pass for the rules that judge its
/// shape (noise) and look for links and mentions, so that each does not walk the text again.
public struct TextStats: Equatable, Sendable {
    public var letters = 0
    public var uppercase = 0
    /// Characters other than spaces, controls and invisible formatting.
    public var visible = 0
    /// Emoji and other symbols.
    public var symbols = 0
    /// The longest run of one character (spaces aside).
    public var longestRun = 0
    /// The most combining marks on one character.
    public var mostMarks = 0
    /// `@name` tokens.
    public var mentions = 0
    /// What every link `LinkScanner` finds holds: `://`, a `.` between name characters or after
    /// a space, `[` or `(` (`a.com`, `a . com`, `a[.]com`), or `dot` after a space or an opening
    /// bracket (`a dot com`, `a(dot)com`). Without one, the link scan is skipped; a sentence's
    /// full stop (`end. Next`) is not one.
    public var mayHoldLink = false

    public init() {}

    /// Byte classes of ASCII: bit 0 letter, bit 1 upper case, bit 2 visible, bit 3 part of a name.
    /// A plain pointer, allocated once: the scan loop below must not run inside a closure, or
    /// its counters would live in memory instead of registers.
    private nonisolated(unsafe) static let asciiClass: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 128)
        for c in 0..<128 {
            var bits: UInt8 = 0
            let isUpper = c >= 0x41 && c <= 0x5A, isLower = c >= 0x61 && c <= 0x7A, isDigit = c >= 0x30 && c <= 0x39
            if isUpper || isLower { bits |= 1 }
            if isUpper { bits |= 2 }
            if c > 0x20 && c < 0x7F { bits |= 4 }
            if isUpper || isLower || isDigit || c == 0x5F || c == 0x2D { bits |= 8 }
            table[c] = bits
        }
        return UnsafePointer(table)
    }()

    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    @inline(__always)
    private static func repeated(_ byte: UInt8) -> UInt64 { UInt64(byte) &* 0x0101_0101_0101_0101 }

    /// Non-zero when one of the eight bytes of `w` is `byte`.
    @inline(__always)
    private static func hasByte(_ w: UInt64, _ byte: UInt8) -> UInt64 {
        let x = w ^ repeated(byte)
        return (x &- repeated(0x01)) & ~x & highBits
    }

    /// How many bytes of `w` have their high bit set. (A multiply: without a POPCNT instruction
    /// in the baseline x86-64 target, `nonzeroBitCount` is a dozen instructions.)
    @inline(__always)
    private static func countHighBits(_ w: UInt64) -> Int {
        Int(truncatingIfNeeded: (((w & highBits) >> 7) &* repeated(0x01)) >> 56)
    }

    /// 0x80 in each byte of `w` that is zero, 0 in the others (exact: no borrow between bytes).
    @inline(__always)
    private static func zeroBytes(_ w: UInt64) -> UInt64 {
        ~(((w & repeated(0x7F)) &+ repeated(0x7F)) | w) & highBits
    }

    /// What may stand before a disguised `dot`: a space or an opening bracket.
    @inline(__always)
    private static func opensDot(_ c: UInt8) -> Bool { c == 0x20 || c == 0x28 || c == 0x5B || c == 0x7B }

    /// `opensDot` of the character before, as the scan keeps it (`previous`: its scalar value,
    /// or all ones before the first), without reading the text again.
    @inline(__always)
    private static func opensDot(_ scalar: UInt32) -> Bool { scalar < 0x80 && opensDot(UInt8(truncatingIfNeeded: scalar)) }

    /// Whether byte `i` starts one of the link hints of `mayHoldLink`.
    @inline(__always)
    private static func isLinkHint(_ text: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
        let n = text.count
        switch text[i] {
        case 0x2E:  // .
            guard i > 0 else { return false }
            let before = text[i - 1]
            if before == 0x20 || before == 0x5B || before == 0x28 { return true }
            return before < 0x80 && asciiClass[Int(before)] & 8 != 0 && i + 1 < n && text[i + 1] < 0x80
                && asciiClass[Int(text[i + 1])] & 8 != 0
        case 0x3A:  // :
            return i + 2 < n && text[i + 1] == 0x2F && text[i + 2] == 0x2F
        case 0x64, 0x44:  // d
            return i > 0 && opensDot(text[i - 1]) && i + 2 < n && text[i + 1] | 0x20 == 0x6F && text[i + 2] | 0x20 == 0x74
        default:
            return false
        }
    }

    public init(_ text: UnsafeBufferPointer<UInt8>) {
        // Locals, not `self`'s fields, in the loop: they stay in registers.
        var letters = 0, uppercase = 0, visible = 0, symbols = 0, longestRun = 0, mostMarks = 0, mentions = 0
        var mayHoldLink = false
        var run = 0
        var previous: UInt32 = 0xFFFF_FFFF
        var marks = 0
        var previousClass: UInt8 = 0
        let table = Self.asciiClass
        var k = 0
        let n = text.count
        let raw = UnsafeRawBufferPointer(text)
        while k < n {
            // Eight ASCII bytes at a time: counts by bit tricks, the rest byte by byte.
            if k + 8 <= n {
                let w = raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)
                if w & Self.highBits == 0 {
                    // Once a link hint is seen, no need to look again. A word is looked at byte
                    // by byte only with a `.` or `:`, or a `d` after a space or bracket (the
                    // masks may flag a byte too many, never one too few).
                    if !mayHoldLink {
                        // The bytes that may start a hint, each then looked at on its own: `.`,
                        // `:`, and `dot` in any case after an opening (a `d` in the last two
                        // bytes always, its `ot` being in the next word). Most words have no
                        // `d`: the masks for `dot` are made only for those that do.
                        var hints = Self.hasByte(w, 0x2E) | Self.hasByte(w, 0x3A)
                        let folded = w | Self.repeated(0x20)
                        let d = Self.hasByte(folded, 0x64)
                        if d != 0 {
                            let opening = Self.hasByte(w, 0x20) | Self.hasByte(w, 0x28) | Self.hasByte(w, 0x5B) | Self.hasByte(w, 0x7B)
                            let afterOpening = opening << 8 | (Self.opensDot(previous) ? 0x80 : 0)
                            let ot = Self.hasByte(folded, 0x6F) >> 8 & Self.hasByte(folded, 0x74) >> 16 | 0x8080_0000_0000_0000
                            hints |= d & afterOpening & ot
                        }
                        while hints != 0 {
                            if Self.isLinkHint(text, at: k &+ hints.trailingZeroBitCount >> 3) {
                                mayHoldLink = true
                                break
                            }
                            hints &= hints &- 1
                        }
                    }
                    // Mentions: each `@` looked at on its own (there are few).
                    var at = Self.zeroBytes(w ^ Self.repeated(0x40))
                    while at != 0 {
                        let p = k &+ at.trailingZeroBitCount >> 3
                        let classBefore = p == k ? previousClass : table[Int(text[p &- 1])]
                        if classBefore & 8 == 0, p &+ 1 < n, text[p &+ 1] < 0x80, table[Int(text[p &+ 1])] & 8 != 0 {
                            mentions &+= 1
                        }
                        at &= at &- 1
                    }
                    let upper = (w &+ Self.repeated(0x80 - 0x41)) & ~(w &+ Self.repeated(0x80 - 0x5B))
                    let lower = (w &+ Self.repeated(0x80 - 0x61)) & ~(w &+ Self.repeated(0x80 - 0x7B))
                    let shown = (w &+ Self.repeated(0x80 - 0x21)) & ~(w &+ Self.repeated(0x80 - 0x7F))
                    uppercase &+= Self.countHighBits(upper)
                    letters &+= Self.countHighBits(upper | lower)
                    visible &+= Self.countHighBits(shown)
                    // Runs: the bytes equal to the one before them (spaces aside), as a mask.
                    let before = w << 8 | (previous < 0x80 ? UInt64(previous) : 0xFF)
                    let equal = Self.zeroBytes(w ^ before) & ~Self.zeroBytes(w ^ Self.repeated(0x20))
                    if equal == 0 {
                        run = 1
                    } else if equal == Self.highBits {
                        run &+= 8
                    } else {
                        // The run in progress goes on through the first equal bytes; a block of
                        // equal bytes inside is a run one longer; the last block starts the next.
                        let breaks = ~equal & Self.highBits
                        longestRun = max(longestRun, run &+ breaks.trailingZeroBitCount >> 3)
                        var block = equal, longest = 0
                        while block != 0 {
                            block &= block << 8
                            longest &+= 1
                        }
                        longestRun = max(longestRun, longest &+ 1)
                        run = 1 &+ breaks.leadingZeroBitCount >> 3
                    }
                    if run > longestRun { longestRun = run }
                    previous = UInt32(w >> 56)
                    marks = 0
                    previousClass = table[Int(text[k &+ 7])]
                    k &+= 8
                    continue
                }
            }
            let lead = text[k]
            if lead < 0x80 {
                let value = UInt32(lead)
                if value == previous && lead != 0x20 {
                    run += 1
                } else {
                    previous = value
                    run = 1
                }
                if run > longestRun { longestRun = run }
                marks = 0
                let bits = table[Int(lead)]
                letters &+= Int(bits & 1)
                uppercase &+= Int(bits >> 1 & 1)
                visible &+= Int(bits >> 2 & 1)
                if lead == 0x40, k + 1 < n, text[k + 1] < 0x80, table[Int(text[k + 1])] & 8 != 0, previousClass & 8 == 0 {
                    mentions += 1
                }
                if !mayHoldLink && Self.isLinkHint(text, at: k) { mayHoldLink = true }
                previousClass = bits
                k += 1
                continue
            }
            previousClass = 0
            let length = UTF8Scalars.length(lead: lead)
            var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
            var j = 1
            while j < length && k + j < n {
                value = value << 6 | UInt32(text[k + j] & 0x3F)
                j += 1
            }
            k += length
            if value == previous {
                run += 1
            } else {
                previous = value
                run = 1
            }
            if run > longestRun { longestRun = run }
            // The commonest letters outside ASCII, without a Unicode table lookup: Latin-1
            // (À–ÿ but × and ÷) and the basic Cyrillic alphabet (А–я).
            if (value >= 0xC0 && value <= 0xFF && value != 0xD7 && value != 0xF7) || (value >= 0x410 && value <= 0x44F) {
                letters += 1
                if value < 0xDF || (value >= 0x410 && value < 0x430) { uppercase += 1 }
                marks = 0
                visible += 1
                continue
            }
            guard let scalar = Unicode.Scalar(value) else { continue }
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .enclosingMark:
                marks += 1
                if marks > mostMarks { mostMarks = marks }
                continue
            case .uppercaseLetter, .titlecaseLetter:
                letters += 1
                uppercase += 1
            case .lowercaseLetter, .otherLetter, .modifierLetter:
                letters += 1
            case .otherSymbol, .mathSymbol, .currencySymbol, .modifierSymbol:
                symbols += 1
            case .format, .spaceSeparator, .control:
                continue
            default:
                break
            }
            marks = 0
            visible += 1
        }
        self.letters = letters
        self.uppercase = uppercase
        self.visible = visible
        self.symbols = symbols
        self.longestRun = longestRun
        self.mostMarks = mostMarks
        self.mentions = mentions
        self.mayHoldLink = mayHoldLink
    }
}
