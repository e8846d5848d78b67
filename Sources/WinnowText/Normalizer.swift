/// Turns a comment into the views that stop-word matching runs on, undoing the usual evasions
/// while remembering where every character came from.
///
/// Folding (both views), per scalar:
/// - Unicode compatibility decomposition (the K in NFKC: fullwidth, ligatures, math letters,
///   circled letters), full case folding (`ß` → `ss`), diacritics removed (`é` → `e`);
/// - zero-width and other format characters, variation selectors and control characters removed;
/// - non-ASCII look-alikes mapped to their Latin prototype (Unicode TR39 `confusables.txt`:
///   Cyrillic `а` → `a`, Greek `ο` → `o`); ASCII is never remapped by confusables;
/// - every kind of white space becomes one space.
///
/// Skeleton only, on top of folding:
/// - a run of three or more single characters separated by the same single separator
///   (`f.u.c.k`, `f u c k`, `f-u-c-k`, `f*u*c*k`) is joined into one word;
/// - leetspeak inside a word that has at least one letter: `0`→o, `1`→i, `3`→e, `4`→a, `5`→s,
///   `7`→t, `8`→b, `9`→g, `$`→s, `@`→a (not at the start of a word, where it is a mention),
///   `!` and `|` → i (only between letters or digits, so `wow!!!` keeps its `!`);
/// - every `l` is written `i`, since `1`, `!` and `|` stand for either;
/// - a run of one letter is written once (`fuuuuck` → `fuck`, `ass` → `as`);
/// - `_` becomes a space and runs of spaces collapse into one.
///
/// What the last three steps hide is kept per letter in `TextView.letterRuns` (doubled, a real
/// `l`, a real `i`), and word-list matches are checked against it: an entry's doubled letter
/// needs a doubled letter in the text (`ass` does not match `as`), and an entry's `i` does not
/// match a real `l` (`tits` does not match `tilts`), while an entry's `l` matches `1`.
public struct Normalizer: Sendable {
    private let table: FoldTable
    private let asciiTables: ASCIITables

    public init() {
        table = FoldTable.shared
        asciiTables = ASCIITables.shared
    }

    /// Normalizes the UTF-8 `text` (which must be valid UTF-8) into `out`, replacing its
    /// previous content. `folded` asks for the folded view too.
    public func normalize(_ text: UnsafeBufferPointer<UInt8>, into out: inout NormalizedText, folded: Bool = false) {
        normalize(text, into: &out, folded: folded, fastPath: true)
    }

    /// `fastPath: false` forces the general path, so that tests can compare the two.
    func normalize(_ text: UnsafeBufferPointer<UInt8>, into out: inout NormalizedText, folded: Bool, fastPath: Bool) {
        let ascii = isASCII(text)
        // Most comments are plain ASCII: one pass per view, no intermediate units.
        if ascii && fastPath {
            var done = false
            out.skeleton.rewrite(capacity: text.count) { writer in done = skeletonOfASCII(text, into: &writer) }
            if done {
                // Without control characters (the fast path refuses them) folding ASCII only
                // changes case and white space: byte k of the view is byte k of the text.
                if folded { out.folded.rewriteIdentity(count: text.count, ascii: true) { foldASCII(text, into: $0) } }
                return
            }
        }
        // No scalar folds to more than 6 scalars per UTF-8 byte of its own (U+FDFA is the worst);
        // a long text is counted first, so that a hostile one does not reserve six times its size.
        out.reserveUnits(ascii ? text.count : text.count > Self.countFirstAbove ? unitCount(text) : 6 * text.count)
        let count = out.withUnits { fold(text, into: $0) }
        /// Bytes the views need: four per unit at most, counted exactly for a long text.
        let viewCapacity =
            ascii
            ? count : count > Self.countFirstAbove ? out.withUnits { Self.utf8Length($0, count: count) } : 4 * count
        // The views are moved out while the unit arrays are borrowed (no copy: swaps).
        if folded {
            var view = TextView()
            swap(&view, &out.folded)
            out.withUnits { units in
                view.rewrite(capacity: viewCapacity) { writer in
                    for k in 0..<count { writer.append(units.scalar[k], from: units.start[k], to: units.end[k]) }
                }
            }
            swap(&view, &out.folded)
        }
        var view = TextView()
        swap(&view, &out.skeleton)
        out.withUnits { units in
            joinSpelledOutWords(units, count: count)
            decodeLeetspeak(units, count: count)
            view.rewrite(capacity: viewCapacity) { writer in
                emitSkeleton(units, count: count, into: &writer)
            }
        }
        swap(&view, &out.skeleton)
    }

