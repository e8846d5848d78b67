import Synchronization

/// Everything Winnow remembers between events, shared by every worker thread (and later every
/// socket connection), bounded in memory, and kept when the configuration is reloaded.
///
/// Three tables of the same kind: authors, authors within a channel, and channels. What each
/// word of a slot holds is listed in `AuthorWord`, `PairWord` and `ChannelWord`. The tables
/// and indexes are plain views over memory this state owns (non-copyable owners, unmapped
/// once, when the state goes).
public final class BehaviorState: Sendable {
    public let authors: WindowTable
    public let pairs: WindowTable
    public let channels: WindowTable
    /// Which campaign a text belongs to (flood detection).
    public let campaignIndex: CampaignIndex
    /// Campaigns with more than one copy: how many authors posted one (flood detection).
    public let campaigns: WindowTable
    /// Authors who may be under a timeout or ban: lets the early penalty check skip the table.
    public let penaltyHints: PenaltyHints
    /// Texts moderators removed or approved, by sketch (the known-spam bank).
    public let knownCopies: KnownCopies
    /// Sites established authors link to (a newcomer's link to one is not flagged).
    public let commonSites: CommonSites
    /// Each author's last comment as its words (the repeat rule).
    public let lastWords: LastWords
    /// The words each channel's established authors have been using lately (flood).
    public let channelBackground: ChannelBackground
    /// The memory the views above use, owned here.
    private let authorsMemory: WindowTable.Memory
    private let pairsMemory: WindowTable.Memory
    private let channelsMemory: WindowTable.Memory
    private let campaignsMemory: WindowTable.Memory
    private let campaignIndexMemory = MappedMemory(words: CampaignIndex.words)
    private let penaltyHintsMemory = MappedMemory(words: PenaltyHints.bits / 64)
    private let knownCopiesMemory = MappedMemory(words: KnownCopies.words)
    private let commonSitesMemory = MappedMemory(words: CommonSites.words)
    private let lastWordsMemory = MappedMemory(words: LastWords.words)
    private let channelBackgroundMemory = MappedMemory(words: ChannelBackground.words)
    /// Slow-mode switched on or off by a moderator, per channel.
    public let slowModeOverrides = SlowModeOverrides()
    /// Set once a moderator has timed out, banned or unbanned anyone or set a channel's
    /// slow-mode: from then on the window step runs also under a policy without window rules.
    public let hasModeratorActions = Atomic<Bool>(false)
    /// The time of the first event judged (µs; 0 before): who was "first seen" before Winnow
    /// had been watching for a while is not a newcomer.
    private let start = Atomic<Int64>(0)

    /// `maxAuthors` bounds both the author table and the author-within-channel table.
    public init(maxAuthors: Int = BehaviorState.defaultMaxAuthors, maxChannels: Int = 65_536) {
        authorsMemory = WindowTable.Memory(
            capacity: maxAuthors, wordsPerSlot: AuthorWord.count, pinWord: AuthorWord.penalty
        ) { word, now in
            Penalty(packed: word).isActive(at: now)
        }
        pairsMemory = WindowTable.Memory(capacity: maxAuthors, wordsPerSlot: PairWord.count)
        channelsMemory = WindowTable.Memory(capacity: maxChannels, wordsPerSlot: ChannelWord.count)
        campaignsMemory = WindowTable.Memory(capacity: Self.maxCampaignKeys, wordsPerSlot: CampaignWord.count)
        authors = authorsMemory.table
        pairs = pairsMemory.table
        channels = channelsMemory.table
        campaigns = campaignsMemory.table
        campaignIndex = CampaignIndex(in: campaignIndexMemory)
        penaltyHints = PenaltyHints(in: penaltyHintsMemory)
        knownCopies = KnownCopies(in: knownCopiesMemory)
        commonSites = CommonSites(in: commonSitesMemory)
        lastWords = LastWords(in: lastWordsMemory)
        channelBackground = ChannelBackground(in: channelBackgroundMemory)
    }

