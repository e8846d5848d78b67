import WinnowCore
import WinnowLimits
import WinnowMatch
import WinnowPolicy
import WinnowRules
import WinnowText

/// Everything needed to judge events, built once from the configuration and shared by every
/// worker. An event is judged in two steps:
///
/// 1. `analyze` — stateless, on any worker in parallel: normalize once, the content rules
///    (`runContentRules`) report reasons, the policy gives a first verdict.
/// 2. `applyWindows` — in event order: the window rules (`runWindowRules`) read and update the
///    shared `BehaviorState`; when they report anything the policy decides again, and escalation
///    may turn the verdict into a timeout or ban.
///
/// Each rule is called through its protocol (`ContentRule`, `WindowRule`); the engine knows
/// the order they run in and what passes between the steps (`WindowFacts`), not what any rule does.
public final class Engine: Sendable {
    public let normalizer: Normalizer
    public let stopwordRule: StopwordRule
    public let policy: Policy
    public let behavior: BehaviorSettings
    /// Per-author and per-channel windows; survives a new `Engine` built on reload.
    public let state: BehaviorState
    /// Whether `applyWindows` has anything to do.
    public let hasWindows: Bool
    private let needsChannels: Bool
    /// The defaults first, then each channel with its own settings.
    private let channelSettings: [ChannelSettings]
    private let channelSettingsIndex: [String: Int]
    private let needsFingerprint: Bool
    /// Raw patterns match on the folded view, and the link scan reads it for text that is not
    /// plain ASCII.
    private let needsFoldedView: Bool
    /// `state.penaltyHints`, kept here: read on every event by every worker.
    private let penaltyHints: PenaltyHints
    /// Whether an active content rule reads the comment's counts (`TextStats`).
    private let needsStats: Bool

    /// With `shared`, rate limits and penalties are kept in a store shared by every instance
    /// (see `SharedWindows`); the other windows stay on this instance.
    public let shared: SharedLink?
    /// The copies the flood rule counts, for other instances, while someone listens.
    public let campaignCopies = Recorder<CampaignCopy>()
    /// Recorded only while an instance shares its channels' counts (`winnow consume
    /// --shared-windows global`).
    public let channelDeltas = ChannelDeltas()
    /// The authors whose timeout or ban changed — by escalation, or by a moderator (an op, a
    /// decision taken back) — recorded only while an instance publishes its penalties
    /// (`--shared-windows global`): keys, not penalties; what goes out is the author's standing
    /// when it is published.
    public let penaltyChanges = Recorder<UInt64>()

    public init(
        stopwords: StopwordSet, policy: Policy, behavior: BehaviorSettings = BehaviorSettings(),
        state: BehaviorState? = nil, shared: SharedLink? = nil
    ) {
        self.shared = shared
        normalizer = Normalizer()
        stopwordRule = StopwordRule(stopwords: stopwords)
        self.policy = policy
        self.behavior = behavior
        self.state = state ?? BehaviorState(maxAuthors: behavior.maxAuthors)
        penaltyHints = self.state.penaltyHints
        hasWindows = behavior.isActive
        needsChannels = behavior.needsChannels
        needsFingerprint = behavior.repeatRule.enabled || behavior.flood.enabled || behavior.knownSpam.enabled
        needsFoldedView = stopwords.needsFoldedView || behavior.links.enabled
        let content: [any ContentRule] = [stopwordRule, behavior.links, behavior.noise, behavior.classifier]
        needsStats = content.contains { $0.isActive && $0.needsStats }
        let named = behavior.channels.sorted { $0.key < $1.key }
        // `WindowFacts` keeps the index in 16 bits.
        precondition(named.count < Int(UInt16.max), "at most 65,534 channels with settings of their own")
        channelSettings = [behavior.defaults] + named.map(\.value)
        channelSettingsIndex = Dictionary(
            uniqueKeysWithValues: named.enumerated().map { ($0.element.key, $0.offset + 1) })
    }

