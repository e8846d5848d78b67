import WinnowCore
import WinnowSettings
import WinnowLimits
import WinnowText

/// **flood**: a coordinated campaign, the same or nearly the same *unusual* text from many
/// distinct authors within a short window. Copies are found through four bands of the word-set
/// sketch (`CampaignIndex`, locality-sensitive hashing) and confirmed when enough (`needed(for:)`)
/// of its eight values equal the campaign's first copy. Each campaign counts the authors that
/// posted a copy (an author's own repeats do not count again). A crowd's reaction is not a
/// campaign: a comment needs `minWords` unusual words — not common in chat at large
/// (`CommonWords`: "happy new year everyone", "I like this song" have none or one) nor in the
/// channel's recent background (`ChannelBackground`: words `everydayTexts` different comments
/// of its established authors used in the last completed ten minutes). What campaigns carry — a link, a mention,
/// an email address or a phone number — weighs: such a text needs only `minWordsWithLinks`
/// uncommon words, and is a flood from `authorsWithLinks` authors instead of `authors`. From
/// that copy on, every copy is refused; the authors who posted a copy before — the one who
/// posted the first included — are flagged once, on their next comment within the window.
public struct FloodRule: Sendable, Equatable {
    public static let name = "flood"

    public var enabled: Bool
    public var window: Micros
    /// Distinct authors from which a text is a campaign.
    public var authors: Int
    /// Distinct authors from which a text with a link, a mention or a contact is a campaign.
    public var authorsWithLinks: Int
    /// Comments with fewer uncommon words ("lol", "first!", "happy new year") are everyday chat.
    public var minWords: Int
    /// The same for a comment with a link, a mention or a contact ("@streamer hurt hoes be like").
    public var minWordsWithLinks: Int
    /// Equal sketch values of eight for "a copy".
    public var minMatches: Int
    /// Different comments of the channel's established authors in the last completed ten
    /// minutes (`ChannelBackground`) that make a word everyday in the channel (0: off). 10 by
    /// default: on the workload generator's chat, whose comments are half spam templates the
    /// rules let through ("Check out this video on YouTube:"), 5 made two campaigns' words
    /// everyday (9 catchable copies of 141 missed, against 6 off or at 10; `FloodWorkloadTests`).
    public var everydayTexts: Int
    public var action: RuleAction
    /// For authors who posted a copy before the campaign was recognised.
    public var participantAction: RuleAction
    public var dryRun: Bool

    public init(
        enabled: Bool = true, window: Micros = 60 * Micros.perSecond, authors: Int = 5, authorsWithLinks: Int = 4,
        minWords: Int = 3, minWordsWithLinks: Int = 2,
        minMatches: Int = 4, everydayTexts: Int = 10, action: RuleAction = .reject,
        participantAction: RuleAction = .flag,
        dryRun: Bool = false
    ) {
        self.everydayTexts = everydayTexts
        self.enabled = enabled
        self.window = window
        self.authors = authors
        self.authorsWithLinks = authorsWithLinks
        self.minWords = minWords
        self.minWordsWithLinks = minWordsWithLinks
        self.minMatches = minMatches
        self.action = action
        self.participantAction = participantAction
        self.dryRun = dryRun
    }

    /// Distinct authors from which a comment's campaign is a flood: fewer with a spam signal.
    public func authorsNeeded(spamSignal: Bool) -> Int { spamSignal ? min(authors, authorsWithLinks) : authors }

    /// Equal sketch values of eight that make a comment a copy: `minMatches`, or all eight for a
    /// comment of fewer than four uncommon words. Two different comments of a few words that
    /// share two words the channel uses a lot ("bitches", "hoes") have word sets half the same,
    /// and sketches that agree on about half their values; a campaign's copies, varied by
    /// suffixes, case, emoji or mentions, keep the same words.
    public func needed(for fingerprint: Fingerprint) -> Int {
        fingerprint.words < 4 ? 8 : minMatches
    }

