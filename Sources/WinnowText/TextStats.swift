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
    /// ASCII digits: a phone number needs nine (`ContactScanner`).
    public var digits = 0
    /// `@` inside a word (`name@site`): where an email address may be.
    public var embeddedAts = 0
    /// Where (UTF-8 offset) the first of the hints every link `LinkScanner` finds holds starts:
    /// `://`, a `.` between name characters or after a space, `[` or `(` (`a.com`, `a . com`,
    /// `a[.]com`), or `dot` after a space or an opening bracket (`a dot com`, `a(dot)com`). Without
    /// one the link scan is skipped, and with one it starts at the word before it; a sentence's
    /// full stop (`end. Next`) is not one.
    public var firstLinkHint: Int?

    public var mayHoldLink: Bool { firstLinkHint != nil }

    /// Whether the text may hold an email address or a phone number: without one of their signs
    /// `ContactScanner` is not run.
    public var mayHoldContact: Bool { embeddedAts > 0 || digits >= ContactScanner.fewestPhoneDigits }

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

    /// What may stand before a disguised `dot`: a space or an opening bracket.
    @inline(__always)
    private static func opensDot(_ c: UInt8) -> Bool { c == 0x20 || c == 0x28 || c == 0x5B || c == 0x7B }

    /// Whether byte `i` starts one of the link hints of `firstLinkHint`.
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
            return i > 0 && opensDot(text[i - 1]) && i + 2 < n && text[i + 1] | 0x20 == 0x6F
                && text[i + 2] | 0x20 == 0x74
        default:
            return false
        }
    }

    /// Whether the `@` at `p` starts a mention: a name byte follows, and the byte before it (of
    /// class `classBefore`, 0 outside ASCII or at the start) is not part of a name (`x@y.com`).
    @inline(__always)
    private static func startsMention(_ text: UnsafeBufferPointer<UInt8>, at p: Int, after classBefore: UInt8) -> Bool {
        classBefore & 8 == 0 && p &+ 1 < text.count && text[p &+ 1] < 0x80 && asciiClass[Int(text[p &+ 1])] & 8 != 0
    }

    /// The class of a scalar the scan kept as `previous` (0 outside ASCII, and before the first).
    @inline(__always)
    private static func asciiClass(of scalar: UInt32) -> UInt8 { scalar < 0x80 ? asciiClass[Int(scalar)] : 0 }

    /// What the scan carries from one character to the next, and the counts the ASCII scan
    /// adds to.
    private struct Scan {
        var letters = 0, uppercase = 0, visible = 0, longestRun = 0, mentions = 0, digits = 0, embeddedAts = 0
        /// `firstLinkHint`, -1 for none yet.
        var firstLinkHint = -1
        /// The run of one character that the last character belongs to.
        var run = 0
        /// The last character's scalar value (all ones before the first).
        var previous: UInt32 = 0xFFFF_FFFF
        /// Where the ASCII scan may go on: past the character outside ASCII that stopped it.
        var resume = 0
    }

    public init(_ text: UnsafeBufferPointer<UInt8>) {
        var scan = Scan()
        let table = Self.asciiClass
        var symbols = 0, mostMarks = 0, marks = 0
        var k = 0
        let n = text.count
        while k < n {
            // Plain ASCII, eight bytes at a time (and the last few bytes of the text).
            if k >= scan.resume {
                let after = Self.scanASCII(text, from: k, &scan)
                if after > k {
                    marks = 0
                    k = after
                    continue
                }
            }
            let lead = text[k]
            if lead < 0x80 {
                let value = UInt32(lead)
                if value == scan.previous && lead != 0x20 {
                    scan.run += 1
                } else {
                    scan.run = 1
                }
                if scan.run > scan.longestRun { scan.longestRun = scan.run }
                marks = 0
                let bits = table[Int(lead)]
                scan.letters &+= Int(bits & 1)
                scan.uppercase &+= Int(bits >> 1 & 1)
                scan.visible &+= Int(bits >> 2 & 1)
                if lead &- 0x30 < 10 { scan.digits &+= 1 }
                if lead == 0x40 {
                    let before = Self.asciiClass(of: scan.previous)
                    if Self.startsMention(text, at: k, after: before) {
                        scan.mentions += 1
                    } else if before & 8 != 0 {
                        scan.embeddedAts += 1
                    }
                }
                if scan.firstLinkHint < 0 && Self.isLinkHint(text, at: k) { scan.firstLinkHint = k }
                scan.previous = value
                k += 1
                continue
            }
            let (value, length) = decodeScalar(text, at: k)
            k += length
            scan.run = value == scan.previous ? scan.run + 1 : 1
            scan.previous = value
            if scan.run > scan.longestRun { scan.longestRun = scan.run }
            // The commonest letters outside ASCII, without a Unicode table lookup: Latin-1
            // (À–ÿ but × and ÷) and the basic Cyrillic alphabet (А–я).
            if (value >= 0xC0 && value <= 0xFF && value != 0xD7 && value != 0xF7) || (value >= 0x410 && value <= 0x44F)
            {
                scan.letters += 1
                if value < 0xDF || (value >= 0x410 && value < 0x430) { scan.uppercase += 1 }
                marks = 0
                scan.visible += 1
                continue
            }
            switch Self.kind(ofScalar: value) {
            case .mark:
                marks += 1
                if marks > mostMarks { mostMarks = marks }
                continue
            case .upperLetter:
                scan.letters += 1
                scan.uppercase += 1
            case .letter:
                scan.letters += 1
            case .symbol:
                symbols += 1
            case .invisible:
                continue
            case .other:
                break
            }
            marks = 0
            scan.visible += 1
        }
        letters = scan.letters
        uppercase = scan.uppercase
        visible = scan.visible
        self.symbols = symbols
        longestRun = max(scan.longestRun, scan.run)
        self.mostMarks = mostMarks
        mentions = scan.mentions
        digits = scan.digits
        embeddedAts = scan.embeddedAts
        firstLinkHint = scan.firstLinkHint < 0 ? nil : scan.firstLinkHint
    }

    /// What the general category of a scalar outside ASCII, Latin-1 letters and basic Cyrillic
    /// counts as.
    private enum ScalarKind {
        case mark, upperLetter, letter, symbol, invisible, other
    }

    /// A function of its own, not inlined: the standard library's Unicode properties are
    /// resilient types, whose metadata and case values would otherwise be set up on every
    /// call of the scan.
    @inline(never)
    private static func kind(ofScalar value: UInt32) -> ScalarKind {
        guard let scalar = Unicode.Scalar(value) else { return .invisible }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark: return .mark
        case .uppercaseLetter, .titlecaseLetter: return .upperLetter
        case .lowercaseLetter, .otherLetter, .modifierLetter: return .letter
        case .otherSymbol, .mathSymbol, .currencySymbol, .modifierSymbol: return .symbol
        case .format, .spaceSeparator, .control: return .invisible
        default: return .other
        }
    }

    /// Scans plain ASCII from `start`, eight bytes at a time, while it lasts (at most 255 words,
    /// the last one included: the per-byte counters of `ASCIIScan` must not overflow); the last one
    /// to seven bytes of a text of eight or more are read as the end of a word, padded with
    /// zeros. Returns where it stopped (`start` when the text there is not ASCII, or too short),
    /// and sets `scan.resume` past the character outside ASCII that stopped it (to the end of a
    /// text too short), so that the characters up to there are read one by one.
    ///
    /// A function of its own, with few values live in its loop: they then all stay in registers.
    @inline(never)
    private static func scanASCII(_ text: UnsafeBufferPointer<UInt8>, from start: Int, _ scan: inout Scan) -> Int {
        let n = text.count
        guard n >= 8 else {
            scan.resume = n
            return start
        }
        let raw = UnsafeRawBufferPointer(text)
        var words = ASCIIScan(scan, table: asciiClass)
        var k = start
        let end = min(n, start &+ 8 &* 254)
        while k &+ 8 <= end {
            let w = raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)
            if w & ByteMasks.highBits != 0 {
                scan.resume = k &+ (w & ByteMasks.highBits).trailingZeroBitCount >> 3 &+ 1
                break
            }
            words.add(w, at: k, in: text)
            k &+= 8
        }
        if k < n && k &+ 8 > n {
            // The end of the text: its last eight bytes, shifted to drop those already read.
            let width = n &- k
            let shift = UInt64(8 &* (8 &- width))
            let w = raw.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self) >> shift
            if w & ByteMasks.highBits == 0 {
                words.add(w, at: k, in: text, valid: ByteMasks.highBits >> shift, width: width)
                k = n
            } else {
                scan.resume = k &+ (w & ByteMasks.highBits).trailingZeroBitCount >> 3 &+ 1
            }
        }
        guard k > start else { return start }
        words.finish(into: &scan)
        return k
    }

    /// The ASCII scan's state: counts of letters, capitals and visible characters are kept one
    /// per byte of a word and added up once, at the end (`finish`).
    private struct ASCIIScan {
        let table: UnsafePointer<UInt8>
        var run: Int, longest: Int, previous: UInt32, mentions: Int, embeddedAts: Int, firstLinkHint: Int
        var upperLanes: UInt64 = 0, letterLanes: UInt64 = 0, visibleLanes: UInt64 = 0, digitLanes: UInt64 = 0

        init(_ scan: Scan, table: UnsafePointer<UInt8>) {
            self.table = table
            run = scan.run
            longest = scan.longestRun
            previous = scan.previous
            mentions = scan.mentions
            embeddedAts = scan.embeddedAts
            firstLinkHint = scan.firstLinkHint
        }

        /// The eight ASCII bytes `w` of `text` at `k`, of which the `valid` ones count (the
        /// first `width`; the others are zeros).
        @inline(__always)
        mutating func add(
            _ w: UInt64, at k: Int, in text: UnsafeBufferPointer<UInt8>, valid: UInt64 = ByteMasks.highBits,
            width: Int = 8
        ) {
            // Byte classes, each as 0x80 in the bytes of `w` that are in it (no borrow between
            // bytes: every byte is below 0x80).
            let upper =
                (w &+ ByteMasks.repeated(0x80 - 0x41)) & ~(w &+ ByteMasks.repeated(0x80 - 0x5B)) & ByteMasks.highBits
            let lower =
                (w &+ ByteMasks.repeated(0x80 - 0x61)) & ~(w &+ ByteMasks.repeated(0x80 - 0x7B)) & ByteMasks.highBits
            let shown =
                (w &+ ByteMasks.repeated(0x80 - 0x21)) & ~(w &+ ByteMasks.repeated(0x80 - 0x7F)) & ByteMasks.highBits
            let letters = upper | lower
            let digits =
                (w &+ ByteMasks.repeated(0x80 - 0x30)) & ~(w &+ ByteMasks.repeated(0x80 - 0x3A)) & ByteMasks.highBits
            upperLanes &+= upper >> 7
            letterLanes &+= letters >> 7
            visibleLanes &+= shown >> 7
            digitLanes &+= digits >> 7
            let spaces = ByteMasks.zeroBytes(w ^ ByteMasks.repeated(0x20))
            // The byte before `k` (0xFF for none, or one outside ASCII: equal to no ASCII byte).
            let previousByte: UInt64 = previous < 0x80 ? UInt64(previous) : 0xFF
            let previousClass = TextStats.asciiClass(of: previous)
            // Mentions and `@` inside words: each `@` looked at on its own (there are few).
            var at = ByteMasks.zeroBytes(w ^ ByteMasks.repeated(0x40))
            while at != 0 {
                let p = k &+ at.trailingZeroBitCount >> 3
                let before = p == k ? previousClass : table[Int(text[p &- 1])]
                if TextStats.startsMention(text, at: p, after: before) {
                    mentions &+= 1
                } else if before & 8 != 0 {
                    embeddedAts &+= 1
                }
                at &= at &- 1
            }
            if firstLinkHint < 0 {
                // Bytes that may start a link hint, each then looked at on its own (the masks may
                // flag a byte too many, never one too few): `:`; a `.`, but not one between a
                // letter or `.` and a space or `.` (`end. Next`, `wait...`) or the end; a `d`
                // after a byte that is not a letter, followed by `ot` in any case (in the last
                // two bytes always: their `ot` is in the next word).
                let dots = ByteMasks.zeroBytes(w ^ ByteMasks.repeated(0x2E))
                let letterBefore = letters << 8 | UInt64(previousClass & 1) << 7
                var hints = ByteMasks.zeroBytes(w ^ ByteMasks.repeated(0x3A))
                if dots != 0 {
                    let stopAfter = (spaces | dots | ~valid & ByteMasks.highBits) >> 8
                    let stopBefore = letterBefore | dots << 8 | (previousByte == 0x2E ? 0x80 : 0)
                    hints |= dots & ~(stopAfter & stopBefore)
                }
                let folded = w | ByteMasks.repeated(0x20)
                let d = ByteMasks.zeroBytes(folded ^ ByteMasks.repeated(0x64)) & ~letterBefore
                if d != 0 {
                    let ot =
                        ByteMasks.zeroBytes(folded ^ ByteMasks.repeated(0x6F)) >> 8
                        & ByteMasks.zeroBytes(folded ^ ByteMasks.repeated(0x74)) >> 16
                    hints |= d & (ot | 0x8080_0000_0000_0000)
                }
                while hints != 0 {
                    let p = k &+ hints.trailingZeroBitCount >> 3
                    if isLinkHint(text, at: p) {
                        firstLinkHint = p
                        break
                    }
                    hints &= hints &- 1
                }
            }
            // Runs: the bytes equal to the one before them (spaces aside), as a mask. The run in
            // progress goes on through the first equal bytes; the last block of them starts the
            // next; a block inside is a run of its own (one longer than the block), looked at
            // closely only when it is two bytes or more.
            let equal = ByteMasks.zeroBytes(w ^ (w << 8 | previousByte)) & ~spaces & valid
            let breaks = ~equal & ByteMasks.highBits
            longest = max(longest, run &+ breaks.trailingZeroBitCount >> 3)
            run = breaks == 0 ? run &+ 8 : 1 &+ breaks.leadingZeroBitCount >> 3
            if equal & equal << 8 != 0 {
                var block = equal, blockLength = 0
                while block != 0 {
                    block &= block << 8
                    blockLength &+= 1
                }
                longest = max(longest, blockLength &+ 1)
            } else if equal != 0 {
                longest = max(longest, 2)
            }
            previous = UInt32(truncatingIfNeeded: w >> UInt64(8 &* (width &- 1))) & 0xFF
        }

        func finish(into scan: inout Scan) {
            scan.letters &+= sumOfBytes(letterLanes)
            scan.uppercase &+= sumOfBytes(upperLanes)
            scan.visible &+= sumOfBytes(visibleLanes)
            scan.digits &+= sumOfBytes(digitLanes)
            scan.run = run
            scan.longestRun = max(longest, run)
            scan.previous = previous
            scan.mentions = mentions
            scan.embeddedAts = embeddedAts
            scan.firstLinkHint = firstLinkHint
        }
    }

    /// The sum of the eight bytes of `lanes`.
    @inline(__always)
    private static func sumOfBytes(_ lanes: UInt64) -> Int {
        let pairs = (lanes & 0x00FF_00FF_00FF_00FF) &+ (lanes >> 8 & 0x00FF_00FF_00FF_00FF)
        return Int(truncatingIfNeeded: (pairs &* 0x0001_0001_0001_0001) >> 48)
    }
}
