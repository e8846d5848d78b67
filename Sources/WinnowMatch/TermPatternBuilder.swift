/// Builds one PCRE2 pattern from many word-list terms, factored into a trie: a flat alternation
/// of 2,000 words runs ~25× slower than the same words as a prefix tree.
///
/// Terms arrive in skeleton form (see `Normalizer`): lower case, `l` written `i`, each run of a
/// letter written once. The pattern is therefore plain literals, as fast as a grep pattern;
/// what the skeleton hides (doubled letters, `i` versus `l`) is checked on each candidate by
/// `TermShape`. A space in a phrase matches a space, `.`, `-` or nothing (`blow job`,
/// `blowjob`). Every term ends in `(*:N)`, a PCRE2 mark that tells which term matched.
struct TermPatternBuilder {
    /// One term to include: its skeleton scalars, its shape and the mark that identifies it.
    struct Term {
        var skeleton: [UInt32]
        var kind: WordlistEntry.Kind
        var mark: Int
    }

    /// The pattern for `terms`, or `nil` when there are none. Terms with the same skeleton and
    /// kind must share one mark.
    ///
    /// Boundaries are written `\b` where the term's edge is a word character (PCRE2 runs `\b`
    /// faster than the equivalent look-around, ~25% on the whole scan) and as look-arounds
    /// otherwise, so that a term like `$$$` or `100%` still needs a non-word neighbour.
    ///
    /// The trie is never built as nodes: the terms sorted by skeleton are one, read depth by
    /// depth — the terms under a node are a run of the sorted array sharing its prefix, a child
    /// a sub-run sharing one more scalar, the pattern's UTF-8 appended to one buffer. A node per
    /// scalar, each with a dictionary of children, and every subtree's text copied into its
    /// parent's cost 48M instructions of every start-up for 876 bundled entries (`ReferenceTermPatternBuilder` in the tests builds that trie and
    /// must give the same pattern).
    static func pattern(for terms: [Term]) -> String? {
        var anchoredAtWord: [Term] = []  // word and prefix terms starting with a word character
        var anchoredOther: [Term] = []  // word and prefix terms starting with something else
        var floating: [Term] = []  // suffix and infix terms: may start inside a word
        for term in terms {
            guard let first = term.skeleton.first else { continue }
            if term.kind == .word || term.kind == .prefix {
                if isWordCharacter(first) { anchoredAtWord.append(term) } else { anchoredOther.append(term) }
            } else {
                floating.append(term)
            }
        }
        var parts: [String] = []
        for (root, lead) in [(anchoredAtWord, "\\b"), (anchoredOther, "(?<!\\w)"), (floating, "")] where !root.isEmpty {
            // Ties keep the input order: of equal skeletons, the last one's mark ends the node.
            let sorted = root.indices.sorted {
                root[$0].skeleton.lexicographicallyPrecedes(root[$1].skeleton)
                    || (root[$0].skeleton == root[$1].skeleton && $0 < $1)
            }.map { root[$0] }
            var text = Array(lead.utf8)
            emit(sorted, sorted.indices, depth: 0, after: nil, into: &text)
            parts.append(String(decoding: text, as: UTF8.self))
        }
        return parts.isEmpty ? nil : parts.joined(separator: "|")
    }

    /// Appends the pattern for the node whose terms are `terms[range]` (sorted, sharing their
    /// first `depth` scalars), reached through the scalar `after`.
    private static func emit(
        _ terms: [Term], _ range: Range<Int>, depth: Int, after last: UInt32?, into text: inout [UInt8]
    ) {
        // The terms that end here sort first.
        var start = range.lowerBound
        var boundedEnd: Int?
        var openEnd: Int?
        while start < range.upperBound, terms[start].skeleton.count == depth {
            if terms[start].kind == .word || terms[start].kind == .suffix {
                boundedEnd = terms[start].mark
            } else {
                openEnd = terms[start].mark
            }
            start += 1
        }
        // The children, in ascending order of their scalar: runs sharing the scalar at `depth`.
        var children: [(scalar: UInt32, range: Range<Int>)] = []
        var k = start
        while k < range.upperBound {
            let scalar = terms[k].skeleton[depth]
            var end = k + 1
            while end < range.upperBound, terms[end].skeleton[depth] == scalar { end += 1 }
            children.append((scalar, k..<end))
            k = end
        }
        let alternatives = children.count + (boundedEnd == nil ? 0 : 1) + (openEnd == nil ? 0 : 1)
        if alternatives > 1 { text += "(?:".utf8 }
        for (n, child) in children.enumerated() {
            if n > 0 { text.append(UInt8(ascii: "|")) }
            appendRegex(for: child.scalar, to: &text)
            emit(terms, child.range, depth: depth + 1, after: child.scalar, into: &text)
        }
        // A term that ends here is tried after the longer terms that continue from here.
        if let mark = boundedEnd {
            if !children.isEmpty { text.append(UInt8(ascii: "|")) }
            text += (last.map(isWordCharacter) ?? false ? "\\b" : "(?!\\w)").utf8
            text += "(*:\(mark))".utf8
        }
        if let mark = openEnd {
            if !children.isEmpty || boundedEnd != nil { text.append(UInt8(ascii: "|")) }
            text += "(*:\(mark))".utf8
        }
        if alternatives > 1 { text.append(UInt8(ascii: ")")) }
    }

    /// What PCRE2's `\w` matches in skeleton text: letters and digits (no `_` is left there).
    private static func isWordCharacter(_ c: UInt32) -> Bool {
        if c < 0x80 { return (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) }
        guard let scalar = Unicode.Scalar(c) else { return false }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    /// The scalar as a pattern: a space matches a space, `.`, `-` or nothing; ASCII other than
    /// letters and digits is escaped.
    private static func appendRegex(for c: UInt32, to text: inout [UInt8]) {
        if c == 0x20 {
            text += "[ .\\-]?".utf8
            return
        }
        let isLetterOrDigit = (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39)
        if c < 0x80 && !isLetterOrDigit { text.append(UInt8(ascii: "\\")) }
        UTF8.encode(Unicode.Scalar(c)!) { text.append($0) }
    }
}
