import WinnowText

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// All wordlists of a directory compiled for matching: the literal and wildcard entries of every
/// list as a few trie-factored PCRE2 patterns over the skeleton view, raw patterns one by one over
/// the folded view, and the allow-list entries likewise. Built once, shared by all threads.
public final class StopwordSet: Sendable {
    public let lists: [Wordlist]
    /// What a mark in a compiled pattern stands for: the entries with that skeleton, each with
    /// the shape a candidate must have (one entry per list and shape).
    let targets: [[Target]]
    /// Word-list patterns compiled twice: for ASCII-only text (faster, byte mode) and for any text.
    let blockASCII: [PCRE2Pattern]
    let blockUnicode: [PCRE2Pattern]
    let allowASCII: [PCRE2Pattern]
    let allowUnicode: [PCRE2Pattern]
    /// Raw `/…/` entries over the folded view: combined into one pattern where they can be
    /// (marks name them), alone where they cannot (back-references, marks or names of their own).
    let rawBlock: [RawPattern]
    let rawAllow: [RawPattern]
    /// What a mark in a raw pattern stands for.
    let rawTargets: [(list: Int, entry: Int)]
    /// The required literals of raw patterns as one plain alternation; its marks are literal
    /// indexes. One fast scan tells which raw patterns can match a text at all.
    let requiredLiterals: PCRE2Pattern?
    /// Wildcard shape of each target, to widen its hits to whole words.
    let targetKinds: [WordlistEntry.Kind]
    /// Where a block term could start: the block patterns run only on skeletons that have such
    /// a place (`TermPrefilter`).
    let blockPrefilter: TermPrefilter

    /// Whether matching needs the folded view (only raw patterns use it).
    public var needsFoldedView: Bool { !rawBlock.isEmpty || !rawAllow.isEmpty }
    /// Number of compiled PCRE2 patterns, all kinds.
    public var patternCount: Int {
        blockASCII.count + blockUnicode.count + allowASCII.count + allowUnicode.count + rawBlock.count + rawAllow.count
    }
    /// The source of every compiled pattern, by role, for `winnow wordlists check --patterns`.
    public var patternSources: [(role: String, source: String)] {
        func describe(_ role: String, _ patterns: [PCRE2Pattern]) -> [(role: String, source: String)] {
            patterns.map { ("\(role)\($0.isJITCompiled ? "" : " (not JIT-compiled: interpreted)")", $0.source) }
        }
        return describe("words, ASCII text", blockASCII) + describe("words, any text", blockUnicode)
            + describe("allow, ASCII text", allowASCII) + describe("allow, any text", allowUnicode)
            + describe("raw patterns, ASCII text", rawBlock.compactMap(\.asciiPattern))
            + describe("raw patterns, any text", rawBlock.map(\.pattern))
            + describe("raw allow patterns, ASCII text", rawAllow.compactMap(\.asciiPattern))
            + describe("raw allow patterns, any text", rawAllow.map(\.pattern))
    }

    /// Compiled size of all patterns with their JIT code, in bytes.
    public var memorySize: Int {
        (blockASCII + blockUnicode + allowASCII + allowUnicode
            + (rawAllow + rawBlock).flatMap { [$0.pattern] + ($0.asciiPattern.map { [$0] } ?? []) })
            .reduce(0) { $0 + $1.memorySize }
    }

    /// One entry behind a mark, with what its candidates must show.
    struct Target {
        var list: Int
        var entry: Int
        var shape: TermShape
    }

