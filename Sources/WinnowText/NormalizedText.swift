/// A comment prepared for matching: the views the matchers run on, plus the scratch space the
/// normalizer reuses from one comment to the next (one value per worker thread, no allocation
/// per comment once warm).
public struct NormalizedText: Sendable {
    /// Word-list view: folded, leetspeak decoded, separators inside words joined, long runs of a
    /// letter squashed, whitespace collapsed. See `Normalizer`.
    public internal(set) var skeleton = TextView()
    /// Pattern view: folded only (case, compatibility forms, diacritics, invisible characters,
    /// homoglyphs). Filled only when asked for, since only raw patterns need it.
    public internal(set) var folded = TextView()

    // Scratch: the folded scalars, where each came from, and its character class. The arrays
    // only grow; the normalizer passes along how much of them the current comment uses.
    var units: [UInt32] = []
    var unitStart: [Int32] = []
    var unitEnd: [Int32] = []
    var unitClass: [CharacterClass] = []

    public init() {}

    /// Drops the scratch space when a long comment grew it past `limit` units or view bytes, so
    /// that one long comment does not keep tens of megabytes per thread for good.
    public mutating func releaseIfLarge(limit: Int = 1 << 18) {
        if units.count > limit {
            units = []
            unitStart = []
            unitEnd = []
            unitClass = []
        }
        if skeleton.storageCount > limit { skeleton = TextView() }
        if folded.storageCount > limit { folded = TextView() }
    }

    /// Makes room for `count` units.
    mutating func reserveUnits(_ count: Int) {
        guard units.count < count else { return }
        let extra = count - units.count
        units.append(contentsOf: repeatElement(0, count: extra))
        unitStart.append(contentsOf: repeatElement(0, count: extra))
        unitEnd.append(contentsOf: repeatElement(0, count: extra))
        unitClass.append(contentsOf: repeatElement(.other, count: extra))
    }

    /// Gives `body` direct access to the unit arrays (the hot loops avoid Array's per-append checks).
    mutating func withUnits<R>(_ body: (UnitBuffers) -> R) -> R {
        units.withUnsafeMutableBufferPointer { scalar in
            unitStart.withUnsafeMutableBufferPointer { start in
                unitEnd.withUnsafeMutableBufferPointer { end in
                    unitClass.withUnsafeMutableBufferPointer { kind in
                        body(
                            UnitBuffers(
                                scalar: scalar.baseAddress!, start: start.baseAddress!, end: end.baseAddress!,
                                kind: kind.baseAddress!, capacity: scalar.count))
                    }
                }
            }
        }
    }
}

/// Pointers into `NormalizedText`'s unit arrays, valid inside `withUnits`.
struct UnitBuffers {
    let scalar: UnsafeMutablePointer<UInt32>
    let start: UnsafeMutablePointer<Int32>
    let end: UnsafeMutablePointer<Int32>
    let kind: UnsafeMutablePointer<CharacterClass>
    let capacity: Int
}

/// What a folded character is, for the skeleton steps. Computed once per character.
enum CharacterClass: UInt8 {
    /// Removed (a separator inside a spelled-out word).
    case removed
    case letter
    /// A letter decoded from leetspeak (`1` → `i`); counts as a letter.
    case leetLetter
    case digit
    /// `@ $ ! |`: may stand for a letter inside a word.
    case leet
    case space
    /// Punctuation that can spell a word out (`f.u.c.k`); see `isJoinSeparator`.
    case separator
    case other

    /// Letters, digits and leetspeak symbols: what a word is made of.
    @inline(__always) var isLetter: Bool { self == .letter || self == .leetLetter }
    @inline(__always) var isWordish: Bool { self == .letter || self == .leetLetter || self == .digit || self == .leet }
    @inline(__always) var isAlphanumeric: Bool { self == .letter || self == .leetLetter || self == .digit }
}
