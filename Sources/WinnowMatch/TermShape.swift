import WinnowText

/// What a word-list term demands of a candidate match beyond its skeleton letters: for each of
/// its scalars, whether the text must show a doubled letter there, and whether a real `l` is
/// ruled out (an `i` of the term only matches `i`, `1`, `!` or `|`) or a real `i` (an `l` of the
/// term only matches `l`, `1`, `!` or `|`).
struct TermShape: Sendable, Equatable {
    private var needsDouble: [Bool]
    private var forbidsL: [Bool]
    private var forbidsI: [Bool]
    private let skeleton: [UInt32]

    init(skeleton view: TextView) {
        skeleton = Array(view.string.unicodeScalars.map(\.value))
        var needsDouble: [Bool] = []
        var forbidsL: [Bool] = []
        var forbidsI: [Bool] = []
        var k = 0
        while k < view.count {
            let runs = view.letterRun(at: k)
            needsDouble.append(runs & LetterRun.doubled != 0)
            let isI = view.byte(at: k) == 0x69
            forbidsL.append(isI && runs & LetterRun.hasI != 0 && runs & LetterRun.hasL == 0)
            forbidsI.append(isI && runs & LetterRun.hasL != 0 && runs & LetterRun.hasI == 0)
            k += 1
            while k < view.count && view.byte(at: k) & 0xC0 == 0x80 { k += 1 }
        }
        self.needsDouble = needsDouble
        self.forbidsL = forbidsL
        self.forbidsI = forbidsI
        isTrivial = !needsDouble.contains(true) && !forbidsL.contains(true) && !forbidsI.contains(true)
    }

    /// True when nothing needs checking (most terms): no doubled letter, no `i` or `l`.
    private let isTrivial: Bool

    /// Whether the candidate starting at `start` in `view` has the doubled letters and the
    /// `i`/`l` the term asks for. The caller guarantees the skeleton letters already match.
    func accepts(_ view: TextView, at start: Int) -> Bool {
        if isTrivial { return true }
        var p = start
        for (k, scalar) in skeleton.enumerated() {
            if scalar == 0x20 {
                // A phrase space matched a space, '.', '-' or nothing.
                if p < view.count {
                    let b = view.byte(at: p)
                    if b == 0x20 || b == 0x2E || b == 0x2D { p += 1 }
                }
                continue
            }
            guard p < view.count else { return false }
            let runs = view.letterRun(at: p)
            if needsDouble[k] && runs & LetterRun.doubled == 0 { return false }
            if forbidsL[k] && runs & LetterRun.hasL != 0 { return false }
            // An `l` of the term matches `l`, `1`, `!`, `|`, but not a real `i` alone.
            if forbidsI[k] && runs & LetterRun.hasI != 0 && runs & LetterRun.hasL == 0 { return false }
            p += scalar < 0x80 ? 1 : scalar < 0x800 ? 2 : scalar < 0x10000 ? 3 : 4
        }
        return true
    }
}
