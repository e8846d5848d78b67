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
        let start = UTF8Scalars.count(text, 0..<range.lowerBound)
        self.init(start: start, end: start + UTF8Scalars.count(text, range))
    }
}