    /// Step 1: the verdict on what `event` says, without any state, and what step 2 needs to
    /// know of it. `scratch` belongs to the calling thread.
    ///
    /// With `penaltyCheckAt`, an author timed out or banned at that time is not analyzed at all:
    /// the penalty will be the whole answer (`facts.skippedContent`; `applyWindows` then asks for
    /// the analysis after all if the penalty turns out to be over).
    public func analyze(
        _ event: Event, scratch: WorkerScratch, penaltyCheckAt hint: Micros? = nil
    ) -> (verdict: Verdict, facts: WindowFacts) {
        var facts = WindowFacts()
        if usesWindows {
            facts.author = BehaviorState.authorKey(event.author)
            facts.channel = BehaviorState.channelKey(event.channel)
            facts.settings = channelSettingsIndex.isEmpty ? 0 : channelSettingsIndex[event.channel] ?? 0
            facts.isExempt = !event.roles.isEmpty && event.roles.contains(where: behavior.exemptRoles.contains)
            if let hint, behavior.escalation.enabled, !policy.dryRun, penaltyHints.mayHold(facts.author),
                let slot = state.authors.existingSlot(for: facts.author)
            {
                facts.authorSlotHint = slot.index
                if Penalty(packed: state.authors.load(slot, AuthorWord.penalty)).isActive(at: hint) {
                    facts.skippedContent = true
                    return (Verdict(id: event.id, action: .allow, meta: event.meta), facts)
                }
            }
        }
        // One access to the comment's UTF-8 for every content rule (no copy: our strings are native).
        var text = event.text
        return (text.withUTF8 { analyzeContent(event, $0, &scratch.comment, &facts) }, facts)
    }

    /// The content rules and the first verdict on `text`, the UTF-8 of `event.text`. `comment`
    /// is the worker's, worked on in place.
    private func analyzeContent(
        _ event: Event, _ text: UnsafeBufferPointer<UInt8>, _ comment: inout AnalyzedComment,
        _ facts: inout WindowFacts
    ) -> Verdict {
        comment.start(
            text, conversation: event.channel, hasFolded: needsFoldedView, stats: needsStats ? TextStats(text) : nil)
        normalizer.normalize(text, into: &comment.normalized, folded: needsFoldedView)
        var reasons: [Reason] = []
        runContentRules(&comment, into: &reasons)
        if let stats = comment.stats {
            facts.links = comment.links ?? 0
            facts.linkSite = comment.linkSite
            // Only flood weighs the signal: without it, no scan for contacts.
            facts.hasSpamSignal =
                facts.links > 0 || stats.mentions > 0
                || (behavior.flood.enabled && stats.mayHoldContact && ContactScanner.holdsContact(text))
            if stats.mentions > behavior.links.maxMentions {
                behavior.links.settleMentions(
                    &reasons,
                    corroborated: Self.looksLikeSpam(reasons, spamScore: comment.spamScore, countingMentions: false))
            }
            if facts.links > 0 { facts.looksLikeSpam = Self.looksLikeSpam(reasons, spamScore: comment.spamScore) }
        }
        // The verdict owns the reasons array: no array at all for a clean comment, no copy of
        // the reasons for the others.
        let verdict = policy.verdict(for: event, reasons: reasons)
        // A held or flagged comment joins the review case of its near-copies by it.
        if needsFingerprint || verdict.action == .hold || verdict.action == .flag {
            facts.fingerprint = comment.normalized.skeleton.withBytes(Fingerprint.init(bytes:))
        }
        return verdict
    }

    /// The content rules, in the order their reasons are listed (a new content rule adds its
    /// line here, and to `content` in `init` when it reads the counts). Each is called through
    /// `ContentRule` on its concrete type: a list of `any ContentRule` copied each rule's box at
    /// every call, 1,600 instructions per event (2.6% of the whole).
    @inline(__always)
    private func runContentRules(_ comment: inout AnalyzedComment, into reasons: inout [Reason]) {
        run(stopwordRule, &comment, &reasons)
        run(behavior.links, &comment, &reasons)
        run(behavior.noise, &comment, &reasons)
        run(behavior.classifier, &comment, &reasons)
    }

