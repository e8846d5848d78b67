import CPCRE2

/// Per-thread PCRE2 state: match data, a match context with limits, and a JIT stack. Not
/// thread-safe; give each worker its own.
public final class MatchScratch: @unchecked Sendable {
    let matchData: OpaquePointer
    let context: OpaquePointer
    private let jitStack: OpaquePointer

    /// The most backtracking work one `pcre2_match` call may do before it gives up with an error.
    /// Word-list tries need a few steps per subject byte; catastrophic patterns need millions.
    public static let defaultMatchLimit: UInt32 = 5_000_000

    public init(matchLimit: UInt32 = MatchScratch.defaultMatchLimit) {
        matchData = pcre2_match_data_create_8(1, nil)!
        context = pcre2_match_context_create_8(nil)!
        jitStack = pcre2_jit_stack_create_8(32 * 1024, 8 * 1024 * 1024, nil)!
        pcre2_jit_stack_assign_8(context, nil, UnsafeMutableRawPointer(jitStack))
        pcre2_set_match_limit_8(context, matchLimit)
        pcre2_set_depth_limit_8(context, 10_000)
    }

    deinit {
        pcre2_jit_stack_free_8(jitStack)
        pcre2_match_context_free_8(context)
        pcre2_match_data_free_8(matchData)
    }
}