    /// Whether a comment can be a copy in a campaign at all; `spamSignal`: it carries a link, a
    /// mention or a contact (an email address, a phone number). `unusualWords`: its words that
    /// are not everyday in the channel (`unusualWords(in:…)`; nil: its uncommon words).
    public func counts(_ fingerprint: Fingerprint, spamSignal: Bool, unusualWords: Int? = nil) -> Bool {
        fingerprint.wordSet != 0 && !fingerprint.isGeneric
            && (unusualWords ?? fingerprint.words) >= wordsNeeded(spamSignal: spamSignal)
    }

    /// The comment's uncommon words (`Fingerprint.words`), less those its channel's established
    /// authors have been using lately: of the words it keeps (`wordValues`), the ones fewer than
    /// `everydayTexts` comments used, if that is fewer.
    /// Counting stops at `enough` (what `counts` needs): most texts have it within their first
    /// words.
    public func unusualWords(
        in background: ChannelBackground, channel: UInt64, fingerprint: Fingerprint, at now: Micros,
        enough: Int = .max
    ) -> Int {
        guard everydayTexts > 0, !fingerprint.wordValues.isEmpty else { return fingerprint.words }
        var unusual = 0
        for k in 0..<fingerprint.wordValues.count
        where background.texts(channel: channel, word: fingerprint.wordValues.value(k), at: now) < everydayTexts {
            unusual += 1
            if unusual >= enough { break }
        }
        return min(fingerprint.words, unusual)
    }

    /// Unusual words a comment needs to count (`counts`).
    public func wordsNeeded(spamSignal: Bool) -> Int { spamSignal ? min(minWords, minWordsWithLinks) : minWords }

    /// Adds the comment's words to its channel's background when its author is established:
    /// first seen at least a period ago, or before Winnow had been watching that long. The
    /// engine calls it for comments it allowed, once every rule has judged them.
    public func recordBackground(_ context: WindowContext, fingerprint: Fingerprint) {
        // A comment of more words keeps only its smallest values (`SmallWordSet`): counting
        // those would make small values everyday.
        guard everydayTexts > 0, !fingerprint.wordValues.isEmpty, fingerprint.allWords <= SmallWordSet.capacity,
            let author = context.author, !context.isFirstSeen
        else { return }
        let firstSeen = Micros(bitPattern: context.state.authors.load(author, AuthorWord.firstSeen))
        let period = ChannelBackground.period
        guard firstSeen - context.watchingSince < period || context.now - firstSeen >= period else { return }
        context.state.channelBackground.record(
            channel: context.channelKey, words: fingerprint.wordValues,
            sketch: fingerprint.wordSet, at: context.now)
    }

    /// `counted`: set when the comment went into the campaign index as a copy (a first copy, or
    /// one more in a campaign) — what other instances are told (`observe`).
    public func evaluate(
        _ context: WindowContext, fingerprint: Fingerprint, isOwnRepeat: Bool, spamSignal: Bool,
        counted: inout Bool, into reasons: inout [Reason]
    ) {
        guard enabled, !context.isExempt else { return }
        let earlier = context.author.map { context.state.authors.load($0, AuthorWord.campaign) } ?? 0
        if evaluateCopy(
            context, fingerprint: fingerprint, isOwnRepeat: isOwnRepeat, spamSignal: spamSignal, counted: &counted,
            into: &reasons)
        {
            return
        }
        guard let author = context.author else { return }
        // The campaign the author's mark named before this comment, then the one this comment
        // marked as a copy (of a campaign recognised earlier; a first copy's cannot be). Flagged
        // once: the mark is spent, unless this comment left a mark of its own.
        let latest = context.state.authors.load(author, AuthorWord.campaign)
        if let reason = participantReason(context, mark: earlier) {
            if latest == earlier { context.state.authors.store(author, AuthorWord.campaign, 0) }
            reasons.append(reason)
        } else if latest != earlier, latest >> 40 != Self.firstCopySlot,
            let reason = participantReason(context, mark: latest)
        {
            context.state.authors.store(author, AuthorWord.campaign, 0)
            reasons.append(reason)
        }
    }

