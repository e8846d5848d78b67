/// Finds a literal that every match of a regex must contain, so that the regex only runs on
/// text that contains it: four spam regexes starting with `\b` and a common letter otherwise
/// cost more than the whole word-list trie, because PCRE2 must try them at every `e` and `t`.
///
/// Deliberately simple and conservative: only letters, digits and spaces at the top level of the
/// pattern count (not inside groups or classes, not followed by a quantifier that allows zero,
/// not escaped); a top-level `|`, `\Q` or an inline option makes the pattern have none.
enum RequiredLiteral {
    /// The longest required literal of at least 3 characters, lower-cased, or `nil`.
    static func extract(from pattern: String) -> [UInt8]? {
        let p = Array(pattern.utf8)
        var best: [UInt8] = []
        var run: [UInt8] = []
        var depth = 0
        var k = 0
        func endRun() {
            if run.count > best.count { best = run }
            run.removeAll()
        }
        while k < p.count {
            let c = p[k]
            switch c {
            case UInt8(ascii: "\\"):
                guard k + 1 < p.count else { return nil }
                if p[k + 1] == UInt8(ascii: "Q") { return nil }
                endRun()
                k += 2
                continue
            case UInt8(ascii: "["):
                endRun()
                // Skip the class: a `]` right after `[` or `[^` is literal; escapes are skipped.
                k += 1
                if k < p.count && p[k] == UInt8(ascii: "^") { k += 1 }
                if k < p.count && p[k] == UInt8(ascii: "]") { k += 1 }
                while k < p.count && p[k] != UInt8(ascii: "]") { k += p[k] == UInt8(ascii: "\\") ? 2 : 1 }
                k += 1
                continue
            case UInt8(ascii: "("):
                if k + 1 < p.count && p[k + 1] == UInt8(ascii: "?") && depth == 0,
                    k + 2 < p.count,
                    (p[k + 2] >= 0x61 && p[k + 2] <= 0x7A) || p[k + 2] == UInt8(ascii: "-")
                        || p[k + 2] == UInt8(ascii: "^")
                {
                    return nil  // an inline option such as (?i) or (?x) changes what follows
                }
                endRun()
                depth += 1
            case UInt8(ascii: ")"):
                endRun()
                depth -= 1
            case UInt8(ascii: "|"):
                if depth == 0 { return nil }
                endRun()
            case UInt8(ascii: "?"), UInt8(ascii: "*"), UInt8(ascii: "{"):
                // The character before may be absent: it leaves the run.
                if depth == 0 && !run.isEmpty { run.removeLast() }
                endRun()
            case UInt8(ascii: "+"):
                endRun()
            default:
                let lower = c >= 0x41 && c <= 0x5A ? c + 32 : c
                let literal = (lower >= 0x61 && lower <= 0x7A) || (lower >= 0x30 && lower <= 0x39) || lower == 0x20
                if depth == 0 && literal {
                    run.append(lower)
                } else {
                    endRun()
                }
            }
            k += 1
        }
        endRun()
        // Trim spaces at the ends: they are real but add nothing to the search.
        while best.first == 0x20 { best.removeFirst() }
        while best.last == 0x20 { best.removeLast() }
        return best.count >= 3 ? best : nil
    }
}
