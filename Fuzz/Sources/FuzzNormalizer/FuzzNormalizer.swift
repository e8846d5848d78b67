import WinnowText

/// Any text through the normalizer: every byte of both views must map back to a range inside
/// the original text, in order, starting and ending on character boundaries.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let original = Array(text.utf8)
    let normalized = Normalizer().normalize(text, folded: true)
    for view in [normalized.skeleton, normalized.folded] {
        var previousStart: Int32 = 0
        for (start, end) in zip(view.sourceStart, view.sourceEnd) {
            precondition(0 <= start && start < end && Int(end) <= original.count, "a byte maps outside the original")
            precondition(start >= previousStart, "the map goes backwards")
            previousStart = start
            precondition(original[Int(start)] & 0xC0 != 0x80, "a range starts inside a character")
            precondition(Int(end) == original.count || original[Int(end)] & 0xC0 != 0x80, "a range ends inside a character")
        }
        if view.count > 0 { _ = view.originalRange(of: 0..<view.count) }
    }
    return 0
}