    // MARK: - ASCII fast path

    /// The folded view of ASCII text without control characters: lower case, white space as spaces.
    private func foldASCII(_ text: UnsafeBufferPointer<UInt8>, into bytes: UnsafeMutablePointer<UInt8>) {
        let fold = asciiTables.fold
        for i in 0..<text.count { bytes[i] = fold[Int(text[i])] }
    }

    /// The skeleton of ASCII text in one pass: the same result as the general path (a test
    /// compares them), without its intermediate arrays. Letters are written as they are read; a
    /// word that turns out to hold digits or leetspeak symbols is rewritten once its end is
    /// known. Returns false when the text needs the general path: control characters, or single
    /// characters that may spell a word out (`f.u.c.k`).
    private func skeletonOfASCII(_ text: UnsafeBufferPointer<UInt8>, into writer: inout TextViewWriter) -> Bool {
        let fold = asciiTables.fold, kind = asciiTables.kind
        let n = text.count
        var previous: UInt8 = 0x20  // as if preceded by a space: leading spaces are dropped
        var previousIsLetter = false
        var i = 0
        while i < n {
            let c = fold[Int(text[i])]
            if c == 0 { return false }
            let k = kind[Int(c)]
            guard k.isWordish else {
                let out: UInt8 = c == 0x5F ? 0x20 : c  // _
                if !(out == 0x20 && previous == 0x20) {
                    writer.append(
                        UInt32(out), from: Int32(truncatingIfNeeded: i), to: Int32(truncatingIfNeeded: i &+ 1))
                    previous = out
                    previousIsLetter = false
                }
                i &+= 1
                continue
            }
            // A word starts at i. Write its letters while scanning to its end.
            let wordStart = i
            let written = writer.count
            let previousAtStart = previous, previousIsLetterAtStart = previousIsLetter
            var hasLetter = false
            var hasLeet = false
            var end = i
            while end < n {
                let w = fold[Int(text[end])]
                if w == 0 { return false }
                let wk = kind[Int(w)]
                if wk == .letter {
                    hasLetter = true
                    if !hasLeet {
                        appendLetter(
                            w, at: end, into: &writer, previous: &previous, previousIsLetter: &previousIsLetter)
                    }
                } else if wk == .digit || wk == .leet {
                    hasLeet = true
                } else {
                    break
                }
                end &+= 1
            }
            if end &- wordStart == 1 && end &+ 1 < n {
                // A single character, a separator, a single character: maybe spelled out.
                let separator = kind[Int(fold[Int(text[end])])]
                if separator == .space || separator == .separator,
                    kind[Int(fold[Int(text[end &+ 1])])].isWordish,
                    end &+ 2 == n || !kind[Int(fold[Int(text[end &+ 2])])].isWordish
                {
                    return false
                }
                if mayBeSpacedJoint(text, from: end) { return false }
            }
            if hasLeet {
                writer.count = written
                previous = previousAtStart
                previousIsLetter = previousIsLetterAtStart
                let decode = hasLetter && !isQuantity(text, from: wordStart, to: end)
                writeWord(
                    text, from: wordStart, to: end, decode: decode, into: &writer, previous: &previous,
                    previousIsLetter: &previousIsLetter)
            }
            i = end
        }
        return true
    }

    /// Whether `text` from `p` on is a separator with spaces around it (`f . u`, `s - h`)
    /// followed by a single character: the general path then decides whether it spells a word.
    @inline(__always)
    private func mayBeSpacedJoint(_ text: UnsafeBufferPointer<UInt8>, from p: Int) -> Bool {
        let fold = asciiTables.fold, kind = asciiTables.kind
        let n = text.count
        func kindAt(_ q: Int) -> CharacterClass { kind[Int(fold[Int(text[q])])] }
        var q = p
        var spaces = 0
        while q < n, spaces < 2, kindAt(q) == .space {
            q &+= 1
            spaces &+= 1
        }
        guard q < n, kindAt(q) == .separator else { return false }
        q &+= 1
        var after = 0
        while q < n, after < 2, kindAt(q) == .space {
            q &+= 1
            after &+= 1
        }
        guard spaces + after > 0, q < n, kindAt(q).isWordish else { return false }
        return q &+ 1 == n || !kindAt(q &+ 1).isWordish
    }

