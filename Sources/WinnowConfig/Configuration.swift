import WinnowCore
import WinnowLimits
import WinnowPipeline
import WinnowPolicy

/// Everything a policy file decides: the policy over the content rules, the window rules, and
/// the clock. Built from `Configuration.default` with a file's values on top, then the
/// command line's flags on top of that.
public struct Configuration: Sendable, Equatable {
    public var policy: Policy
    public var behavior: BehaviorSettings
    /// `nil`: the command's own default (wall time for `filter` and `serve`).
    public var clock: ClockMode?
    public var lateTolerance: Micros

    public init(policy: Policy, behavior: BehaviorSettings, clock: ClockMode? = nil, lateTolerance: Micros) {
        self.policy = policy
        self.behavior = behavior
        self.clock = clock
        self.lateTolerance = lateTolerance
    }

    /// The built-in policy (README, "Policy file"; `winnow config default` prints it).
    public static let `default` = Configuration(
        policy: Policy(), behavior: .defaultPolicy, clock: nil, lateTolerance: 5 * Micros.perSecond)
}

extension Configuration {
    /// What is in force, one rule per line, for `winnow config check`.
    public var summary: String {
        func rate(_ limit: RateLimit?) -> String { limit.map(\.description) ?? "off" }
        func duration(_ micros: Micros) -> String { micros == 0 ? "off" : DurationText.describe(micros) }
        func channel(_ name: String, _ settings: ChannelSettings) -> String {
            let limits = settings.rateLimits
            return "  \(name): rate author \(rate(limits.author)), author_channel \(rate(limits.authorInChannel)), "
                + "channel \(rate(limits.channel)); slow_mode \(duration(settings.slowMode))"
        }
        func heuristic(_ name: String, _ enabled: Bool, _ action: RuleAction, _ dryRun: Bool, _ what: String) -> String {
            enabled ? "\(name): \(what) -> \(action.rawValue)\(dryRun ? " (dry run)" : "")" : "\(name): off"
        }
        let e = behavior.escalation
        var lines = [
            "clock: \(clock?.rawValue ?? "command default"), late tolerance \(DurationText.describe(lateTolerance))",
            "max authors: \(behavior.maxAuthors); exempt roles: \(behavior.exemptRoles.sorted().joined(separator: ", "))",
            "stopwords: category overrides \(policy.categoryActions.isEmpty ? "none" : policy.categoryActions.keys.sorted().joined(separator: ", "))"
                + (policy.dryRunRules.contains("stopword") ? " (dry run)" : ""),
            "rate limits: action \(behavior.rateLimit.action.rawValue)\(behavior.rateLimit.dryRun ? " (dry run)" : "")",
            "slow mode: action \(behavior.slowMode.action.rawValue)\(behavior.slowMode.dryRun ? " (dry run)" : "")",
            heuristic("repeat", behavior.repeatRule.enabled, behavior.repeatRule.action, behavior.repeatRule.dryRun,
                      "within \(DurationText.describe(behavior.repeatRule.window)), \(behavior.repeatRule.minMatches) of 8 sketch values"),
            heuristic("flood", behavior.flood.enabled, behavior.flood.action, behavior.flood.dryRun,
                      "\(behavior.flood.authors) authors (\(behavior.flood.authorsWithLinks) with a link or mention) in \(DurationText.describe(behavior.flood.window))"),
            heuristic("raid", behavior.raid.enabled, behavior.raid.action, behavior.raid.dryRun,
                      "\(behavior.raid.factor)x usual newcomers (at least \(behavior.raid.minNewcomers)) in \(DurationText.describe(behavior.raid.window)), slow-mode \(duration(behavior.raid.slowMode))"),
            heuristic("links", behavior.links.enabled, behavior.links.action, behavior.links.dryRun,
                      "at most \(behavior.links.maxLinks) links, \(behavior.links.maxMentions) mentions, \(behavior.links.shorteners.count) shorteners, new authors \(duration(behavior.links.newAuthorWindow)) (alone: \(behavior.links.newAuthorAloneAction.rawValue))"),
            heuristic("noise", behavior.noise.enabled, behavior.noise.action, behavior.noise.dryRun,
                      "caps \(behavior.noise.capsRatio), run \(behavior.noise.maxRun), symbols \(behavior.noise.symbolRatio), marks \(behavior.noise.maxMarks)"),
            {
                let c = behavior.classifier
                guard c.enabled else { return "classifier: off" }
                let labels = c.labels.keys.sorted().map { label in
                    "\(label) " + (c.labels[label] ?? []).map { "\($0.action.rawValue) from \($0.threshold)" }.joined(separator: ", ")
                }.joined(separator: "; ")
                let model = c.model.map { "\($0.path) sha256 \($0.hash)" } ?? c.modelPath ?? "bundled"
                return "classifier: \(labels); model \(model)\(c.dryRun ? " (dry run)" : "")"
            }(),
            e.enabled
                ? "escalation: \(e.strikes) strikes (\(e.strikeAction.rawValue) or stronger) in \(DurationText.describe(e.window)) -> timeout \(DurationText.describe(e.timeout)); "
                    + (e.banAfterTimeouts == 0 ? "never a ban" : "ban after \(e.banAfterTimeouts) timeouts for \(e.banDuration.map(DurationText.describe) ?? "good")")
                    + (e.dryRun ? " (dry run)" : "")
                : "escalation: off",
            "channels:",
            channel("(default)", behavior.defaults),
        ]
        for name in behavior.channels.keys.sorted() { lines.append(channel(name, behavior.channels[name]!)) }
        if policy.dryRun { lines.append("dry run: every verdict is allow, with the would-be action in `would`") }
        return lines.joined(separator: "\n")
    }
}
