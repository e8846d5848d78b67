import WinnowCore

/// What the window rules know about one event when its turn comes (in input order for
/// `filter` and `replay`): the time it is judged at, and its slots in the shared state.
public struct WindowContext {
    public let state: BehaviorState
    public let now: Micros
    public let channel: String
    /// The author holds a role that is exempt from slow-mode, rate limits and escalation.
    public let isExempt: Bool
    /// `nil` when the table had no room (a bucket full of banned authors): the author is
    /// then judged as if seen for the first time.
    public let author: WindowTable.Slot?
    public let pair: WindowTable.Slot?
    public let channelSlot: WindowTable.Slot?
    /// The author's first event since Winnow started tracking them.
    public let isFirstSeen: Bool

    public init(state: BehaviorState, now: Micros, channel: String, authorKey: UInt64, channelKey: UInt64, isExempt: Bool) {
        self.state = state
        self.now = now
        self.channel = channel
        self.isExempt = isExempt
        let author = state.authors.slot(for: authorKey, at: now)
        self.author = author
        pair = state.pairs.slot(for: BehaviorState.pairKey(author: authorKey, channel: channelKey), at: now)
        channelSlot = state.channels.slot(for: channelKey, at: now)
        if let author {
            let first = state.authors.update(author, AuthorWord.firstSeen) { $0 == 0 ? UInt64(bitPattern: max(1, now)) : nil }
            isFirstSeen = first.old == 0
        } else {
            isFirstSeen = true
        }
    }
}
