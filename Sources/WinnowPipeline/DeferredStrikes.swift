import WinnowCore
import WinnowLimits

/// Strikes the window step handed over to be counted in the shared store with the rest of a
/// batch (`SharedRuns.settleStrikes`): one round trip for a chunk instead of one per strike. Used by
/// one thread at a time.
public final class DeferredStrikes {
    struct Item {
        let tag: Int
        let strike: SharedStrike
        let facts: WindowFacts
        /// The verdict before this instance's escalation step, and the penalty that step
        /// reached (the forecast), if any.
        let before: Verdict
        let localPenalty: Penalty?
    }

    var items: [Item] = []
    /// The caller's name for the event `applyWindows` is about to judge (its index in a batch).
    public var tag = 0

    public init() {}

    public var isEmpty: Bool { items.isEmpty }
}
