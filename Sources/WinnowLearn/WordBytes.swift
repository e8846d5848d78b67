/// What each byte of a skeleton is to the feature walk, from the byte alone: part of a word
/// (an ASCII letter or digit, or the first byte of a character of an alphabet), not (space,
/// punctuation, the first byte of a symbol or an emoji), or a continuation byte, which belongs
/// where its character's first byte does. The same classes as `SkeletonWords.isWordCharacter`,
/// which decodes each character (a test compares them).
enum WordBytes {
    static let notWord: UInt8 = 0, word: UInt8 = 1, continuation: UInt8 = 2

    static let table: [UInt8] = (0..<256).map { b -> UInt8 in
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: word
        case 0x80...0xBF: continuation
        case 0xC2: notWord  // U+0080–U+00BF: Latin-1 symbols and punctuation
        case 0xC3...0xDF: word  // U+00C0–U+07FF
        case 0xE0, 0xE1: word  // U+0800–U+1FFF
        case 0xE2: notWord  // U+2000–U+2FFF: punctuation, symbols, arrows, dingbats
        case 0xE3...0xEE: word  // U+3000–U+EFFF
        default: notWord  // ASCII punctuation, U+F000 and up (emoji), invalid bytes
        }
    }
}