    /// The slot field of an author's mark for a first copy: its campaign has no slot yet (one is
    /// taken from the second copy on); it is found again through the campaign index
    /// (`CampaignIndex.registered(tag:)`), so that the author who started a campaign is flagged
    /// like the ones who joined it.
    static let firstCopySlot: UInt64 = 0xFF_FFFF

    /// Counts the comment in its campaign; returns whether it was refused as a flood.
    private func evaluateCopy(
        _ context: WindowContext, fingerprint: Fingerprint, isOwnRepeat: Bool, spamSignal: Bool,
        counted: inout Bool, into reasons: inout [Reason]
    ) -> Bool {
        let table = context.state.campaigns
        let now = context.now
        guard counts(fingerprint, spamSignal: spamSignal),
            counts(
                fingerprint, spamSignal: spamSignal,
                unusualWords: unusualWords(
                    in: context.state.channelBackground, channel: context.channelKey, fingerprint: fingerprint, at: now,
                    enough: wordsNeeded(spamSignal: spamSignal)))
        else { return false }
        counted = !isOwnRepeat
        let authors = authorsNeeded(spamSignal: spamSignal)
        let campaign: WindowTable.Slot, representative: UInt64, copies: Int
        switch countCopy(context.state, fingerprint: fingerprint, isOwnRepeat: isOwnRepeat, at: now) {
        case .first:
            // The first copy of what may become a campaign: marked, unless the author's mark
            // still names a campaign they joined.
            if let author = context.author, !isLive(context.state.authors.load(author, AuthorWord.campaign), at: now) {
                context.state.authors.store(
                    author, AuthorWord.campaign,
                    mark(slot: Self.firstCopySlot, representative: fingerprint.wordSet, at: now))
            }
            return false
        case .tableFull:
            return false
        case .counted(let slot, let found, let count):
            (campaign, representative, copies) = (slot, found, count)
        }
        if copies >= 2, let author = context.author {
            // Remember the campaign, so that the author can be flagged once it is recognised.
            context.state.authors.store(
                author, AuthorWord.campaign, mark(slot: UInt64(campaign.index), representative: representative, at: now)
            )
        }
        guard copies >= authors else { return false }
        if table.load(campaign, CampaignWord.representative) & CampaignWord.recognisedBit == 0 {
            _ = table.update(campaign, CampaignWord.representative) { $0 | CampaignWord.recognisedBit }
        }
        reasons.append(copyReason(copies: copies, needed: authors))
        return true
    }

    /// Puts a copy in the campaign index and counts it in its campaign (unless it repeats its
    /// author's own): the campaign's slot, representative and copies now; nil for a first copy
    /// (registered, not counted: a campaign is counted from its second copy on) or a full table.
    private func countCopy(
        _ state: BehaviorState, fingerprint: Fingerprint, isOwnRepeat: Bool, at now: Micros
    ) -> CopyCount {
        let table = state.campaigns
        // Find the campaign through any band of the fingerprint, or start one.
        let index = state.campaignIndex
        guard let representative = index.representative(of: fingerprint.wordSet, minMatches: needed(for: fingerprint))
        else {
            index.register(fingerprint.wordSet, representative: fingerprint.wordSet)
            return .first
        }
        index.register(fingerprint.wordSet, representative: representative)
        // A campaign is counted from its second copy on: the first author is in the count.
        guard let campaign = table.slot(for: Self.campaignKey(representative), at: now) else { return .tableFull }
        let window = self.window
        if campaign.isNew { table.store(campaign, CampaignWord.representative, representative) }
        let counted: SlidingCount
        if isOwnRepeat {
            counted = SlidingCount(packed: table.load(campaign, CampaignWord.authors))
        } else {
            counted = SlidingCount(
                packed: table.update(campaign, CampaignWord.authors) { word in
                    let current = SlidingCount(packed: word)
                    // A new campaign starts at two: the first copy and this one.
                    if current.current(at: now, window: window) == 0 {
                        return current.adding(2, at: now, window: window).packed
                    }
                    return current.adding(at: now, window: window).packed
                }.new)
        }
        return .counted(campaign, representative: representative, copies: counted.current(at: now, window: window))
    }

