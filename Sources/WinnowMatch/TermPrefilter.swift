/// Tells, in one pass over a skeleton's bytes, whether any word-list term could match in it:
/// the compiled PCRE2 sets (the authority) then run only on comments that have such a place.
/// Most comments have none, and a PCRE2 scan of the trie costs about a hundred instructions a
/// byte against a few here (issue 23: "a prefilter decides who needs it").
///
/// The terms' skeletons (UTF-8) in two byte tries: terms that start a word (`word` and
/// `prefix` entries starting with a letter or digit, walked only from where the byte before is
/// not an ASCII letter or digit, as PCRE2's `\b` wants — a byte outside ASCII may be a symbol,
/// so a word may start after it) and terms that may start anywhere (`suffix`, `infix`, and
/// terms that start with a symbol). A walk starts only where the first three bytes may open a
/// match (a table of 2^17 bits per trie, by a hash of the three), and succeeds when it reaches
/// the end of a term —
/// followed, for `word` and `suffix` entries, by a byte that is not an ASCII letter or digit.
/// A space in a term matches a space, `.`, `-` or nothing, as in `TermPatternBuilder`. It may
/// say yes where PCRE2 finds nothing (it does not check `TermShape`), never the reverse:
/// `TermPrefilterTests` matches with and without it on texts built from the terms, their
/// disguises and near-misses.
struct TermPrefilter: Sendable {
    private let tables: Tables
    private static let tripleBits = 1 << 17
    private static let pairBase = 2 * tripleBits
    /// Node 0 is the root of the terms that start a word, node 1 of the others.
    private static let wordRoot = 0
    private static let anywhereRoot = 1
    private static let space: UInt8 = 0x20

    /// The tables a check reads, fixed once built: held as plain memory, so that the check
    /// reads them without a closure per table (the walk is checked against PCRE2 by
    /// `TermPrefilterTests`).
    private final class Tables: @unchecked Sendable {
        /// Bits by a hash of the first three bytes a term's match can start with (`tripleBits`
        /// bits per trie: the trie of terms that start a word, then the other), and, for
        /// matches that can be shorter than three bytes (a term `a b` matches `ab`), bits by the
        /// first two bytes (65,536 per trie) after them.
        let starts: UnsafeMutableBufferPointer<UInt64>
        /// Per byte value: bit 0 an ASCII letter or digit (no word starts after it), bit 1 the
        /// first byte of a term that starts a word, bit 2 the first byte of one of the other
        /// terms (the bundled lists have three): one load a byte tells where to look.
        let byteClass: UnsafeMutableBufferPointer<UInt8>
        /// Trie nodes: `firstEdge << 24 | edgeCount << 8 | ends`, `ends` telling whether a term
        /// ends there (bit 0: with no boundary after it; bit 1: with one).
        let nodes: UnsafeMutableBufferPointer<UInt64>
        /// Edges, `byte << 24 | child`, sorted by byte within a node.
        let edges: UnsafeMutableBufferPointer<UInt32>
        /// The roots' children by byte (`root × 256 + byte`; -1: none): a walk starts there
        /// without scanning the roots' many edges.
        let rootChild: UnsafeMutableBufferPointer<Int32>

        init(starts: [UInt64], byteClass: [UInt8], nodes: [UInt64], edges: [UInt32], rootChild: [Int32]) {
            func copy<T>(_ array: [T]) -> UnsafeMutableBufferPointer<T> {
                let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: array.count)
                _ = buffer.initialize(from: array)
                return buffer
            }
            self.starts = copy(starts)
            self.byteClass = copy(byteClass)
            self.nodes = copy(nodes)
            self.edges = copy(edges)
            self.rootChild = copy(rootChild)
        }

