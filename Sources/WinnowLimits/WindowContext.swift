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
    public let authorKey: UInt64
    public let channelKey: UInt64
    /// Looked up only by the rules that need it (`pair()`): one or two cache misses.
    private let pairKey: UInt64
    public let channelSlot: WindowTable.Slot?
    /// The author's first event since Winnow started tracking them.
    public let isFirstSeen: Bool
    /// When Winnow started watching: the time of the first event it judged.
    public let watchingSince: Micros

    /// Looks up (or claims) the event's author and channel slots; `needsChannel` says whether
    /// any rule in force reads the channel table.
    /// (`state` is borrowed: taken as owned, as an initializer's arguments are by default, it
    /// cost a retain and release per event.)
    public init(
        state: __shared BehaviorState, now: Micros, authorKey: UInt64, channelKey: UInt64, isExempt: Bool,
        needsChannel: Bool = true
    ) {
        self.state = state
        self.now = now
        self.isExempt = isExempt
        watchingSince = state.watchingSince(now)
        let author = state.authors.slot(for: authorKey, at: now)
        self.author = author
        self.authorKey = authorKey
        self.channelKey = channelKey
        pairKey = BehaviorState.pairKey(author: authorKey, channel: channelKey)
        channelSlot = needsChannel ? state.channels.slot(for: channelKey, at: now) : nil
        if let author {
            let first = state.authors.update(author, AuthorWord.firstSeen) {
                $0 == 0 ? UInt64(bitPattern: max(1, now)) : nil
            }
            isFirstSeen = first.old == 0
        } else {
            isFirstSeen = true
        }
    }

    /// The author-within-channel slot (looked up, or claimed, on each call).
    public func pair() -> WindowTable.Slot? { state.pairs.slot(for: pairKey, at: now) }
}