    private enum CopyCount {
        /// The first copy: registered in the index, counted from the second on.
        case first
        /// The campaign table has no room.
        case tableFull
        case counted(WindowTable.Slot, representative: UInt64, copies: Int)
    }

    /// A copy another instance counted (`evaluate`'s `counted`), counted here as well so that a
    /// campaign spread over instances reaches its threshold on each: into the campaign index
    /// and its campaign's count, at this instance's `now`, with no author and no reason (the
    /// other instance judged it). A campaign recognised this way is marked as such once the
    /// copies reach the threshold a copy with a link needs, as a refused copy would mark it.
    public func observe(_ state: BehaviorState, fingerprint: Fingerprint, spamSignal: Bool, at now: Micros) {
        guard enabled,
            case .counted(let campaign, _, let copies) = countCopy(
                state, fingerprint: fingerprint, isOwnRepeat: false, at: now),
            copies >= authorsNeeded(spamSignal: spamSignal)
        else { return }
        let table = state.campaigns
        if table.load(campaign, CampaignWord.representative) & CampaignWord.recognisedBit == 0 {
            _ = table.update(campaign, CampaignWord.representative) { $0 | CampaignWord.recognisedBit }
        }
    }

    /// The reason for a copy refused in a campaign of `copies` authors.
    public func copyReason(copies: Int, needed: Int) -> Reason {
        Reason(
            rule: Self.name, action: action,
            message: "a copy of a text posted by \(copies) authors within \(DurationText.describe(window))",
            limit: "\(needed) authors in \(DurationText.describe(window))", count: copies, dryRun: dryRun)
    }

    /// The reason for an author whose earlier copy belongs to a campaign now of `copies` authors.
    public func participantReason(copies: Int) -> Reason {
        Reason(
            rule: Self.name, action: participantAction,
            message: "posted a copy of a campaign now at \(copies) authors", limit: "participant", count: copies,
            dryRun: dryRun)
    }

    /// An author's mark (`AuthorWord.campaign`): `[slot: 24 | tag: 24 | second: 16]`, the tag
    /// being values 4 to 7 of the campaign's representative.
    private func mark(slot: UInt64, representative: UInt64, at now: Micros) -> UInt64 {
        slot << 40 | (representative >> 24 & 0xFF_FFFF) << 16 | UInt64(max(0, now / Micros.perSecond)) & 0xFFFF
    }

    /// Whether `mark` was left within the window.
    private func isLive(_ mark: UInt64, at now: Micros) -> Bool {
        let second = UInt64(max(0, now / Micros.perSecond)) & 0xFFFF
        return mark != 0 && (second &- mark) & 0xFFFF < UInt64(window / Micros.perSecond)
    }

    /// The participant's reason when `mark` names a campaign recognised as a flood since (a copy
    /// was refused) that still has its authors.
    private func participantReason(_ context: WindowContext, mark: UInt64) -> Reason? {
        guard isLive(mark, at: context.now) else { return nil }
        let campaigns = context.state.campaigns
        let tag = mark >> 16 & 0xFF_FFFF
        let slot: WindowTable.Slot
        if mark >> 40 == Self.firstCopySlot {
            guard let representative = context.state.campaignIndex.registered(tag: tag),
                let found = campaigns.existingSlot(for: Self.campaignKey(representative))
            else { return nil }
            slot = found
        } else {
            guard Int(mark >> 40) < campaigns.capacity else { return nil }
            slot = WindowTable.Slot(index: Int(mark >> 40), isNew: false)
        }
        let representative = campaigns.load(slot, CampaignWord.representative)
        guard representative >> 24 & 0xFF_FFFF == tag else { return nil }
        let copies = SlidingCount(packed: campaigns.load(slot, CampaignWord.authors)).current(
            at: context.now, window: window)
        // Only for a campaign recognised as a flood (a copy was refused), while it lasts.
        guard copies >= authorsNeeded(spamSignal: true), representative & CampaignWord.recognisedBit != 0 else {
            return nil
        }
        return participantReason(copies: copies)
    }