    /// Compiles `lists`. Entries that cannot be compiled are reported with file and line.
    public init(lists: [Wordlist], normalizer: Normalizer = Normalizer()) throws(WordlistCompileErrors) {
        self.lists = lists
        var errors: [WordlistError] = []
        var targets: [[Target]] = []
        var targetKinds: [WordlistEntry.Kind] = []
        var markOf: [String: Int] = [:]
        var blockTerms: [TermPatternBuilder.Term] = []
        var allowTerms: [TermPatternBuilder.Term] = []
        var rawBlockEntries: [RawEntry] = []
        var rawAllowEntries: [RawEntry] = []

        for (listIndex, list) in lists.enumerated() {
            for (entryIndex, entry) in list.entries.enumerated() {
                if entry.kind == .pattern {
                    do {
                        // Compiled alone first: this validates it and names the line of a broken one.
                        let pattern = try PCRE2Pattern(entry.body, options: Self.rawOptions)
                        let raw = RawEntry(pattern: pattern, list: listIndex, entry: entryIndex)
                        if entry.isAllow { rawAllowEntries.append(raw) } else { rawBlockEntries.append(raw) }
                    } catch {
                        errors.append(
                            WordlistError(
                                path: list.path, line: entry.line,
                                message:
                                    "PCRE2 cannot compile /\(entry.body)/: \(error.message) at offset \(error.offset)"))
                    }
                    continue
                }
                let view = normalizer.normalize(entry.body).skeleton
                let skeleton = Array(view.string.unicodeScalars.map(\.value))
                guard skeleton.contains(where: { $0 != 0x20 }) else {
                    errors.append(
                        WordlistError(
                            path: list.path, line: entry.line,
                            message: "entry '\(entry.term)' is empty after normalization"))
                    continue
                }
                let target = Target(list: listIndex, entry: entryIndex, shape: TermShape(skeleton: view))
                let key = "\(entry.isAllow ? "!" : "")\(entry.kind)|" + view.string
                if let mark = markOf[key] {
                    if !targets[mark].contains(where: { $0.list == listIndex && $0.shape == target.shape }) {
                        targets[mark].append(target)
                    }
                    continue
                }
                let mark = targets.count
                markOf[key] = mark
                targets.append([target])
                targetKinds.append(entry.kind)
                let term = TermPatternBuilder.Term(skeleton: skeleton, kind: entry.kind, mark: mark)
                if entry.isAllow { allowTerms.append(term) } else { blockTerms.append(term) }
            }
        }

        func compileSharded(_ terms: [TermPatternBuilder.Term], ascii: Bool) -> [PCRE2Pattern] {
            let selected = ascii ? terms.filter { $0.skeleton.allSatisfy { $0 < 0x80 } } : terms
            do {
                return try Self.compile(selected, options: ascii ? [] : .unicode)
            } catch {
                errors.append(WordlistError(path: "(combined word lists)", line: 0, message: "PCRE2: \(error.message)"))
                return []
            }
        }
        let sortedBlock = blockTerms.sorted { $0.skeleton.lexicographicallyPrecedes($1.skeleton) }
        let sortedAllow = allowTerms.sorted { $0.skeleton.lexicographicallyPrecedes($1.skeleton) }
        blockPrefilter = TermPrefilter(terms: sortedBlock)
        blockASCII = compileSharded(sortedBlock, ascii: true)
        blockUnicode = compileSharded(sortedBlock, ascii: false)
        allowASCII = compileSharded(sortedAllow, ascii: true)
        allowUnicode = compileSharded(sortedAllow, ascii: false)
        var rawTargets: [(list: Int, entry: Int)] = []
        var literals: [[UInt8]] = []
        rawBlock = Self.combine(rawBlockEntries, lists: lists, targets: &rawTargets, literals: &literals)
        rawAllow = Self.combine(rawAllowEntries, lists: lists, targets: &rawTargets, literals: &literals)
        requiredLiterals = Self.literalPattern(literals)
        self.rawTargets = rawTargets
        self.targets = targets
        self.targetKinds = targetKinds
        if !errors.isEmpty { throw WordlistCompileErrors(errors: errors) }
    }

    fileprivate static let rawOptions: PCRE2Pattern.Options = [.unicode, .caseless]

    private struct RawEntry {
        var pattern: PCRE2Pattern
        var list: Int
        var entry: Int
    }

    /// A compiled pattern of raw entries, and the entry when it holds only one (for messages).
    /// Compiled twice like the word lists: Unicode-aware for any text, and in byte mode for
    /// ASCII-only text (same results there, much faster), unless it only compiles as Unicode.
    struct RawPattern {
        var pattern: PCRE2Pattern
        var asciiPattern: PCRE2Pattern?
        var only: (list: Int, entry: Int)?
        /// Index of a literal every match contains in `StopwordSet.requiredLiterals` (see
        /// `RequiredLiteral`): text without it is skipped.
        var requiredLiteral: Int?

        init?(_ source: String, only: (list: Int, entry: Int)?, requiredLiteral: Int? = nil) {
            guard let pattern = try? PCRE2Pattern(source, options: StopwordSet.rawOptions) else { return nil }
            self.pattern = pattern
            asciiPattern = try? PCRE2Pattern(source, options: .caseless)
            self.only = only
            self.requiredLiteral = requiredLiteral
        }

        /// Whether a text whose required literals found are `present` can hold a match.
        @inline(__always)
        func mayMatch(_ present: UInt64) -> Bool {
            guard let requiredLiteral else { return true }
            return present & (1 << UInt64(requiredLiteral)) != 0
        }

        func pattern(for view: TextView) -> PCRE2Pattern { view.isASCII ? asciiPattern ?? pattern : pattern }
    }