    /// The window rules, in the order they run (repeat before flood: flood reads its finding).
    @inline(__always)
    private func runWindowRules(_ event: inout WindowEvent, into reasons: inout [Reason]) {
        run(behavior.rateLimit, &event, &reasons)
        run(behavior.slowMode, &event, &reasons)
        run(behavior.repeatRule, &event, &reasons)
        run(behavior.flood, &event, &reasons)
        run(behavior.links.newcomer, &event, &reasons)
        run(behavior.raid, &event, &reasons)
        run(behavior.knownSpam, &event, &reasons)
    }

    @inline(__always)
    private func run<R: ContentRule>(_ rule: R, _ comment: inout AnalyzedComment, _ reasons: inout [Reason]) {
        if rule.isActive { rule.evaluate(&comment, into: &reasons) }
    }

    @inline(__always)
    private func run<R: WindowRule>(_ rule: R, _ event: inout WindowEvent, _ reasons: inout [Reason]) {
        if rule.isActive { rule.evaluate(&event, into: &reasons) }
    }

    /// Whether the content step's reasons (or the classifier's spam score) say spam besides
    /// the links themselves (`WindowFacts.looksLikeSpam`), or, `countingMentions: false`,
    /// besides the mentions (`LinkRule.settleMentions`).
    static func looksLikeSpam(_ reasons: [Reason], spamScore: Double?, countingMentions: Bool = true) -> Bool {
        if let spamScore, spamScore >= ClassifierRule.spamSign { return true }
        return reasons.contains { reason in
            reason.rule == LinkRule.name || (countingMentions && reason.rule == LinkRule.mentionsName)
                || (reason.rule == StopwordRule.name && reason.category == "spam")
        }
    }