    /// Starts loading, a few events ahead, what `evaluate` will read for `fingerprint`, in
    /// steps each of which finds in cache what the one before loaded: 1 the campaign index's
    /// entries, 2 the bucket of the campaign they point to, 3 that campaign's words. The
    /// campaign found then may not be the one found later; it only costs a useless load.
    @inline(__always)
    public func prefetch(_ state: BehaviorState, fingerprint: Fingerprint, step: Int) {
        guard enabled, counts(fingerprint, spamSignal: true) else { return }
        if step == 1 {
            state.campaignIndex.prefetch(fingerprint.wordSet)
        } else if let representative = state.campaignIndex.representative(
            of: fingerprint.wordSet, minMatches: needed(for: fingerprint))
        {
            if step == 2 {
                state.campaigns.prefetch(Self.campaignKey(representative), slot: nil)
            } else {
                state.campaigns.prefetchWords(Self.campaignKey(representative))
            }
        }
    }

    static func campaignKey(_ representative: UInt64) -> UInt64 {
        StableHash.combine(0xca_4a16, representative)
    }
}

extension FloodRule: SettingsSection {
    public static let section = "flood"
    public static let about = [
        "flood: the same or nearly the same unusual text from many distinct authors within the",
        "window: `authors`, or `authors_with_links` for a text with a link, a mention or a contact;",
        "min_words uncommon words at least, min_words_with_links with a link, a mention or a contact",
        "(greetings and praise are not campaigns), nor words everyday_texts different comments of",
        "the channel's established authors used in the last completed 10 minutes;",
        "min_matches: equal values of 8 in the word-set sketch for \"a copy\".",
    ]
    public static var settings: [RuleSetting<Self>] {
        [
            .enabled(\.enabled),
            .duration(
                "window", \.window, in: Micros.perSecond...12 * 3600 * Micros.perSecond,
                "how long a campaign's copies are counted"),
            .int("authors", \.authors, in: 2...65_535, "distinct authors of one text that make a campaign"),
            .int(
                "authors_with_links", \.authorsWithLinks, in: 2...65_535,
                "the same for a text with a link, a mention or a contact"
            ),
            .int("min_words", \.minWords, in: 1...64, "uncommon words a text needs to count at all"),
            .int(
                "min_words_with_links", \.minWordsWithLinks, in: 1...64,
                "the same for a text with a link, a mention or a contact"),
            .int(
                "min_matches", \.minMatches, in: 1...8,
                "equal sketch values of 8 that make a copy (of four uncommon words or more; fewer need all 8)"),
            .int(
                "everyday_texts", \.everydayTexts, in: 0...ChannelBackground.maxCount,
                "different comments of the channel's established authors in the last completed 10 minutes that make a word everyday there, not unusual (0: off)"
            ),
            .action(\.action),
            .choice(
                "participant_action", \.participantAction, of: RuleAction.ruleChoices,
                "what the next comment of an author who posted a copy before the campaign was recognised gets"),
            .dryRun(\.dryRun),
        ]
    }
    public var summary: String {
        Self.summaryLine(
            enabled: enabled,
            "\(authors) authors (\(authorsWithLinks) with a link, mention or contact) in \(DurationText.describe(window))",
            action: action.rawValue, dryRun: dryRun)
    }
}

extension FloodRule: WindowRule {
    public var isActive: Bool { enabled }
    @inlinable
    public func evaluate(_ event: inout WindowEvent, into reasons: inout [Reason]) {
        if let shared = event.sharedWindows {
            switch shared.flood {
            case (let copies, false)?:
                reasons.append(copyReason(copies: copies, needed: authorsNeeded(spamSignal: event.hasSpamSignal)))
            case (let copies, true)?: reasons.append(participantReason(copies: copies))
            case nil: break
            }
        } else {
            evaluate(
                event.context, fingerprint: event.fingerprint, isOwnRepeat: event.isOwnRepeat,
                spamSignal: event.hasSpamSignal, counted: &event.countedCopy, into: &reasons)
        }
    }
}