    /// Writes one letter of the ASCII fast path: `l` as `i`, a repeated letter folded into the
    /// one before it.
    @inline(__always)
    private func appendLetter(
        _ letter: UInt8, at q: Int, into writer: inout TextViewWriter, previous: inout UInt8,
        previousIsLetter: inout Bool,
        decoded: Bool = false
    ) {
        var c = letter
        var run: UInt8 = 0
        if !decoded {
            if c == 0x6C {  // l
                c = 0x69
                run = LetterRun.hasL
            } else if c == 0x69 {
                run = LetterRun.hasI
            }
        }
        let to = Int32(truncatingIfNeeded: q &+ 1)
        if previousIsLetter && c == previous {
            writer.extendLast(to: to, run: run | LetterRun.doubled)
            return
        }
        writer.append(UInt32(c), from: Int32(truncatingIfNeeded: q), to: to, run: run)
        previous = c
        previousIsLetter = true
    }

    /// Writes a word that holds digits or leetspeak symbols, decoding them when it also holds a
    /// letter (see `decodeWord` for the rules).
    private func writeWord(
        _ text: UnsafeBufferPointer<UInt8>, from: Int, to: Int, decode: Bool, into writer: inout TextViewWriter,
        previous: inout UInt8, previousIsLetter: inout Bool
    ) {
        let fold = asciiTables.fold, kind = asciiTables.kind
        var firstAlphanumeric = to
        var lastAlphanumeric = from - 1
        for q in from..<to where kind[Int(fold[Int(text[q])])].isAlphanumeric {
            if firstAlphanumeric == to { firstAlphanumeric = q }
            lastAlphanumeric = q
        }
        for q in from..<to {
            let c = fold[Int(text[q])]
            let k = kind[Int(c)]
            if k == .letter {
                appendLetter(c, at: q, into: &writer, previous: &previous, previousIsLetter: &previousIsLetter)
            } else if decode,
                let letter = leetLetter(c, atStart: q == from, inside: q > firstAlphanumeric && q < lastAlphanumeric)
            {
                appendLetter(
                    letter, at: q, into: &writer, previous: &previous, previousIsLetter: &previousIsLetter,
                    decoded: true)
            } else {
                writer.append(UInt32(c), from: Int32(truncatingIfNeeded: q), to: Int32(truncatingIfNeeded: q &+ 1))
                previous = c
                previousIsLetter = false
            }
        }
    }

    /// Convenience for tests and cold paths.
    public func normalize(_ text: String, folded: Bool = false) -> NormalizedText {
        var out = NormalizedText()
        var text = text
        text.withUTF8 { normalize($0, into: &out, folded: folded) }
        return out
    }

    // MARK: - Folding

    /// Folds every scalar of `text` into `units`; returns how many units it wrote.
    /// Texts longer than this (in bytes) have their units and view bytes counted before they
    /// are reserved.
    static let countFirstAbove = 16_384

    /// How many units `fold` makes of `text`.
    private func unitCount(_ text: UnsafeBufferPointer<UInt8>) -> Int {
        var m = 0
        var i = 0
        while i < text.count {
            if text[i] < 0x80 {
                m += 1
                i += 1
                continue
            }
            let (scalar, length) = decodeScalar(text, at: i)
            var produced = 0
            if !table.fold(scalar, { _ in produced += 1 }) { produced = 1 }
            m += produced
            i += length
        }
        return m
    }

    /// UTF-8 bytes of the first `count` units (each view writes at most these).
    private static func utf8Length(_ u: UnitBuffers, count: Int) -> Int {
        var bytes = 0
        for k in 0..<count {
            let scalar = u.scalar[k]
            bytes += scalar < 0x80 ? 1 : scalar < 0x800 ? 2 : scalar < 0x10000 ? 3 : 4
        }
        return bytes
    }