    /// Campaigns with at least two copies tracked at once.
    public static let maxCampaignKeys = 65_536

    /// Sets (or with `nil` removes) a moderator's slow-mode for a channel (by `channelKey`).
    /// Marks `hasModeratorActions` first: the window step asks the overrides only once it is
    /// set (asking costs a call into a class per event).
    public func overrideSlowMode(_ setting: SlowModeOverrides.Setting?, channel: UInt64) {
        hasModeratorActions.store(true, ordering: .relaxed)
        slowModeOverrides.set(setting, for: channel)
    }

    /// When Winnow started watching: the time of the first event, set by it.
    public func watchingSince(_ now: Micros) -> Micros {
        let seen = start.load(ordering: .relaxed)
        if seen != 0 { return seen }
        let result = start.compareExchange(expected: 0, desired: max(1, now), ordering: .relaxed)
        return result.exchanged ? max(1, now) : result.original
    }

    public static let defaultMaxAuthors = 1_000_000

    /// Bytes held per tracked author at most: its own slot and one author-within-channel slot
    /// (the channel and campaign tables have fixed sizes of their own).
    public var bytesPerAuthor: Int { authors.bytesPerKey + pairs.bytesPerKey }

    /// Table keys of authors and channels: hashed with different seeds so that an author and a
    /// channel of the same name are different keys.
    public static func authorKey(_ author: String) -> UInt64 { StableHash.hash(author, seed: 0x5157_0a07) }
    public static func channelKey(_ channel: String) -> UInt64 { StableHash.hash(channel, seed: 0xc4a7_7e15) }
    public static func pairKey(author: UInt64, channel: UInt64) -> UInt64 { StableHash.combine(author, channel) }
}

/// Words of an author's slot.
public enum AuthorWord {
    /// When the author was first seen (µs); 0 in a new slot.
    public static let firstSeen = 0
    /// TAT of the per-author rate limit (µs).
    public static let rate = 1
    /// `Strikes`, packed.
    public static let strikes = 2
    /// `Penalty`, packed: a timeout or ban in force pins the slot, so no one escapes it by
    /// crowding the table.
    public static let penalty = 3
    /// The word-set sketches of the author's last few comments: `[sketch: 48 | words: 4 | second: 12]`.
    public static let recent = 4
    public static let recentCount = 3
    /// The flood campaign the author's last copy belonged to, or that their first copy may
    /// start: `[slot: 24 | tag: 24 | second: 16]` (`FloodRule`).
    public static let campaign = 7
    /// Eight words: a slot is one cache line.
    public static let count = 8
}

/// Words of an author-within-channel slot.
public enum PairWord {
    /// TAT of the per-author-in-channel rate limit (µs).
    public static let rate = 0
    /// When the author's last comment that slow-mode let through was posted (µs).
    public static let lastPost = 1
    public static let count = 2
}

/// Words of a slot of the campaign table (flood detection), one per campaign with two copies
/// or more.
public enum CampaignWord {
    /// The fingerprint of the campaign's first copy (a word-set sketch: 48 bits), and
    /// `recognisedBit` once a copy was refused: the campaign is a flood (its participants are
    /// flagged). One word, so that a slot is two words and within one cache line.
    public static let representative = 0
    /// Distinct authors that posted a copy within the window, as `SlidingCount`.
    public static let authors = 1
    public static let count = 2
    public static let recognisedBit: UInt64 = 1 << 63
}

/// Words of a channel's slot.
public enum ChannelWord {
    /// TAT of the channel's overall rate limit (µs).
    public static let rate = 0
    /// First-seen authors in the current raid window, as `WindowCount`.
    public static let newcomers = 1
    /// Slow-mode switched on by a raid stays on until this time (µs).
    public static let raidSlowModeUntil = 2
    /// The usual number of first-seen authors per raid window: `[average × 16: 32 | windows: 16]`.
    public static let newcomerBaseline = 3
    public static let count = 4
}