    /// One pattern for all raw entries that can share one (each wrapped as `(?:…)(*:N)`), plus
    /// the ones that cannot, alone. A pattern alone reports the mark of its own entry too.
    private static func combine(
        _ entries: [RawEntry], lists: [Wordlist], targets: inout [(list: Int, entry: Int)], literals: inout [[UInt8]]
    ) -> [RawPattern] {
        var alone: [RawPattern] = []
        var parts: [(source: String, owner: (list: Int, entry: Int))] = []
        for raw in entries {
            let body = lists[raw.list].entries[raw.entry].body
            let mark = targets.count
            let owner = (raw.list, raw.entry)
            targets.append(owner)
            let source = "(?:\(body))(*:\(mark))"
            // Group numbers shift and names may clash in a combination; marks would be overwritten.
            let standsAlone =
                hasBackReference(body) || body.contains("(*") || hasNamedGroup(body) || body.contains("(?|")
            if standsAlone, let own = RawPattern(source, only: owner) {
                alone.append(own)
            } else if literals.count < 64, let literal = RequiredLiteral.extract(from: body),
                let own = RawPattern(source, only: owner, requiredLiteral: literals.count)
            {
                // Cheap to rule out: its own pattern, run only when its literal is there.
                literals.append(literal)
                alone.append(own)
            } else {
                parts.append((source, owner))
            }
        }
        if parts.count > 1, let combined = RawPattern(parts.map(\.source).joined(separator: "|"), only: nil) {
            return [combined] + alone
        }
        // One part, or a combination too large to compile: one pattern each.
        return parts.compactMap { RawPattern($0.source, only: $0.owner) } + alone
    }

    private static func literalPattern(_ literals: [[UInt8]]) -> PCRE2Pattern? {
        guard !literals.isEmpty else { return nil }
        // Literals hold lower-case ASCII letters, digits and spaces only: no escaping needed.
        let source = literals.enumerated().map { "\(String(decoding: $0.element, as: UTF8.self))(*:\($0.offset))" }
            .joined(separator: "|")
        return try? PCRE2Pattern(source, options: [])
    }

    /// Which required literals occur in the folded text, as a bit set.
    private func presentLiterals(in view: TextView, scratch: MatchScratch) -> UInt64 {
        guard let requiredLiterals else { return 0 }
        var present: UInt64 = 0
        // Matches may overlap ("learning" holds "earn" and "learn"): resume one byte later.
        scan(requiredLiterals, view: view, scratch: scratch, overlapping: true) { _, mark in
            if let mark { present |= 1 << UInt64(mark) }
        } failed: { _ in
            present = .max
        }
        return present
    }

    /// `\1`…`\9`, `\g…`, `\k…`: references that break when groups are renumbered.
    private static func hasBackReference(_ body: String) -> Bool {
        var escaped = false
        for c in body.unicodeScalars {
            if escaped {
                if ("1"..."9").contains(c) || c == "g" || c == "k" { return true }
                escaped = false
            } else if c == "\\" {
                escaped = true
            }
        }
        return false
    }

    /// `(?<name>`, `(?'name'`, `(?P<name>`: names may clash in a combination. (`(?<=` and `(?<!`
    /// are lookbehinds, not names.)
    private static func hasNamedGroup(_ body: String) -> Bool {
        let scalars = Array(body.unicodeScalars)
        for k in scalars.indices where scalars[k] == "(" && k + 2 < scalars.count && scalars[k + 1] == "?" {
            let next = scalars[k + 2]
            if next == "'" || next == "P" { return true }
            if next == "<", k + 3 < scalars.count, scalars[k + 3] != "=", scalars[k + 3] != "!" { return true }
        }
        return false
    }

    /// Compiles terms into as few patterns as PCRE2's size limit allows, halving on "too large".
    /// Each ends in the callout `(?C1)`, which makes one scan list every match (see
    /// `PCRE2Pattern.allMatches`): a term inside a longer one of another list (`fuck*` in
    /// `fucking idiot`) is found too, instead of being hidden by it.
    private static func compile(_ terms: [TermPatternBuilder.Term], options: PCRE2Pattern.Options) throws(PCRE2Error)
        -> [PCRE2Pattern]
    {
        guard let trie = TermPatternBuilder.pattern(for: terms) else { return [] }
        let source = "(?:\(trie))(?C1)"
        do {
            return [try PCRE2Pattern(source, options: options)]
        } catch  where error.isPatternTooLarge && terms.count > 1 {
            let half = terms.count / 2
            return try compile(Array(terms[..<half]), options: options)
                + compile(Array(terms[half...]), options: options)
        }
    }

