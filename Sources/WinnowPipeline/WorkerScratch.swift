import WinnowMatch
import WinnowText

/// Per-thread working memory, reused from one event to the next so that normalization and
/// matching do not allocate once warm. Never shared between threads.
public final class WorkerScratch: @unchecked Sendable {
    public var normalized = NormalizedText()
    public let match = MatchScratch()
    public var matches = StopwordMatches()

    public init() {}

    /// Gives back the memory a very long comment made the scratch grow (see
    /// `NormalizedText.releaseIfLarge`); cheap to call after every event.
    @inline(__always)
    public func releaseIfLarge() {
        normalized.releaseIfLarge()
        if matches.hits.capacity > 1 << 16 { matches = StopwordMatches() }
    }
}
