/// One normalized rendering of a comment, as UTF-8, with a map from every byte back to the
/// original text so that a match in the view can be reported and masked where the author wrote it.
public struct TextView: Sendable {
    /// The normalized text, UTF-8.
    public internal(set) var bytes: [UInt8] = []
    /// For each byte of `bytes`: where its source starts in the original text (UTF-8 byte offset).
    public internal(set) var sourceStart: [Int32] = []
    /// For each byte of `bytes`: where its source ends in the original text (exclusive). Covers
    /// the diacritics and repeated letters that were folded into it.
    public internal(set) var sourceEnd: [Int32] = []
    /// True when `bytes` holds ASCII only (matching can then skip Unicode-aware patterns).
    public internal(set) var isASCII = true

    public init() {}

    /// The original byte range that a byte range of this view came from.
    public func originalRange(of range: Range<Int>) -> Range<Int> {
        precondition(!range.isEmpty && range.upperBound <= bytes.count)
        return Int(sourceStart[range.lowerBound])..<Int(sourceEnd[range.upperBound - 1])
    }

    /// The view as a `String`, for tests and debugging.
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    /// Rewrites the view from `units[0..<count]`: `body` gets a writer with room for `capacity`
    /// bytes and writes through it; the arrays are then cut to what was written.
    mutating func rewrite(capacity: Int, _ body: (inout TextViewWriter) -> Void) {
        if bytes.count < capacity {
            let extra = capacity - bytes.count
            bytes.append(contentsOf: repeatElement(0, count: extra))
            sourceStart.append(contentsOf: repeatElement(0, count: extra))
            sourceEnd.append(contentsOf: repeatElement(0, count: extra))
        }
        var written = 0
        var ascii = true
        bytes.withUnsafeMutableBufferPointer { b in
            sourceStart.withUnsafeMutableBufferPointer { s in
                sourceEnd.withUnsafeMutableBufferPointer { e in
                    var writer = TextViewWriter(bytes: b.baseAddress!, start: s.baseAddress!, end: e.baseAddress!)
                    body(&writer)
                    written = writer.count
                    ascii = writer.isASCII
                }
            }
        }
        let surplus = bytes.count - written
        bytes.removeLast(surplus)
        sourceStart.removeLast(surplus)
        sourceEnd.removeLast(surplus)
        isASCII = ascii
    }
}

/// Appends scalars to a `TextView` being rewritten, without Array's per-append checks.
struct TextViewWriter {
    let bytes: UnsafeMutablePointer<UInt8>
    let start: UnsafeMutablePointer<Int32>
    let end: UnsafeMutablePointer<Int32>
    var count = 0
    var isASCII = true

    /// Appends `scalar` as UTF-8, every byte mapped to `from..<to` of the original.
    @inline(__always)
    mutating func append(_ scalar: UInt32, from: Int32, to: Int32) {
        if scalar < 0x80 {
            bytes[count] = UInt8(truncatingIfNeeded: scalar)
            start[count] = from
            end[count] = to
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
        }
        count += length
    }

    /// Extends the source of the last scalar written (all its bytes) to `to`.
    @inline(__always)
    mutating func extendLast(to: Int32) {
        var k = count - 1
        while k >= 0 {
            if end[k] < to { end[k] = to }
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
            while lead > 0 && bytes[lead] & 0xC0 == 0x80 { lead -= 1 }
            guard isWordScalar(at: lead) else { break }
            k = lead
        }
        return k
    }

    /// The end of the word that contains the byte at `offset` (or `offset` itself).
    public func wordEnd(after offset: Int) -> Int {
        var k = offset
        while k < bytes.count, isWordScalar(at: k) {
            k += 1
            while k < bytes.count && bytes[k] & 0xC0 == 0x80 { k += 1 }
        }
        return k
    }

    private func isWordScalar(at k: Int) -> Bool {
        let b = bytes[k]
        if b < 0x80 { return (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) }
        let scalar: UInt32 = bytes.withUnsafeBufferPointer { decodeScalar($0, at: k).0 }
        return isLetter(scalar)
    }
}
