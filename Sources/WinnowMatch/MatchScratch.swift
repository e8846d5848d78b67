import CPCRE2

/// Per-thread PCRE2 state: match data, a match context with limits and the callout of
/// all-matches scans, and a JIT stack. Not thread-safe; give each worker its own.
public final class MatchScratch: @unchecked Sendable {
    let matchData: OpaquePointer
    let context: OpaquePointer
    private let jitStack: OpaquePointer
    /// What the callout of an all-matches scan reported (see `PCRE2Pattern.allMatches`).
    var found: [FoundMatch] = []

    /// The most backtracking work one `pcre2_match` call may do before it gives up with an error.
    /// Word-list tries need a few steps per subject byte; catastrophic patterns need millions.
    public static let defaultMatchLimit: UInt32 = 5_000_000

    /// The budget of one comment: `stepsPerByte` steps per byte of its text, at least
    /// `minimumSteps`, at most the scratch's limit — so that a hostile short text costs
    /// microseconds, not the full limit (see `budget(forBytes:)`).
    public static let stepsPerByte = 64
    public static let minimumSteps = 100_000

    /// The most steps any call may take (what `budget(forBytes:)` is capped at).
    public let matchLimit: UInt32
    private(set) var currentLimit: UInt32

    public init(matchLimit: UInt32 = MatchScratch.defaultMatchLimit) {
        matchData = pcre2_match_data_create_8(1, nil)!
        context = pcre2_match_context_create_8(nil)!
        jitStack = pcre2_jit_stack_create_8(32 * 1024, 8 * 1024 * 1024, nil)!
        self.matchLimit = matchLimit
        currentLimit = matchLimit
        pcre2_jit_stack_assign_8(context, nil, UnsafeMutableRawPointer(jitStack))
        pcre2_set_match_limit_8(context, matchLimit)
        pcre2_set_depth_limit_8(context, 10_000)
        found.reserveCapacity(64)
        pcre2_set_callout_8(context, reportMatch, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Calls `body` with each match the last all-matches scan found (start, end, mark), read in
    /// place (`for match in scratch.found` copied the array out of the class: a retain and a
    /// release per pattern and comment). `body` must not scan with this scratch.
    @inline(__always)
    func forEachFound(_ body: (_ start: Int, _ end: Int, _ mark: Int) -> Void) {
        found.withUnsafeBufferPointer { matches in
            for k in matches.indices where matches[k].mark >= 0 && matches[k].end > matches[k].start {
                body(matches[k].start, matches[k].end, matches[k].mark)
            }
        }
    }

    /// Sets the limit of every match call on the next comment from its length in bytes.
    @inline(__always)
    func budget(forBytes count: Int) {
        let steps = UInt32(clamping: min(Int(matchLimit), max(Self.minimumSteps, count &* Self.stepsPerByte)))
        guard steps != currentLimit else { return }
        currentLimit = steps
        pcre2_set_match_limit_8(context, steps)
    }

    deinit {
        pcre2_jit_stack_free_8(jitStack)
        pcre2_match_context_free_8(context)
        pcre2_match_data_free_8(matchData)
    }
}

/// One match found by an all-matches scan: its range in the subject and its `(*MARK)` number
/// (-1 without one).
struct FoundMatch: Equatable {
    var start: Int
    var end: Int
    var mark: Int
}

/// The callout at the end of an all-matches pattern: records the match, then answers "no" so
/// that PCRE2 backtracks into every other way the pattern can match, at this start and the
/// next ones. One call to `pcre2_match` thus lists every match, overlapping ones included.
private let reportMatch:
    @convention(c) (UnsafeMutablePointer<pcre2_callout_block_8>?, UnsafeMutableRawPointer?) -> Int32 = {
        block, data in
        guard let block, let data else { return 1 }
        let scratch = Unmanaged<MatchScratch>.fromOpaque(data).takeUnretainedValue()
        var mark = -1
        if var p = block.pointee.mark {
            mark = 0
            while p.pointee >= 0x30 && p.pointee <= 0x39 {
                mark = mark * 10 + Int(p.pointee - 0x30)
                p += 1
            }
        }
        scratch.found.append(
            FoundMatch(start: Int(block.pointee.start_match), end: Int(block.pointee.current_position), mark: mark))
        return 1
    }