    private func fold(_ text: UnsafeBufferPointer<UInt8>, into u: UnitBuffers) -> Int {
        var m = 0
        var i = 0
        let n = text.count
        let asciiFold = asciiTables.fold, asciiClass = asciiTables.kind
        while i < n {
            let b = text[i]
            if b < 0x80 {
                let folded = asciiFold[Int(b)]
                if folded != 0 {
                    u.scalar[m] = UInt32(folded)
                    u.start[m] = Int32(i)
                    u.end[m] = Int32(i + 1)
                    u.kind[m] = asciiClass[Int(folded)]
                    m += 1
                }
                i += 1
                continue
            }
            let (scalar, length) = decodeScalar(text, at: i)
            let start = Int32(i), end = Int32(i + length)
            let before = m
            let mapped = table.fold(scalar) { replacement in
                u.scalar[m] = replacement
                u.start[m] = start
                u.end[m] = end
                u.kind[m] = characterClass(replacement)
                m += 1
            }
            if !mapped {
                u.scalar[m] = scalar
                u.start[m] = start
                u.end[m] = end
                u.kind[m] = characterClass(scalar)
                m += 1
            } else if m == before, m > 0, isCombiningMark(scalar) {
                // A removed diacritic belongs to the letter before it: a match ending on that
                // letter covers the mark too.
                u.end[m - 1] = end
            }
            i += length
        }
        return m
    }

    // MARK: - Skeleton

    /// Removes the separators of `f.u.c.k`-style sequences: three or more single word characters,
    /// each separated from the next by the same one separator character.
    private func joinSpelledOutWords(_ u: UnitBuffers, count m: Int) {
        @inline(__always) func wordish(_ k: Int) -> Bool { k >= 0 && k < m && u.kind[k].isWordish }
        @inline(__always) func single(_ k: Int) -> Bool { wordish(k) && !wordish(k - 1) && !wordish(k + 1) }
        /// What joins the single character at `k` to the next one: one space or separator
        /// (`f.u.c.k`, `f u c k`), or a separator with a space or two on either side
        /// (`f . u . c . k`, `s - h - i - t`). `spaced` tells the two kinds apart: one run uses
        /// one kind and one separator throughout.
        func joint(after k: Int) -> (next: Int, separator: UInt32, spaced: Bool)? {
            let start = k + 1
            guard start < m else { return nil }
            if u.kind[start] == .separator || u.kind[start] == .space, start + 1 < m, u.kind[start + 1].isWordish {
                return (start + 1, u.scalar[start], false)
            }
            var p = start
            var before = 0
            while p < m, u.kind[p] == .space, before < 2 {
                p += 1
                before += 1
            }
            guard p < m, u.kind[p] == .separator else { return nil }
            let separator = u.scalar[p]
            p += 1
            var after = 0
            while p < m, u.kind[p] == .space, after < 2 {
                p += 1
                after += 1
            }
            guard before + after > 0, p < m, u.kind[p].isWordish else { return nil }
            return (p, separator, true)
        }
        var k = 0
        while k + 2 < m {
            guard u.kind[k].isWordish else {
                k += 1
                continue
            }
            guard single(k), let first = joint(after: k), single(first.next) else {
                // Skip the rest of this word.
                k += 1
                while k < m && u.kind[k].isWordish { k += 1 }
                continue
            }
            var items = 2
            var letters = (u.kind[k] == .letter ? 1 : 0) + (u.kind[first.next] == .letter ? 1 : 0)
            var last = first.next
            while let next = joint(after: last), next.separator == first.separator, next.spaced == first.spaced,
                single(next.next)
            {
                last = next.next
                items += 1
                if u.kind[last] == .letter { letters += 1 }
            }
            if items >= 3 && letters >= 1 {
                for s in (k + 1)..<last where !u.kind[s].isWordish { u.kind[s] = .removed }
            }
            k = last + 1
        }
    }

    /// Rewrites leetspeak inside words that contain at least one letter.
    private func decodeLeetspeak(_ u: UnitBuffers, count m: Int) {
        var k = 0
        while k < m {
            let kind = u.kind[k]
            guard kind.isWordish else {
                k += 1
                continue
            }
            // Fast path: a word of plain letters needs nothing else.
            var end = k + 1
            var hasLetter = kind == .letter
            var hasLeet = kind != .letter
            while end < m {
                let c = u.kind[end]
                if c == .letter {
                    hasLetter = true
                } else if c == .digit || c == .leet {
                    hasLeet = true
                } else if c != .removed {
                    break
                }
                end += 1
            }
            if hasLetter && hasLeet && !isQuantity(u, from: k, to: end) { decodeWord(u, from: k, to: end) }
            k = end
        }
    }

