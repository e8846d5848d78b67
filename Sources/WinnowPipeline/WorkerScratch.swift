import WinnowMatch
import WinnowRules
import WinnowText

/// Per-thread working memory, reused from one event to the next so that normalization and
/// matching do not allocate once warm. Never shared between threads.
public final class WorkerScratch: @unchecked Sendable {
    /// The comment being analyzed, with its normalization and matching buffers. The engine
    /// works on it in place (`&scratch.comment`): read through the class as a value, it would be
    /// copied (its arrays retained) at every use.
    public var comment = AnalyzedComment()

    public init() {}

    /// Gives back the memory a very long comment made the scratch grow (see
    /// `NormalizedText.releaseIfLarge`); cheap to call after every event.
    @inline(__always)
    public func releaseIfLarge() {
        comment.normalized.releaseIfLarge()
        if comment.matches.hits.capacity > 1 << 16 { comment.matches = StopwordMatches() }
    }
}