        deinit {
            starts.deallocate()
            byteClass.deallocate()
            nodes.deallocate()
            edges.deallocate()
            rootChild.deallocate()
        }
    }

    private final class Builder {
        var children: [UInt8: Builder] = [:]
        var ends: UInt8 = 0
    }

    /// The bit of the first three bytes `a`, `b`, `c` of a match in trie `root`.
    @inline(__always)
    private static func tripleIndex(_ root: Int, _ a: UInt8, _ b: UInt8, _ c: UInt8) -> Int {
        let key = UInt32(a) << 16 | UInt32(b) << 8 | UInt32(c)
        return root &* tripleBits &+ Int((key &* 0x9E37_79B1) >> 15)
    }

    /// Every way the first three bytes of a match of `bytes` can be written: a space as a space,
    /// `.`, `-` or nothing. Shorter when the term ends before three.
    private static func openings(_ bytes: [UInt8], from k: Int = 0, _ prefix: [UInt8] = []) -> [[UInt8]] {
        if prefix.count == 3 || k == bytes.count { return [prefix] }
        if bytes[k] == space {
            return [0x20, 0x2E, 0x2D].flatMap { openings(bytes, from: k + 1, prefix + [$0]) }
                + openings(bytes, from: k + 1, prefix)
        }
        return openings(bytes, from: k + 1, prefix + [bytes[k]])
    }

    init(terms: [TermPatternBuilder.Term]) {
        let roots = [Builder(), Builder()]
        var starts = [UInt64](repeating: 0, count: (Self.pairBase + 2 * 65_536) / 64)
        func set(_ index: Int) { starts[index >> 6] |= 1 << UInt64(index & 63) }
        var byteClass = (0..<256).map { UInt8($0) &- 0x61 < 26 || UInt8($0) &- 0x30 < 10 ? UInt8(1) : 0 }
        for term in terms {
            // The skeleton's UTF-8, encoded scalar by scalar (through a String it cost 6M
            // instructions of every start-up for the bundled lists).
            var bytes: [UInt8] = []
            bytes.reserveCapacity(term.skeleton.count)
            for value in term.skeleton {
                if let scalar = Unicode.Scalar(value) { UTF8.encode(scalar) { bytes.append($0) } }
            }
            guard let first = bytes.first, first != Self.space else { continue }
            let startsWord = (term.kind == .word || term.kind == .prefix) && Self.isWordStart(first)
            let root = startsWord ? Self.wordRoot : Self.anywhereRoot
            byteClass[Int(first)] |= startsWord ? 2 : 4
            var node = roots[root]
            for b in bytes {
                if let next = node.children[b] {
                    node = next
                } else {
                    let next = Builder()
                    node.children[b] = next
                    node = next
                }
            }
            node.ends |= term.kind == .word || term.kind == .suffix ? 2 : 1
            for opening in Self.openings(bytes) {
                switch opening.count {
                case 3: set(Self.tripleIndex(root, opening[0], opening[1], opening[2]))
                case 2: set(Self.pairBase + root << 16 | Int(opening[0]) << 8 | Int(opening[1]))
                default:
                    // A match of one byte: any pair that starts with it.
                    for second in 0...255 { set(Self.pairBase + root << 16 | Int(opening[0]) << 8 | second) }
                }
            }
        }
        // Flattened breadth first: a node's children are contiguous.
        var order: [Builder] = roots
        var nodes: [UInt64] = [], edges: [UInt32] = []
        var rootChild = [Int32](repeating: -1, count: 512)
        var k = 0
        while k < order.count {
            let node = order[k]
            nodes.append(UInt64(edges.count) << 24 | UInt64(node.children.count) << 8 | UInt64(node.ends))
            for b in node.children.keys.sorted() {
                if k < 2 { rootChild[k * 256 + Int(b)] = Int32(order.count) }
                edges.append(UInt32(b) << 24 | UInt32(order.count))
                order.append(node.children[b]!)
            }
            k += 1
        }
        tables = Tables(starts: starts, byteClass: byteClass, nodes: nodes, edges: edges, rootChild: rootChild)
    }

    /// A letter or a digit of ASCII, or a byte outside ASCII (which may be a letter): where a
    /// `word` or `prefix` term that begins with it needs a word start.
    @inline(__always)
    private static func isWordStart(_ b: UInt8) -> Bool { b &- 0x61 < 26 || b &- 0x30 < 10 || b >= 0x80 }

    /// An ASCII letter or digit: `\w` for certain (bytes outside ASCII may or may not be).
    @inline(__always)
    private static func isASCIIWord(_ b: UInt8) -> Bool { b &- 0x61 < 26 || b &- 0x30 < 10 }

    /// Whether a term may match somewhere in `skeleton`: false only when none can.
    func mayMatch(_ skeleton: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = skeleton.count
        guard n > 0 else { return false }
        // `self` (held by its `StopwordSet`) keeps `tables` alive for the call.
        let starts = tables.starts, byteClass = tables.byteClass, rootChild = tables.rootChild
        let walker = Walker(text: skeleton, nodes: tables.nodes, edges: tables.edges)
        @inline(__always) func has(_ index: Int) -> Bool { starts[index &>> 6] &>> UInt64(index & 63) & 1 != 0 }
        /// Whether a match may start at `i` in trie `root` (the last two bytes pair with zeros).
        @inline(__always) func mayStart(_ i: Int, _ root: Int) -> Bool {
            let a = skeleton[i]
            let b = i &+ 1 < n ? skeleton[i &+ 1] : 0
            let c = i &+ 2 < n ? skeleton[i &+ 2] : 0
            return has(Self.tripleIndex(root, a, b, c)) || has(Self.pairBase &+ root &<< 16 &+ Int(a) &<< 8 &+ Int(b))
        }
        var wordMayStart = true
        for i in 0..<n {
            let b = skeleton[i]
            let kind = byteClass[Int(b)]
            if kind & 6 != 0 {
                if kind & 2 != 0 && wordMayStart && mayStart(i, Self.wordRoot)
                    && walker.reachesEnd(from: i &+ 1, at: Int(rootChild[Int(b)]))
                {
                    return true
                }
                if kind & 4 != 0 && mayStart(i, Self.anywhereRoot)
                    && walker.reachesEnd(from: i &+ 1, at: Int(rootChild[256 &+ Int(b)]))
                {
                    return true
                }
            }
            wordMayStart = kind & 1 == 0
        }
        return false
    }

    /// A walk of the tries over one text.
    private struct Walker {
        let text: UnsafeBufferPointer<UInt8>
        let nodes: UnsafeMutableBufferPointer<UInt64>
        let edges: UnsafeMutableBufferPointer<UInt32>

        /// Whether the text from `i` reaches the end of a term from `node`.
        func reachesEnd(from i: Int, at node: Int) -> Bool {
            let entry = nodes[node]
            let end = UInt8(truncatingIfNeeded: entry)
            if end & 1 != 0 { return true }
            if end & 2 != 0 && (i == text.count || !TermPrefilter.isASCIIWord(text[i])) { return true }
            let first = Int(truncatingIfNeeded: entry >> 24)
            for e in first..<(first &+ Int(truncatingIfNeeded: entry >> 8 & 0xFFFF)) {
                let edge = edges[e]
                let b = UInt8(truncatingIfNeeded: edge >> 24), child = Int(edge & 0xFF_FFFF)
                if b == TermPrefilter.space {
                    // A separator, or none.
                    if i < text.count, text[i] == 0x20 || text[i] == 0x2E || text[i] == 0x2D,
                        reachesEnd(from: i &+ 1, at: child)
                    {
                        return true
                    }
                    if reachesEnd(from: i, at: child) { return true }
                } else if i < text.count && text[i] == b {
                    return reachesEnd(from: i &+ 1, at: child)
                } else if i < text.count && text[i] < b {
                    // Edges are sorted: no later one has this byte (a space edge sorts first).
                    return false
                }
            }
            return false
        }
    }
}
