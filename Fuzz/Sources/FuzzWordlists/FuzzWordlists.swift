import WinnowMatch
import WinnowText

/// Any bytes as a wordlist file: parsing gives entries or errors with line numbers, never a
/// crash; whatever parses compiles or is refused with a message, and the compiled set matches
/// its own source text without trouble.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: min(size, 4096)), as: UTF8.self)
    let (list, errors) = WordlistParser.parse(text, name: "fuzz/list", language: "en", path: "list.txt")
    for error in errors { precondition(error.line >= 0, "an error without a line") }
    guard errors.isEmpty, let set = try? StopwordSet(lists: [list]) else { return 0 }
    var normalized = NormalizedText()
    var copy = text
    copy.withUTF8 { Normalizer().normalize($0, into: &normalized, folded: set.needsFoldedView) }
    var matches = StopwordMatches()
    set.match(normalized, scratch: MatchScratch(matchLimit: 100_000), into: &matches)
    for hit in matches.hits { precondition(hit.original.upperBound <= text.utf8.count, "a hit outside the text") }
    return 0
}
