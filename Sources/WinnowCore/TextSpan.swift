/// A half-open range `[start, end)` in the original comment text, counted in Unicode scalar
/// values (code points), the unit Python's `str` slicing uses.
public struct TextSpan: Sendable, Equatable, CustomStringConvertible {
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    public var description: String { "[\(start), \(end))" }
}

extension TextSpan {
    /// The span of the UTF-8 byte range `range` of `text`.
    public init(utf8 range: Range<Int>, in text: UnsafeBufferPointer<UInt8>) {
        var start = 0
        for k in 0..<range.lowerBound where text[k] & 0xC0 != 0x80 { start += 1 }
        var length = 0
        for k in range where text[k] & 0xC0 != 0x80 { length += 1 }
        self.init(start: start, end: start + length)
    }
}
