/// Finds raw `/…/` entries that backtrack catastrophically (`(a+)+$`, nested quantifiers,
/// overlapping alternatives under a repeat), for `winnow wordlists check`: each is run on a few
/// short hostile texts built from its own characters with a small match limit. At run time such
/// a pattern cannot stall the stream (every match call has a limit and the event gets an error
/// reason), but it would give up on exactly the texts an attacker sends.
public enum BacktrackingProbe {
    /// The most backtracking steps a probe may take; a sane pattern needs a few thousand.
    static let limit: UInt32 = 200_000

    /// A warning for each raw entry of `lists` that hits the limit on some probe text.
    public static func warnings(for lists: [Wordlist]) -> [WordlistError] {
        let scratch = MatchScratch(matchLimit: limit)
        var found: [WordlistError] = []
        for list in lists {
            for entry in list.entries where entry.kind == .pattern {
                guard let pattern = try? PCRE2Pattern(entry.body, options: [.unicode, .caseless]) else { continue }
                for subject in subjects(for: entry.body) where tripsLimit(pattern, subject, scratch) {
                    let shown =
                        subject.count > 24 ? String(subject.prefix(12)) + "…" + String(subject.suffix(4)) : subject
                    found.append(
                        WordlistError(
                            path: list.path, line: entry.line,
                            message:
                                "warning: /\(entry.body)/ backtracks catastrophically (the match limit of \(limit) steps "
                                + "was hit on \"\(shown)\"); on such text it gives up with an error reason: rewrite it without nested quantifiers"
                        ))
                    break
                }
            }
        }
        return found
    }

    /// Runs of each letter or digit of the pattern (and of `a`, a space, `ab`), each followed by
    /// a character that makes the match fail at the end — and once more followed by all the
    /// pattern's letters, so that PCRE2's "required character" shortcut does not skip the work.
    static func subjects(for body: String) -> [String] {
        var seeds: [String] = []
        for scalar in body.unicodeScalars where scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
            let seed = String(scalar)
            if !seeds.contains(seed) { seeds.append(seed) }
            if seeds.count == 6 { break }
        }
        let letters = seeds.joined()
        seeds += ["a", " ", "ab", "a1"]
        return seeds.flatMap { seed in
            let run = String(repeating: seed, count: 32 / seed.count)
            return [run + "!", run + "\u{0}", run + "!" + letters]
        }
    }

    private static func tripsLimit(_ pattern: PCRE2Pattern, _ subject: String, _ scratch: MatchScratch) -> Bool {
        var subject = subject
        return subject.withUTF8 { bytes -> Bool in
            guard let base = bytes.baseAddress else { return false }
            do throws(PCRE2Error) {
                var start = 0
                while start <= bytes.count,
                    let (range, _) = try pattern.firstMatch(
                        in: base, length: bytes.count, from: start, scratch: scratch)
                {
                    start = range.isEmpty ? range.lowerBound + 1 : range.upperBound
                }
                return false
            } catch {
                return error.isMatchLimit || error.code == -53  // PCRE2_ERROR_DEPTHLIMIT
            }
        }
    }
}
