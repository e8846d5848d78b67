import Foundation
import WinnowMatch
import WinnowText

/// Paths to the fixtures shipped in Tests/Fixtures.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    static let wordlists = root.appendingPathComponent("wordlists").path
    static let bundledWordlists = root.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Wordlists").path
}

/// Compiles lists written inline, one `name → text` pair per list.
func compile(_ lists: [(name: String, text: String)]) throws -> StopwordSet {
    var parsed: [Wordlist] = []
    for (name, text) in lists {
        let (list, errors) = WordlistParser.parse(text, name: name, language: "en", path: name + ".txt")
        guard errors.isEmpty else { throw WordlistCompileErrors(errors: errors) }
        parsed.append(list)
    }
    return try StopwordSet(lists: parsed)
}

/// The (term, original substring) pairs that `set` finds in `text`, in text order.
func hits(_ set: StopwordSet, _ text: String) -> [String] {
    var normalized = NormalizedText()
    var copy = text
    copy.withUTF8 { Normalizer().normalize($0, into: &normalized, folded: set.needsFoldedView) }
    var result = StopwordMatches()
    set.match(normalized, scratch: MatchScratch(), into: &result)
    let bytes = Array(text.utf8)
    return result.hits.sorted { ($0.original.lowerBound, $0.list) < ($1.original.lowerBound, $1.list) }.map { hit in
        let list = set.lists[hit.list]
        return "\(list.entries[hit.entry].term)=\(String(decoding: bytes[hit.original], as: UTF8.self))"
    }
}