    /// Leetspeak in one word `from..<to` (removed separators inside it are skipped).
    private func decodeWord(_ u: UnitBuffers, from: Int, to: Int) {
        // `!` and `|` stand for a letter only between letters or digits, never at the edges of
        // a word ("wow!!!" keeps its exclamation marks).
        var firstAlphanumeric = from
        while firstAlphanumeric < to && !u.kind[firstAlphanumeric].isAlphanumeric { firstAlphanumeric += 1 }
        var lastAlphanumeric = to - 1
        while lastAlphanumeric > from && !u.kind[lastAlphanumeric].isAlphanumeric { lastAlphanumeric -= 1 }
        var first = from
        while first < to && u.kind[first] == .removed { first += 1 }
        for q in from..<to where u.kind[q] == .digit || u.kind[q] == .leet {
            let inside = q > firstAlphanumeric && q < lastAlphanumeric
            if let letter = leetLetter(UInt8(truncatingIfNeeded: u.scalar[q]), atStart: q == first, inside: inside) {
                u.scalar[q] = UInt32(letter)
                u.kind[q] = .leetLetter
            }
        }
    }

    /// Writes the skeleton: `l` written as `i`, a run of one letter written once with its
    /// `LetterRun` flags, `_` as a space, runs of spaces collapsed.
    private func emitSkeleton(_ u: UnitBuffers, count m: Int, into writer: inout TextViewWriter) {
        var previous: UInt32 = 0x20  // as if preceded by a space: leading spaces are dropped
        var previousIsLetter = false
        for k in 0..<m {
            let kind = u.kind[k]
            if kind == .removed { continue }
            var c = u.scalar[k]
            if kind.isLetter {
                var run: UInt8 = 0
                if kind == .letter {
                    if c == 0x6C {  // l
                        c = 0x69
                        run = LetterRun.hasL
                    } else if c == 0x69 {
                        run = LetterRun.hasI
                    }
                }
                if previousIsLetter && c == previous {
                    writer.extendLast(to: u.end[k], run: run | LetterRun.doubled)
                    continue
                }
                writer.append(c, from: u.start[k], to: u.end[k], run: run)
                previous = c
                previousIsLetter = true
                continue
            }
            if c == 0x5F { c = 0x20 }  // _
            if c == 0x20 && previous == 0x20 { continue }
            writer.append(c, from: u.start[k], to: u.end[k])
            previous = c
            previousIsLetter = false
        }
    }
}

@inline(__always)
private func isASCII(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = text.baseAddress else { return true }
    let raw = UnsafeRawPointer(base)
    var i = 0
    var bits: UInt64 = 0
    while i + 8 <= text.count {
        bits |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        i += 8
    }
    while i < text.count {
        bits |= UInt64(text[i])
        i += 1
    }
    return bits & 0x8080_8080_8080_8080 == 0
}

// MARK: - Quantities

/// A number with a unit (`900k`, `24h`, `10th`, `1080p`): two or more digits, then one to three
/// letters, nothing else. Its digits are a number, not leetspeak (`900k` is not `gook`).
private func isQuantity(digitsThenLetters classes: some Sequence<CharacterClass>) -> Bool {
    var digits = 0
    var letters = 0
    for kind in classes {
        switch kind {
        case .digit where letters == 0: digits += 1
        case .letter: letters += 1
        case .removed: continue
        default: return false
        }
    }
    return digits >= 2 && (1...3).contains(letters)
}

extension Normalizer {
    fileprivate func isQuantity(_ u: UnitBuffers, from: Int, to: Int) -> Bool {
        WinnowText.isQuantity(digitsThenLetters: (from..<to).lazy.map { u.kind[$0] })
    }

    fileprivate func isQuantity(_ text: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Bool {
        let tables = ASCIITables.shared
        return WinnowText.isQuantity(
            digitsThenLetters: (from..<to).lazy.map { tables.kind[Int(tables.fold[Int(text[$0])])] })
    }
}

// MARK: - Character classes

/// Lookup tables for ASCII, allocated once and never freed: the hot loop reads them through
/// plain pointers (no lazy-global check, no bounds check, no reference counting).
struct ASCIITables: @unchecked Sendable {
    /// Upper case to lower case, white space to a space, control characters to 0 (removed).
    let fold: UnsafePointer<UInt8>
    /// The class of each folded ASCII character.
    let kind: UnsafePointer<CharacterClass>