    /// Step 2: window rules on an event judged at `now`, folded into its first `verdict`.
    /// Calls for events whose order matters (one author, one channel) must come in that order;
    /// any thread may make them.
    ///
    /// `analyzeSkipped` gives the analysis of an event whose content `analyze` skipped; it is
    /// called when the penalty that made it skip is over by now. (Not escaping: no allocation
    /// per event.)
    ///
    /// `sharedAnswer`: the shared store's answer for this event when it was asked ahead (see
    /// `sharedRequest`); by default the store is asked here. With a shared store and
    /// `deferredStrikes`, a strike is not counted here but handed over, tagged with
    /// `deferredStrikes.tag`, for `SharedRuns.settleStrikes` to count with the rest of the batch in one
    /// round trip; by default it is counted here (a round trip of its own). Returns whether
    /// `verdict` changed.
    @discardableResult
    public func applyWindows(
        _ facts: WindowFacts, to verdict: inout Verdict, at now: Micros, sharedAnswer: SharedAnswer = .ask,
        deferredStrikes: DeferredStrikes? = nil,
        analyzeSkipped: () -> (verdict: Verdict, facts: WindowFacts) = {
            preconditionFailure("an event analyzed without content needs analyzeSkipped")
        }
    ) -> Bool {
        guard usesWindows else { return false }
        var facts = facts
        let context = WindowContext(
            state: state, now: now, authorKey: facts.author, channelKey: facts.channel, isExempt: facts.isExempt,
            needsChannel: needsChannels)
        // The shared store first, in one round trip: a penalty imposed through another instance
        // counts here too, and its rate limits replace this instance's.
        var sharedCheck: SharedCheck?
        if let shared {
            var answer = sharedAnswer
            if case .ask = answer { answer = shared.answers([sharedRequest(for: facts, at: now)])[0] }
            switch answer {
            case .answered(let check):
                sharedCheck = check
            case .unavailable(let message) where shared.policy == .closed:
                let reason = Reason(rule: "shared", action: .hold, message: "shared state unreachable: \(message)")
                verdict =
                    policy.dryRun
                    ? Verdict(id: verdict.id, action: .allow, would: .hold, reasons: [reason], meta: verdict.meta)
                    : Verdict(id: verdict.id, action: .hold, reasons: [reason], meta: verdict.meta)
                return true
            case .unavailable, .ask:
                break  // open: this instance's own windows alone
            }
        }
        let sharedPenalty = sharedCheck?.penalty.flatMap { $0.isActive(at: now) ? $0 : nil }
        if let penalty = behavior.escalation.penaltyInForce(context) ?? sharedPenalty,
            let (reasons, until) = behavior.escalation.reasons(for: penalty, at: now)
        {
            // The penalty is the whole answer: what the comment says does not matter now.
            verdict = penaltyVerdict(replacing: verdict, reasons: reasons, until: until)
            return true
        }
        let skipped = facts.skippedContent
        if skipped { (verdict, facts) = analyzeSkipped() }
        // Window rules and escalation only ever add reasons.
        let reasonsBefore = verdict.reasons.count
        // The window rules append to the verdict's own reasons; the policy then weighs the new ones.
        let channel = channelSettings[facts.settings]
        let (slowMode, raidSlowMode) = slowModeIntervals(channel, facts.channel)
        var event = WindowEvent(
            context: context, rateLimits: channel.rateLimits, slowMode: slowMode, raidSlowMode: raidSlowMode,
            fingerprint: facts.fingerprint, links: facts.links, linkSite: facts.linkSite,
            hasSpamSignal: facts.hasSpamSignal,
            looksLikeSpam: facts.looksLikeSpam, shared: sharedCheck, sharesWindows: shared?.scope == .all)
        runWindowRules(&event, into: &verdict.reasons)
        if event.countedCopy, campaignCopies.isRecording {
            campaignCopies.record(
                CampaignCopy(fingerprint: facts.fingerprint.packed, spamSignal: facts.hasSpamSignal, time: now))
        }
        if channelDeltas.isRecording { recordChannelDeltas(event, channel: channel, key: facts.channel, at: now) }
        if verdict.reasons.count > reasonsBefore { policy.merge(from: reasonsBefore, into: &verdict) }
        if event.approvedCopies > 0, policy.waive(.hold, in: &verdict) {
            verdict.reasons.append(behavior.knownSpam.approvedReason(approvals: event.approvedCopies))
        }
        // The channel's background learns from what it lets through: its regulars' comments
        // that every rule allowed (not spam a list caught, nor a campaign's copies).
        if behavior.flood.enabled, verdict.action == .allow, !context.isExempt {
            behavior.flood.recordBackground(context, fingerprint: facts.fingerprint)
        }
        if let shared, behavior.escalation.isStrike(verdict, context) {
            // Strikes are counted in the shared store, once per event id: every instance's
            // strikes add up, and an event judged again (a redelivered entry) is not counted twice.
            let strike = SharedStrike(
                author: facts.author, eventKey: Self.strikeKey(verdict.id), now: now, escalation: behavior.escalation,
                quiet: behavior.escalation.dryRun || policy.dryRun)
            if let deferredStrikes {
                // Counted here too, as a forecast: alone on the store, this count is the store's,
                // so the penalty lands on the same event and holds for the rest of the batch as
                // it would without the store; `settleStrikes` corrects it where the store,
                // counting every instance's strikes, says otherwise.
                let before = verdict
                let local = behavior.escalation.apply(to: &verdict, context, dryRunAll: policy.dryRun)
                deferredStrikes.items.append(
                    DeferredStrikes.Item(
                        tag: deferredStrikes.tag, strike: strike, facts: facts, before: before, localPenalty: local))
            } else {
                SharedRuns(engine: self, shared: shared).settle(
                    strike, shared.strikes([strike])?[0], on: &verdict, context)
            }
        } else {
            behavior.escalation.apply(to: &verdict, context, dryRunAll: policy.dryRun)
        }
        if verdict.action == .timeout || verdict.action == .ban, penaltyChanges.isRecording {
            penaltyChanges.record(facts.author)
        }
        return skipped || verdict.reasons.count != reasonsBefore
    }

    /// The verdict of an event whose author is under a penalty: the penalty is the whole answer.
    /// `reasons`: the penalty's one reason (`Escalation.reasons(for:at:)`).
    public func penaltyVerdict(replacing verdict: Verdict, reasons: [Reason], until: Micros?) -> Verdict {
        let action = reasons.first?.action?.verdictAction ?? .timeout
        return policy.dryRun
            ? Verdict(id: verdict.id, action: .allow, would: action, reasons: reasons, meta: verdict.meta)
            : Verdict(id: verdict.id, action: action, reasons: reasons, until: until?.seconds, meta: verdict.meta)
    }

