/// One normalized rendering of a comment, as UTF-8, with a map from every byte back to the
/// original text so that a match in the view can be reported and masked where the author wrote it.
public struct TextView: Sendable {
    // Storage only grows (it is reused from one comment to the next); `count` says how much of
    // it the current comment uses.
    private var storedBytes: [UInt8] = []
    private var storedStart: [Int32] = []
    private var storedEnd: [Int32] = []
    private var storedRuns: [UInt8] = []

    /// Whether byte `k` of the view comes from byte `k` of the original (plain ASCII text).
    public var mapsOneToOne: Bool { isIdentity }

    /// Bytes the storage holds room for (it only grows; see `NormalizedText.releaseIfLarge`).
    var storageCount: Int { storedBytes.count }

    /// Number of bytes in the view.
    public private(set) var count = 0
    /// True when the view holds ASCII only (matching can then use byte-mode patterns).
    public private(set) var isASCII = true
    /// True when byte `k` of the view comes from byte `k` of the original (the maps are not stored).
    private var isIdentity = false

    public init() {}

    /// The normalized text, UTF-8.
    public var bytes: ArraySlice<UInt8> { storedBytes[..<count] }
    /// For each byte: where its source starts in the original text (UTF-8 byte offset).
    public var sourceStart: ArraySlice<Int32> {
        isIdentity ? ArraySlice((0..<count).map { Int32($0) }) : storedStart[..<count]
    }
    /// For each byte: where its source ends in the original text (exclusive). Covers the
    /// diacritics and repeated letters that were folded into it.
    public var sourceEnd: ArraySlice<Int32> {
        isIdentity ? ArraySlice((0..<count).map { Int32($0 + 1) }) : storedEnd[..<count]
    }
    /// For each byte (skeleton view only): the `LetterRun` flags of the letter it belongs to,
    /// which word-list matches are checked against; 0 for other characters.
    public var letterRuns: ArraySlice<UInt8> { storedRuns[..<count] }

    /// Byte `k` of the view.
    @inline(__always) public func byte(at k: Int) -> UInt8 { storedBytes[k] }
    /// The `LetterRun` flags of byte `k`.
    @inline(__always) public func letterRun(at k: Int) -> UInt8 { storedRuns[k] }

    /// Calls `body` with the view's bytes.
    @inline(__always)
    public func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        storedBytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[..<count])) }
    }

    /// The original byte range that a byte range of this view came from.
    public func originalRange(of range: Range<Int>) -> Range<Int> {
        precondition(!range.isEmpty && range.upperBound <= count)
        if isIdentity { return range }
        return Int(storedStart[range.lowerBound])..<Int(storedEnd[range.upperBound - 1])
    }

    /// The view as a `String`, for tests and debugging.
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    /// Rewrites the view: `body` gets a writer with room for `capacity` bytes and writes
    /// through it.
    mutating func rewrite(capacity: Int, _ body: (inout TextViewWriter) -> Void) {
        // Each array is grown on its own: an identity rewrite grows the bytes only.
        if storedBytes.count < capacity {
            storedBytes.append(contentsOf: repeatElement(0, count: capacity - storedBytes.count))
        }
        if storedStart.count < capacity {
            storedStart.append(contentsOf: repeatElement(0, count: capacity - storedStart.count))
        }
        if storedEnd.count < capacity {
            storedEnd.append(contentsOf: repeatElement(0, count: capacity - storedEnd.count))
        }
        if storedRuns.count < capacity {
            storedRuns.append(contentsOf: repeatElement(0, count: capacity - storedRuns.count))
        }
        var written = 0
        var ascii = true
        storedBytes.withUnsafeMutableBufferPointer { b in
            storedStart.withUnsafeMutableBufferPointer { s in
                storedEnd.withUnsafeMutableBufferPointer { e in
                    storedRuns.withUnsafeMutableBufferPointer { r in
                        var writer = TextViewWriter(
                            bytes: b.baseAddress!, start: s.baseAddress!, end: e.baseAddress!, runs: r.baseAddress!)
                        body(&writer)
                        written = writer.count
                        ascii = writer.isASCII
                    }
                }
            }
        }
        count = written
        isASCII = ascii
        isIdentity = false
    }

    /// Rewrites the view as `count` bytes that map one to one onto the original text's bytes
    /// (no source maps are written). `body` fills the bytes.
    mutating func rewriteIdentity(count: Int, ascii: Bool, _ body: (UnsafeMutablePointer<UInt8>) -> Void) {
        if storedBytes.count < count {
            storedBytes.append(contentsOf: repeatElement(0, count: count - storedBytes.count))
        }
        storedBytes.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
        self.count = count
        isASCII = ascii
        isIdentity = true
    }
}