    /// Finds every entry that matches `text`, minus those inside an allow-list match.
    /// `prefiltered: false` runs the block patterns on every text (the reference the prefilter
    /// is tested against).
    public func match(
        _ text: NormalizedText, scratch: MatchScratch, into result: inout StopwordMatches, prefiltered: Bool = true
    ) {
        result.removeAll()
        // `text.skeleton` is read in place throughout: a local copy of the view would cost four
        // array retains and releases per comment.
        scratch.budget(forBytes: max(text.skeleton.count, text.folded.count))
        let block = text.skeleton.isASCII ? blockASCII : blockUnicode
        // Matches come in text order: the word around the last one answers most widenings (a
        // wildcard matching many times inside one long word must not walk it each time).
        var words = WordCache()
        let candidate = !prefiltered || text.skeleton.withBytes { blockPrefilter.mayMatch($0) }
        for pattern in block where candidate {
            scanAll(pattern, view: text.skeleton, scratch: scratch) { range, mark in
                var original: Range<Int>?
                // The targets read in place: `for target in targets[mark]` copied each one, a
                // retain and a release of each of its shape's four arrays.
                targets[mark].withUnsafeBufferPointer { candidates in
                    for k in candidates.indices where candidates[k].shape.accepts(text.skeleton, at: range.lowerBound) {
                        let widened =
                            original ?? widened(range, kind: targetKinds[mark], in: text.skeleton, words: &words)
                        original = widened
                        result.hits.append(
                            StopwordHit(list: candidates[k].list, entry: candidates[k].entry, original: widened))
                    }
                }
            } failed: { message in
                result.failures.append(MatchFailure(list: nil, entry: nil, message: message))
            }
        }
        if result.hits.count > 1 { Self.keepOutermost(&result.hits) }
        // One literal scan serves the raw block and raw allow patterns alike.
        let present = needsFoldedView ? presentLiterals(in: text.folded, scratch: scratch) : 0
        for raw in rawBlock where raw.mayMatch(present) {
            scan(raw.pattern(for: text.folded), view: text.folded, scratch: scratch) { range, mark in
                guard let mark else { return }
                let target = rawTargets[mark]
                result.hits.append(
                    StopwordHit(list: target.list, entry: target.entry, original: text.folded.originalRange(of: range)))
            } failed: { message in
                result.failures.append(MatchFailure(list: raw.only?.list, entry: raw.only?.entry, message: message))
            }
        }
        if !result.hits.isEmpty { removeAllowed(text, present: present, scratch: scratch, from: &result) }
    }

    /// Drops the hits that lie inside an allow-list match. `present`: the raw patterns' required
    /// literals found in the text.
    private func removeAllowed(
        _ text: NormalizedText, present: UInt64, scratch: MatchScratch, from result: inout StopwordMatches
    ) {
        var allowed: [Range<Int>] = []
        var words = WordCache()
        for pattern in text.skeleton.isASCII ? allowASCII : allowUnicode {
            scanAll(pattern, view: text.skeleton, scratch: scratch) { range, mark in
                let accepted = targets[mark].withUnsafeBufferPointer { candidates in
                    candidates.indices.contains { candidates[$0].shape.accepts(text.skeleton, at: range.lowerBound) }
                }
                guard accepted else { return }
                allowed.append(widened(range, kind: targetKinds[mark], in: text.skeleton, words: &words))
            } failed: { _ in
            }
        }
        for raw in rawAllow where raw.mayMatch(present) {
            scan(raw.pattern(for: text.folded), view: text.folded, scratch: scratch) { range, _ in
                allowed.append(text.folded.originalRange(of: range))
            } failed: { _ in
            }
        }
        guard !allowed.isEmpty else { return }
        Self.removeInside(allowed, from: &result.hits)
    }

    /// Removes every hit that lies inside one of `ranges`: both sorted by start, then one sweep
    /// (the furthest end among the ranges starting at or before a hit tells whether one covers
    /// it), instead of comparing every hit with every range.
    static func removeInside(_ ranges: [Range<Int>], from hits: inout [StopwordHit]) {
        let ranges = ranges.sorted { $0.lowerBound < $1.lowerBound }
        let order = hits.indices.sorted { hits[$0].original.lowerBound < hits[$1].original.lowerBound }
        var inside = [Bool](repeating: false, count: hits.count)
        var next = 0
        var furthest = Int.min
        for k in order {
            while next < ranges.count, ranges[next].lowerBound <= hits[k].original.lowerBound {
                furthest = max(furthest, ranges[next].upperBound)
                next += 1
            }
            inside[k] = furthest >= hits[k].original.upperBound
        }
        var kept: [StopwordHit] = []
        kept.reserveCapacity(hits.count)
        for k in hits.indices where !inside[k] { kept.append(hits[k]) }
        hits = kept
    }