    /// The key a strike is counted under in the shared store: the event's id; an event without
    /// one gets a key of its own (it cannot be recognized when judged again).
    static func strikeKey(_ id: EventID?) -> String {
        switch id {
        case .string(let text)?: "s:" + text
        case .number(let text)?: "n:" + text
        case .line?, nil: "~" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        }
    }

    /// The channel's slow-mode interval and a raid's, after a moderator's override.
    private func slowModeIntervals(_ channel: ChannelSettings, _ channelKey: UInt64) -> (Micros, Micros) {
        // Overrides are set through `BehaviorState.overrideSlowMode`, which marks
        // `hasModeratorActions`: until then they are not asked (a class: a retain per call).
        let setting =
            state.hasModeratorActions.load(ordering: .relaxed) ? state.slowModeOverrides.setting(for: channelKey) : nil
        switch setting {
        case .on(let interval)?: return (interval, 0)
        case .off?: return (0, 0)
        case nil: return (channel.slowMode, behavior.raid.enabled ? behavior.raid.slowMode : 0)
        }
    }

    /// What the shared store is asked about an event judged at `now`.
    public func sharedRequest(for facts: WindowFacts, at now: Micros) -> SharedRequest {
        let channel = channelSettings[facts.settings]
        var request = SharedRequest(
            author: facts.author, pair: BehaviorState.pairKey(author: facts.author, channel: facts.channel),
            channel: facts.channel, limits: channel.rateLimits, isExempt: facts.isExempt, now: now)
        if shared?.scope == .all {
            request.slowMode = slowModeIntervals(channel, facts.channel).0
            request.fingerprint = facts.fingerprint
            request.repeatRule = behavior.repeatRule.enabled ? behavior.repeatRule : nil
            request.flood = behavior.flood.enabled ? behavior.flood : nil
            request.spamSignal = facts.hasSpamSignal
            if behavior.flood.enabled {
                request.unusualWords = behavior.flood.unusualWords(
                    in: state.channelBackground, channel: facts.channel, fingerprint: facts.fingerprint, at: now,
                    enough: behavior.flood.wordsNeeded(spamSignal: facts.hasSpamSignal))
            }
        }
        return request
    }

    /// Starts loading the window-table memory that `applyWindows` will read for `facts`, in
    /// three steps a few events apart, each finding in cache what the step before loaded:
    /// 1 the author's bucket (and the slot's words when the early penalty check found them), the
    /// author's last words (repeat) and the campaign index's entries, 2 the author's words and
    /// the campaign's bucket, 3 the campaign's words.
    @inline(__always)
    public func prefetchWindows(_ facts: WindowFacts, step: Int) {
        switch step {
        case 1:
            state.authors.prefetch(facts.author, slot: facts.authorSlotHint)
            if behavior.repeatRule.enabled { state.lastWords.prefetch(author: facts.author) }
        case 2: if facts.authorSlotHint == nil { state.authors.prefetchWords(facts.author) }
        default: break
        }
        if needsFingerprint { behavior.flood.prefetch(state, fingerprint: facts.fingerprint, step: step) }
    }

    /// Whether events go through the window step: the policy has window rules, a moderator
    /// acted, or another instance may have (a ban must hold whatever the policy).
    @inline(__always)
    var usesWindows: Bool { hasWindows || shared != nil || state.hasModeratorActions.load(ordering: .relaxed) }

    /// A timeout or ban imposed by a moderator (the sidecar's ops): in force until `until`
    /// (`Penalty.forever`: a ban without end), pinning the author's slot like one from
    /// escalation. `.none` lifts any penalty. Returns the penalty the author had before.
    @discardableResult
    public func setPenalty(_ kind: Penalty.Kind, author: String, at now: Micros, until: Micros) -> Penalty? {
        state.hasModeratorActions.store(true, ordering: .relaxed)
        let key = BehaviorState.authorKey(author)
        guard let slot = state.authors.slot(for: key, at: now) else { return nil }
        state.penaltyHints.mark(key)
        let (old, new) = state.authors.update(slot, AuthorWord.penalty) { word in
            let previous = Penalty(packed: word)
            let timeouts = previous.timeouts + (kind == .timeout ? 1 : 0)
            return Penalty(kind: kind, until: kind == .none ? 0 : until, timeouts: timeouts).packed
        }
        shared?.impose(Penalty(packed: new), author: BehaviorState.authorKey(author), now: now)
        if penaltyChanges.isRecording { penaltyChanges.record(key) }
        return Penalty(packed: old)
    }