/// Appends scalars to a `TextView` being rewritten, without Array's per-append checks.
struct TextViewWriter {
    let bytes: UnsafeMutablePointer<UInt8>
    let start: UnsafeMutablePointer<Int32>
    let end: UnsafeMutablePointer<Int32>
    let runs: UnsafeMutablePointer<UInt8>
    /// Bytes written so far; may be set back to rewrite the tail.
    var count = 0
    var isASCII = true

    /// Appends `scalar` as UTF-8, every byte mapped to `from..<to` of the original.
    @inline(__always)
    mutating func append(_ scalar: UInt32, from: Int32, to: Int32, run: UInt8 = 0) {
        if scalar < 0x80 {
            bytes[count] = UInt8(truncatingIfNeeded: scalar)
            start[count] = from
            end[count] = to
            runs[count] = run
            count += 1
            return
        }
        isASCII = false
        let length: Int
        if scalar < 0x800 {
            bytes[count] = UInt8(0xC0 | (scalar >> 6))
            bytes[count + 1] = UInt8(0x80 | (scalar & 0x3F))
            length = 2
        } else if scalar < 0x10000 {
            bytes[count] = UInt8(0xE0 | (scalar >> 12))
            bytes[count + 1] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
            bytes[count + 2] = UInt8(0x80 | (scalar & 0x3F))
            length = 3
        } else {
            bytes[count] = UInt8(0xF0 | (scalar >> 18))
            bytes[count + 1] = UInt8(0x80 | ((scalar >> 12) & 0x3F))
            bytes[count + 2] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
            bytes[count + 3] = UInt8(0x80 | (scalar & 0x3F))
            length = 4
        }
        for k in count..<(count + length) {
            start[k] = from
            end[k] = to
            runs[k] = run
        }
        count += length
    }

    /// Folds one more copy of the last letter written into it: its source now reaches `to`, and
    /// its run flags gain `run`.
    @inline(__always)
    mutating func extendLast(to: Int32, run: UInt8) {
        var k = count - 1
        while k >= 0 {
            if end[k] < to { end[k] = to }
            runs[k] |= run
            if bytes[k] & 0xC0 != 0x80 { break }  // reached the lead byte
            k -= 1
        }
    }
}

extension TextView {
    /// The start of the word that contains the byte before `offset` (or `offset` itself).
    public func wordStart(before offset: Int) -> Int {
        var k = offset
        while k > 0 {
            var lead = k - 1
            while lead > 0 && storedBytes[lead] & 0xC0 == 0x80 { lead -= 1 }
            guard isWordScalar(at: lead) else { break }
            k = lead
        }
        return k
    }

    /// The end of the word that contains the byte at `offset` (or `offset` itself).
    public func wordEnd(after offset: Int) -> Int {
        var k = offset
        while k < count, isWordScalar(at: k) {
            k += 1
            while k < count && storedBytes[k] & 0xC0 == 0x80 { k += 1 }
        }
        return k
    }

    private func isWordScalar(at k: Int) -> Bool {
        let b = storedBytes[k]
        if b < 0x80 { return (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) }
        let scalar: UInt32 = withBytes { decodeScalar($0, at: k).0 }
        return isLetter(scalar)
    }
}

/// Flags that a skeleton letter keeps about the run of letters it stands for, so that matches
/// can be checked beyond what the (letter-for-letter) patterns see.
public enum LetterRun {
    /// The letter was repeated: `ss` in `ass`, `sss` in `asss`.
    public static let doubled: UInt8 = 0x01
    /// The run holds a real `l` (the skeleton writes every `l` as `i`).
    public static let hasL: UInt8 = 0x02
    /// The run holds a real `i` (not one decoded from `1`, `!` or `|`).
    public static let hasI: UInt8 = 0x04
}
