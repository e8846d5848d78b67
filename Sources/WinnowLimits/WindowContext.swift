import WinnowCore

/// What the window rules know about one event when its turn comes (in input order for
/// `filter` and `replay`): the time it is judged at, and its slots in the shared state.
public struct WindowContext {
    /// Unowned: the engine holds the state for as long as it judges.
    public unowned(unsafe) let state: BehaviorState
    public let now: Micros
    /// The author holds a role that is exempt from slow-mode, rate limits and escalation.
    public let isExempt: Bool
    /// `nil` when the table had no room (a bucket full of banned authors): the author is
    /// then judged as if seen for the first time.
    public let author: WindowTable.Slot?
    public let pair: WindowTable.Slot?
    public let channelSlot: WindowTable.Slot?
    /// The author's first event since Winnow started tracking them.
    public let isFirstSeen: Bool

    /// Looks up (or claims) the event's slots; `needsPair` and `needsChannel` say whether any
    /// rule in force reads the author-within-channel and channel tables (each lookup is a cache
    /// miss or two on a big table).
    public init(
        state: BehaviorState, now: Micros, authorKey: UInt64, channelKey: UInt64, isExempt: Bool,
        needsPair: Bool = true, needsChannel: Bool = true
    ) {
        self.state = state
        self.now = now
        self.isExempt = isExempt
        let author = state.authors.slot(for: authorKey, at: now)
        self.author = author
        pair = needsPair ? state.pairs.slot(for: BehaviorState.pairKey(author: authorKey, channel: channelKey), at: now) : nil
        channelSlot = needsChannel ? state.channels.slot(for: channelKey, at: now) : nil
        if let author {
            let first = state.authors.update(author, AuthorWord.firstSeen) { $0 == 0 ? UInt64(bitPattern: max(1, now)) : nil }
            isFirstSeen = first.old == 0
        } else {
            isFirstSeen = true
        }
    }
}