    /// The word of the view around an offset (`TextView.wordStart(before:)` and
    /// `wordEnd(after:)` of it), remembered for the next offset inside the same word.
    struct WordCache {
        /// The remembered word, `start...end` in view bytes (none at first).
        private var start = 1
        private var end = 0

        mutating func bounds(around offset: Int, in view: TextView) -> (start: Int, end: Int) {
            if offset < start || offset > end {
                start = view.wordStart(before: offset)
                end = view.wordEnd(after: offset)
            }
            return (start, end)
        }
    }

    /// The original range of a match, widened to whole words for wildcard entries.
    private func widened(_ range: Range<Int>, kind: WordlistEntry.Kind, in view: TextView, words: inout WordCache)
        -> Range<Int>
    {
        var lower = range.lowerBound
        var upper = range.upperBound
        if kind == .suffix || kind == .infix { lower = words.bounds(around: lower, in: view).start }
        if kind == .prefix || kind == .infix { upper = words.bounds(around: upper, in: view).end }
        guard upper > lower else {
            return view.originalRange(of: range.lowerBound..<max(range.upperBound, range.lowerBound + 1))
        }
        return view.originalRange(of: lower..<upper)
    }

    /// In text order, each list's hits minus those inside another hit of the same list (`idiot`
    /// inside `fucking idiot`, both insults) and duplicates (a word that is two entries' match).
    /// Hits of different lists stay, nested or not: each list asks for its own action.
    static func keepOutermost(_ hits: inout [StopwordHit]) {
        hits.sort { a, b in
            if a.original.lowerBound != b.original.lowerBound { return a.original.lowerBound < b.original.lowerBound }
            if a.original.upperBound != b.original.upperBound { return a.original.upperBound > b.original.upperBound }
            return a.list != b.list ? a.list < b.list : a.entry < b.entry
        }
        // Every hit kept so far starts at or before this one: one of its list holds it when the
        // furthest end among them reaches this one's end.
        var furthestEnd: [Int: Int] = [:]
        var kept: [StopwordHit] = []
        kept.reserveCapacity(hits.count)
        for hit in hits {
            if let end = furthestEnd[hit.list], end >= hit.original.upperBound { continue }
            furthestEnd[hit.list] = hit.original.upperBound
            kept.append(hit)
        }
        hits = kept
    }

    /// Every match of an all-matches pattern, in the order PCRE2 finds them.
    @inline(__always)
    private func scanAll(
        _ pattern: PCRE2Pattern, view: TextView, scratch: MatchScratch,
        found: (Range<Int>, Int) -> Void, failed: (String) -> Void
    ) {
        view.withBytes { subject in
            guard let base = subject.baseAddress else { return }
            do throws(PCRE2Error) {
                try pattern.allMatches(in: base, length: subject.count, scratch: scratch)
            } catch {
                failed(
                    error.isMatchLimit
                        ? "match limit exceeded: a pattern backtracked too much on this text; the rest of the text was not searched by it"
                        : "PCRE2 gave up on this text: \(error.message)")
            }
        }
        scratch.forEachFound { start, end, mark in found(start..<end, mark) }
    }

    @inline(__always)
    private func scan(
        _ pattern: PCRE2Pattern, view: TextView, scratch: MatchScratch, overlapping: Bool = false,
        found: (Range<Int>, Int?) -> Void, failed: (String) -> Void
    ) {
        view.withBytes { subject in
            guard let base = subject.baseAddress else { return }
            var start = 0
            while start <= subject.count {
                do throws(PCRE2Error) {
                    guard
                        let (range, mark) = try pattern.firstMatch(
                            in: base, length: subject.count, from: start, scratch: scratch)
                    else { return }
                    if !range.isEmpty { found(range, mark) }
                    start = range.isEmpty || overlapping ? range.lowerBound + 1 : range.upperBound
                } catch {
                    failed(
                        error.isMatchLimit
                            ? "match limit exceeded: a pattern backtracked too much on this text; the rest of the text was not searched by it"
                            : "PCRE2 gave up on this text: \(error.message)")
                    return
                }
            }
        }
    }
}

/// All problems found while compiling a set of wordlists.
public struct WordlistCompileErrors: Error, Sendable {
    public var errors: [WordlistError]

    public init(errors: [WordlistError]) {
        self.errors = errors
    }
}