    static let shared = ASCIITables()

    private init() {
        let fold = UnsafeMutablePointer<UInt8>.allocate(capacity: 128)
        let kind = UnsafeMutablePointer<CharacterClass>.allocate(capacity: 128)
        for b in 0..<128 {
            switch b {
            case 0x41...0x5A: fold[b] = UInt8(b + 32)
            case 0x09...0x0D: fold[b] = 0x20
            case 0x00...0x1F, 0x7F: fold[b] = 0
            default: fold[b] = UInt8(b)
            }
            switch UInt8(b) {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): kind[b] = .letter
            case UInt8(ascii: "0")...UInt8(ascii: "9"): kind[b] = .digit
            case UInt8(ascii: "@"), UInt8(ascii: "$"), UInt8(ascii: "!"), UInt8(ascii: "|"): kind[b] = .leet
            case UInt8(ascii: " "): kind[b] = .space
            default: kind[b] = isJoinSeparator(UInt32(b)) ? .separator : .other
            }
        }
        self.fold = UnsafePointer(fold)
        self.kind = UnsafePointer(kind)
    }
}

@inline(__always)
func characterClass(_ scalar: UInt32) -> CharacterClass {
    if scalar < 0x80 { return ASCIITables.shared.kind[Int(scalar)] }
    return isLetter(scalar) ? .letter : .other
}

@inline(__always)
func decodeScalar(_ text: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int) {
    let b = UInt32(text[i])
    if b < 0xE0 {
        return ((b & 0x1F) << 6 | UInt32(text[i + 1] & 0x3F), 2)
    }
    if b < 0xF0 {
        return ((b & 0x0F) << 12 | UInt32(text[i + 1] & 0x3F) << 6 | UInt32(text[i + 2] & 0x3F), 3)
    }
    return (
        (b & 0x07) << 18 | UInt32(text[i + 1] & 0x3F) << 12 | UInt32(text[i + 2] & 0x3F) << 6
            | UInt32(text[i + 3] & 0x3F), 4
    )
}

@inline(__always)
func isLetter(_ c: UInt32) -> Bool {
    if c < 0x80 { return c >= 0x61 && c <= 0x7A }  // folded text has no upper-case ASCII
    guard let scalar = Unicode.Scalar(c) else { return false }
    return scalar.properties.isAlphabetic
}

/// Characters that spell a word out when put between its letters: `f.u.c.k`, `f u c k`.
@inline(__always)
func isJoinSeparator(_ c: UInt32) -> Bool {
    switch c {
    case 0x20, 0x2E, 0x2D, 0x5F, 0x2A, 0x7E, 0x2C, 0x2F, 0x5C, 0x2B, 0x3A, 0x3B, 0x27, 0x60, 0x5E, 0x3D, 0x22:
        // space . - _ * ~ , / \ + : ; ' ` ^ = "
        return true
    default:
        return false
    }
}

/// The letter a leetspeak character stands for inside a word, if any.
@inline(__always)
func leetLetter(_ c: UInt8, atStart: Bool, inside: Bool) -> UInt8? {
    switch c {
    case UInt8(ascii: "0"): return UInt8(ascii: "o")
    case UInt8(ascii: "1"): return UInt8(ascii: "i")
    case UInt8(ascii: "3"): return UInt8(ascii: "e")
    case UInt8(ascii: "4"): return UInt8(ascii: "a")
    case UInt8(ascii: "5"): return UInt8(ascii: "s")
    case UInt8(ascii: "7"): return UInt8(ascii: "t")
    case UInt8(ascii: "8"): return UInt8(ascii: "b")
    case UInt8(ascii: "9"): return UInt8(ascii: "g")
    case UInt8(ascii: "$"): return UInt8(ascii: "s")
    case UInt8(ascii: "@"): return atStart ? nil : UInt8(ascii: "a")
    case UInt8(ascii: "!"), UInt8(ascii: "|"): return inside ? UInt8(ascii: "i") : nil
    default: return nil
    }
}

func isCombiningMark(_ c: UInt32) -> Bool {
    guard let scalar = Unicode.Scalar(c) else { return false }
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .spacingMark: return true
    default: return false
    }
}
