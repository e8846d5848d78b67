import WinnowText

/// All wordlists of a directory compiled for matching: the literal and wildcard entries of every
/// list as a few trie-factored PCRE2 patterns over the skeleton view, raw patterns one by one over
/// the folded view, and the allow-list entries likewise. Built once, shared by all threads.
public final class StopwordSet: Sendable {
    public let lists: [Wordlist]
    /// What a mark in a compiled pattern stands for: the entries (one per list) with that skeleton.
    let targets: [[(list: Int, entry: Int)]]
    /// Word-list patterns compiled twice: for ASCII-only text (faster, byte mode) and for any text.
    let blockASCII: [PCRE2Pattern]
    let blockUnicode: [PCRE2Pattern]
    let allowASCII: [PCRE2Pattern]
    let allowUnicode: [PCRE2Pattern]
    /// Raw `/…/` entries, each its own pattern, over the folded view.
    let rawBlock: [(pattern: PCRE2Pattern, list: Int, entry: Int)]
    let rawAllow: [PCRE2Pattern]
    /// Wildcard shape of each target, to widen its hits to whole words.
    let targetKinds: [WordlistEntry.Kind]

    /// Whether matching needs the folded view (only raw patterns use it).
    public var needsFoldedView: Bool { !rawBlock.isEmpty || !rawAllow.isEmpty }
    /// Number of compiled PCRE2 patterns, all kinds.
    public var patternCount: Int {
        blockASCII.count + blockUnicode.count + allowASCII.count + allowUnicode.count + rawBlock.count + rawAllow.count
    }
    /// Compiled size of all patterns with their JIT code, in bytes.
    public var memorySize: Int {
        (blockASCII + blockUnicode + allowASCII + allowUnicode + rawAllow + rawBlock.map(\.pattern))
            .reduce(0) { $0 + $1.memorySize }
    }

