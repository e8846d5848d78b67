@testable import WinnowMatch

/// `TermPatternBuilder` as it was before it read the trie off the sorted terms: a node per
/// scalar with a dictionary of children, each subtree's pattern built and copied into its
/// parent's. The plain reference the sorted builder must equal, pattern for pattern.
struct ReferenceTermPatternBuilder {
    typealias Term = TermPatternBuilder.Term

    private final class Node {
        var children: [UInt32: Node] = [:]
        /// The mark of a term ending here that needs a word boundary after it.
        var boundedEnd: Int?
        /// The mark of a term ending here with no boundary after it (prefix and infix wildcards).
        var openEnd: Int?
    }

    /// The pattern for `terms`, or `nil` when there are none. Terms with the same skeleton and
    /// kind must share one mark.
    ///
    /// Boundaries are written `\b` where the term's edge is a word character (PCRE2 runs `\b`
    /// faster than the equivalent look-around, ~25% on the whole scan) and as look-arounds
    /// otherwise, so that a term like `$$$` or `100%` still needs a non-word neighbour.
    static func pattern(for terms: [Term]) -> String? {
        let anchoredAtWord = Node()  // word and prefix terms starting with a word character
        let anchoredOther = Node()  // word and prefix terms starting with something else
        let floating = Node()  // suffix and infix terms: may start inside a word
        for term in terms {
            guard let first = term.skeleton.first else { continue }
            var node: Node
            if term.kind == .word || term.kind == .prefix {
                node = isWordCharacter(first) ? anchoredAtWord : anchoredOther
            } else {
                node = floating
            }
            for scalar in term.skeleton {
                if let next = node.children[scalar] {
                    node = next
                } else {
                    let next = Node()
                    node.children[scalar] = next
                    node = next
                }
            }
            if term.kind == .word || term.kind == .suffix {
                node.boundedEnd = term.mark
            } else {
                node.openEnd = term.mark
            }
        }
        var parts: [String] = []
        if !anchoredAtWord.children.isEmpty { parts.append("\\b" + emit(anchoredAtWord, after: nil)) }
        if !anchoredOther.children.isEmpty { parts.append("(?<!\\w)" + emit(anchoredOther, after: nil)) }
        if !floating.children.isEmpty { parts.append(emit(floating, after: nil)) }
        return parts.isEmpty ? nil : parts.joined(separator: "|")
    }

    /// The pattern for the subtree under `node`, reached through the scalar `after`.
    private static func emit(_ node: Node, after last: UInt32?) -> String {
        var alternatives: [String] = []
        for scalar in node.children.keys.sorted() {
            alternatives.append(regex(for: scalar) + emit(node.children[scalar]!, after: scalar))
        }
        // A term that ends here is tried after the longer terms that continue from here.
        if let mark = node.boundedEnd {
            let boundary = last.map(isWordCharacter) ?? false ? "\\b" : "(?!\\w)"
            alternatives.append("\(boundary)(*:\(mark))")
        }
        if let mark = node.openEnd { alternatives.append("(*:\(mark))") }
        if alternatives.count == 1 { return alternatives[0] }
        return "(?:" + alternatives.joined(separator: "|") + ")"
    }

    /// What PCRE2's `\w` matches in skeleton text: letters and digits (no `_` is left there).
    private static func isWordCharacter(_ c: UInt32) -> Bool {
        if c < 0x80 { return (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) }
        guard let scalar = Unicode.Scalar(c) else { return false }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    private static func regex(for c: UInt32) -> String {
        if c == 0x20 { return "[ .\\-]?" }
        let scalar = Unicode.Scalar(c)!
        if c < 0x80 && !(("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)) {
            return "\\" + String(Character(scalar))
        }
        return String(Character(scalar))
    }
}
