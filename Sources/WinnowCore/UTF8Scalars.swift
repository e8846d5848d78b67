/// Counting and stepping over UTF-8 without decoding, for the places that map byte offsets to
/// scalar offsets or walk text a character at a time. The text is valid UTF-8 (the decoder
/// checked it).
public enum UTF8Scalars {
    /// Unicode scalars in `range` of `text`: the bytes that are not continuation bytes.
    @inline(__always)
    public static func count(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
        var count = 0
        for k in range where text[k] & 0xC0 != 0x80 { count += 1 }
        return count
    }

    /// Bytes of the character that starts with `lead` (1 for ASCII, and for a stray
    /// continuation byte).
    @inline(__always)
    public static func length(lead: UInt8) -> Int {
        lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
    }
}