    /// Compiles `lists`. Entries that cannot be compiled are reported with file and line.
    public init(lists: [Wordlist], normalizer: Normalizer = Normalizer()) throws(WordlistCompileErrors) {
        self.lists = lists
        var errors: [WordlistError] = []
        var targets: [[(list: Int, entry: Int)]] = []
        var targetKinds: [WordlistEntry.Kind] = []
        var markOf: [String: Int] = [:]
        var blockTerms: [TermPatternBuilder.Term] = []
        var allowTerms: [TermPatternBuilder.Term] = []
        var rawBlock: [(pattern: PCRE2Pattern, list: Int, entry: Int)] = []
        var rawAllow: [PCRE2Pattern] = []

        for (listIndex, list) in lists.enumerated() {
            for (entryIndex, entry) in list.entries.enumerated() {
                if entry.kind == .pattern {
                    do {
                        let pattern = try PCRE2Pattern(entry.body, options: [.unicode, .caseless])
                        if entry.isAllow {
                            rawAllow.append(pattern)
                        } else {
                            rawBlock.append((pattern, listIndex, entryIndex))
                        }
                    } catch {
                        errors.append(WordlistError(
                            path: list.path, line: entry.line,
                            message: "PCRE2 cannot compile /\(entry.body)/: \(error.message) at offset \(error.offset)"))
                    }
                    continue
                }
                let skeleton = Array(normalizer.normalize(entry.body).skeleton.string.unicodeScalars.map(\.value))
                guard skeleton.contains(where: { $0 != 0x20 }) else {
                    errors.append(WordlistError(path: list.path, line: entry.line, message: "entry '\(entry.term)' is empty after normalization"))
                    continue
                }
                let key = "\(entry.isAllow ? "!" : "")\(entry.kind)|" + String(String.UnicodeScalarView(skeleton.compactMap(Unicode.Scalar.init)))
                if let mark = markOf[key] {
                    if !targets[mark].contains(where: { $0.list == listIndex }) {
                        targets[mark].append((listIndex, entryIndex))
                    }
                    continue
                }
                let mark = targets.count
                markOf[key] = mark
                targets.append([(listIndex, entryIndex)])
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
        blockASCII = compileSharded(sortedBlock, ascii: true)
        blockUnicode = compileSharded(sortedBlock, ascii: false)
        allowASCII = compileSharded(sortedAllow, ascii: true)
        allowUnicode = compileSharded(sortedAllow, ascii: false)
        self.rawBlock = rawBlock
        self.rawAllow = rawAllow
        self.targets = targets
        self.targetKinds = targetKinds
        if !errors.isEmpty { throw WordlistCompileErrors(errors: errors) }
    }

    /// Compiles terms into as few patterns as PCRE2's size limit allows, halving on "too large".
    private static func compile(_ terms: [TermPatternBuilder.Term], options: PCRE2Pattern.Options) throws(PCRE2Error) -> [PCRE2Pattern] {
        guard let source = TermPatternBuilder.pattern(for: terms) else { return [] }
        do {
            return [try PCRE2Pattern(source, options: options)]
        } catch where error.isPatternTooLarge && terms.count > 1 {
            let half = terms.count / 2
            return try compile(Array(terms[..<half]), options: options) + compile(Array(terms[half...]), options: options)
        }
    }

    /// Finds every entry that matches `text`, minus those inside an allow-list match.
    public func match(_ text: NormalizedText, scratch: MatchScratch, into result: inout StopwordMatches) {
        result.removeAll()
        let skeleton = text.skeleton
        let block = skeleton.isASCII ? blockASCII : blockUnicode
        for pattern in block {
            scan(pattern, view: skeleton, scratch: scratch) { range, mark in
                guard let mark else { return }
                let original = widened(range, kind: targetKinds[mark], in: skeleton)
                for target in targets[mark] {
                    result.hits.append(StopwordHit(list: target.list, entry: target.entry, original: original))
                }
            } failed: { message in
                result.failures.append(MatchFailure(list: nil, entry: nil, message: message))
            }
        }
        for raw in rawBlock {
            scan(raw.pattern, view: text.folded, scratch: scratch) { range, _ in
                result.hits.append(StopwordHit(list: raw.list, entry: raw.entry, original: text.folded.originalRange(of: range)))
            } failed: { message in
                result.failures.append(MatchFailure(list: raw.list, entry: raw.entry, message: message))
            }
        }
        if !result.hits.isEmpty { removeAllowed(text, scratch: scratch, from: &result) }
    }

    private func removeAllowed(_ text: NormalizedText, scratch: MatchScratch, from result: inout StopwordMatches) {
        var allowed: [Range<Int>] = []
        let skeleton = text.skeleton
        for pattern in skeleton.isASCII ? allowASCII : allowUnicode {
            scan(pattern, view: skeleton, scratch: scratch) { range, mark in
                allowed.append(widened(range, kind: mark.map { targetKinds[$0] } ?? .word, in: skeleton))
            } failed: { _ in }
        }
        for pattern in rawAllow {
            scan(pattern, view: text.folded, scratch: scratch) { range, _ in
                allowed.append(text.folded.originalRange(of: range))
            } failed: { _ in }
        }
        guard !allowed.isEmpty else { return }
        result.hits.removeAll { hit in
            allowed.contains { $0.lowerBound <= hit.original.lowerBound && hit.original.upperBound <= $0.upperBound }
        }
    }

    /// The original range of a match, widened to whole words for wildcard entries.
    private func widened(_ range: Range<Int>, kind: WordlistEntry.Kind, in view: TextView) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        if kind == .suffix || kind == .infix { lower = view.wordStart(before: lower) }
        if kind == .prefix || kind == .infix { upper = view.wordEnd(after: upper) }
        guard upper > lower else { return view.originalRange(of: range.lowerBound..<max(range.upperBound, range.lowerBound + 1)) }
        return view.originalRange(of: lower..<upper)
    }

    @inline(__always)
    private func scan(
        _ pattern: PCRE2Pattern, view: TextView, scratch: MatchScratch,
        found: (Range<Int>, Int?) -> Void, failed: (String) -> Void
    ) {
        view.bytes.withUnsafeBufferPointer { subject in
            guard let base = subject.baseAddress else { return }
            var start = 0
            while start <= subject.count {
                do throws(PCRE2Error) {
                    guard let (range, mark) = try pattern.firstMatch(in: base, length: subject.count, from: start, scratch: scratch)
                    else { return }
                    if !range.isEmpty { found(range, mark) }
                    start = range.isEmpty ? range.upperBound + 1 : range.upperBound
                } catch {
                    failed(error.isMatchLimit
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