    /// A campaign's copy another instance counted (`CampaignCopy`), counted here too
    /// (`FloodRule.observe`) at the time it was judged there.
    public func observeCopy(_ copy: CampaignCopy) {
        behavior.flood.observe(
            state, fingerprint: Fingerprint(packed: copy.fingerprint), spamSignal: copy.spamSignal, at: copy.time)
    }

    private func recordChannelDeltas(_ event: WindowEvent, channel: ChannelSettings, key: UInt64, at now: Micros) {
        if event.countedInChannel, let limit = channel.rateLimits.channel {
            channelDeltas.record(channel: key, kind: .rate, value: limit.interval, at: now)
        }
        if event.countedNewcomer { channelDeltas.record(channel: key, kind: .newcomers, value: 0, at: now) }
        if event.raidSlowModeUntil > 0 {
            channelDeltas.record(channel: key, kind: .raid, value: event.raidSlowModeUntil, at: now)
        }
    }

    /// What another owner of a channel's authors counted in the channel (`ChannelDeltas`),
    /// counted here too, at the times it was judged there — or at `now`, this instance's time,
    /// when that is earlier: a window here never moves ahead of the time it judges at (a
    /// channel's limit would refuse its events for a time it has not reached).
    public func observeChannel(_ delta: ChannelDeltas.Delta, at now: Micros) {
        switch delta.kind {
        case .rate:
            guard needsChannels else { return }
            RateLimitRule.observe(
                delta.count, interval: delta.value, from: min(delta.first, now), to: min(delta.last, now), state,
                channel: delta.channel)
        case .newcomers:
            behavior.raid.observeNewcomers(delta.count, state, channel: delta.channel, at: min(delta.last, now))
        case .raid:
            behavior.raid.observeRaid(until: delta.value, state, channel: delta.channel, at: delta.last)
        }
    }

    /// Takes an author's penalty as another instance published it (`PenaltyFeed`): exactly
    /// that penalty, raised or lowered (a moderator's unban elsewhere lifts it here too), and
    /// not written back to the shared store. An author not tracked here and not penalized is
    /// left untracked.
    public func takePublished(_ penalty: Penalty, author key: UInt64, at now: Micros) {
        if penalty.kind == .none {
            guard let slot = state.authors.existingSlot(for: key) else { return }
            _ = state.authors.update(slot, AuthorWord.penalty) { word in
                let known = Penalty(packed: word)
                return Penalty(kind: .none, until: 0, timeouts: max(known.timeouts, penalty.timeouts)).packed
            }
            return
        }
        guard let slot = state.authors.slot(for: key, at: now) else { return }
        state.penaltyHints.mark(key)
        state.hasModeratorActions.store(true, ordering: .relaxed)
        _ = state.authors.update(slot, AuthorWord.penalty) { word in
            let known = Penalty(packed: word)
            return Penalty(kind: penalty.kind, until: penalty.until, timeouts: max(known.timeouts, penalty.timeouts))
                .packed
        }
    }

    /// An author's standing, for a partition's checkpoint: the packed penalty and strikes
    /// words of their slot, zero when there is nothing to keep (nil: not tracked).
    public func standing(ofAuthor key: UInt64) -> (penalty: UInt64, strikes: UInt64)? {
        guard let slot = state.authors.existingSlot(for: key) else { return nil }
        return (state.authors.load(slot, AuthorWord.penalty), state.authors.load(slot, AuthorWord.strikes))
    }

