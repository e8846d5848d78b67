/// Finds the first byte that breaks UTF-8 well-formedness (overlongs, surrogates and values above
/// U+10FFFF included), or `nil` when the bytes are valid. ASCII runs are skipped 8 bytes at a time.
func firstInvalidUTF8(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
    let n = b.count
    var i = 0
    guard let base = b.baseAddress else { return nil }
    let raw = UnsafeRawPointer(base)
    while i < n {
        if i + 8 <= n, raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
            i += 8
            continue
        }
        let c = b[i]
        if c < 0x80 {
            i += 1
            continue
        }
        @inline(__always) func cont(_ k: Int) -> Bool { k < n && b[k] & 0xC0 == 0x80 }
        switch c {
        case 0xC2...0xDF:
            guard cont(i + 1) else { return i }
            i += 2
        case 0xE0...0xEF:
            guard cont(i + 1), cont(i + 2) else { return i }
            let c1 = b[i + 1]
            if c == 0xE0 && c1 < 0xA0 { return i }  // overlong
            if c == 0xED && c1 > 0x9F { return i }  // UTF-16 surrogate
            i += 3
        case 0xF0...0xF4:
            guard cont(i + 1), cont(i + 2), cont(i + 3) else { return i }
            let c1 = b[i + 1]
            if c == 0xF0 && c1 < 0x90 { return i }  // overlong
            if c == 0xF4 && c1 > 0x8F { return i }  // above U+10FFFF
            i += 4
        default:
            return i
        }
    }
    return nil
}