    /// Takes up a standing checkpointed by the partition's previous owner: the penalty when it
    /// is stronger than the one known here (`isWeaker`), the strikes when more of them are in
    /// force — never lowering what this instance knows. `now` is for the slot's age only.
    public func restore(author key: UInt64, penalty: UInt64, strikes: UInt64, at now: Micros) {
        guard let slot = state.authors.slot(for: key, at: now) else { return }
        let restored = Penalty(packed: penalty)
        if restored.kind != .none {
            state.penaltyHints.mark(key)
            state.hasModeratorActions.store(true, ordering: .relaxed)
        }
        _ = state.authors.update(slot, AuthorWord.penalty) { word in
            let known = Penalty(packed: word)
            // Compared by kind, then end, in force or not: `now` may be the wall clock while the
            // events run on their own time (the owner has not read any yet).
            let stronger = Self.isWeaker(known, than: restored, at: .min)
            guard stronger || restored.timeouts > known.timeouts else { return nil }
            let kept = stronger ? restored : known
            return Penalty(kind: kept.kind, until: kept.until, timeouts: max(known.timeouts, restored.timeouts)).packed
        }
        // The strikes in force at the later of the two windows' starts (the older count may have
        // run out by then), for the same reason.
        let window = behavior.escalation.window
        let checkpointed = WindowCount(packed: strikes)
        _ = state.authors.update(slot, AuthorWord.strikes) { word in
            let known = WindowCount(packed: word)
            let at = max(known.start, checkpointed.start)
            return checkpointed.current(at: at, window: window) > known.current(at: at, window: window) ? strikes : nil
        }
    }

    /// Lowers an author's standing to what a replay of the trail says it is once a decision
    /// took verdicts back (`AuthorLedger`): never raises it (what the trail does not know —
    /// an exempt author, the shared store's count — is not imposed by an undo). Returns the
    /// penalty before and after; nil when the author is not tracked (nothing to take back).
    @discardableResult
    public func takeBack(author: String, to penalty: Penalty, strikes: WindowCount, at now: Micros) -> (
        before: Penalty, after: Penalty
    )? {
        let key = BehaviorState.authorKey(author)
        guard let slot = state.authors.existingSlot(for: key) else { return nil }
        let (old, new) = state.authors.update(slot, AuthorWord.penalty) { word in
            let current = Penalty(packed: word)
            let lower = Penalty(
                kind: penalty.kind, until: penalty.until, timeouts: min(current.timeouts, penalty.timeouts))
            return Self.isWeaker(lower, than: current, at: now) ? lower.packed : word
        }
        _ = state.authors.update(slot, AuthorWord.strikes) { word in
            let current = WindowCount(packed: word)
            return strikes.current(at: now, window: behavior.escalation.window)
                < current.current(at: now, window: behavior.escalation.window) ? strikes.packed : word
        }
        if old != new {
            shared?.impose(Penalty(packed: new), author: key, now: now)
            if penaltyChanges.isRecording { penaltyChanges.record(key) }
        }
        return (Penalty(packed: old), Penalty(packed: new))
    }

    /// Whether `a` holds the author back less than `b` at `now`: no penalty, then a timeout,
    /// then a ban; of one kind, the one that ends sooner.
    static func isWeaker(_ a: Penalty, than b: Penalty, at now: Micros) -> Bool {
        func rank(_ p: Penalty) -> Int { p.isActive(at: now) ? Int(p.kind.rawValue) : 0 }
        // `Penalty.forever` is a marker, smaller than any real end: it ends last.
        func end(_ p: Penalty) -> Micros { p.until == Penalty.forever ? .max : p.until }
        if rank(a) != rank(b) { return rank(a) < rank(b) }
        return rank(a) != 0 && end(a) < end(b)
    }

    /// The penalty in force for an author at `now`, if any.
    public func penalty(of author: String, at now: Micros) -> Penalty? {
        penalty(ofKey: BehaviorState.authorKey(author), at: now)
    }

    /// `penalty(of:at:)` by the author's key.
    func penalty(ofKey author: UInt64, at now: Micros) -> Penalty? {
        guard let slot = state.authors.existingSlot(for: author) else { return nil }
        let penalty = Penalty(packed: state.authors.load(slot, AuthorWord.penalty))
        return penalty.isActive(at: now) ? penalty : nil
    }

    /// Both steps at once, for callers that judge one event at a time.
    public func judge(_ event: Event, scratch: WorkerScratch, at now: Micros) -> Verdict {
        var (verdict, facts) = analyze(event, scratch: scratch)
        applyWindows(facts, to: &verdict, at: now)
        return verdict
    }
}
