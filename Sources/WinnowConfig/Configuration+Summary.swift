import WinnowLimits
import WinnowRules

extension Configuration {
    /// What is in force, one rule per line, for `winnow config check`: the general keys, each
    /// section's own summary line in catalog order, then the channels.
    public var summary: String {
        func rate(_ limit: RateLimit?) -> String { limit.map(\.description) ?? "off" }
        func channel(_ name: String, _ settings: ChannelSettings) -> String {
            let limits = settings.rateLimits
            return "  \(name): rate author \(rate(limits.author)), author_channel \(rate(limits.authorInChannel)), "
                + "channel \(rate(limits.channel)); slow_mode "
                + (settings.slowMode == 0 ? "off" : DurationText.describe(settings.slowMode))
        }
        var lines = [
            "clock: \(clock?.rawValue ?? "command default"), late tolerance \(DurationText.describe(lateTolerance))",
            "max authors: \(behavior.maxAuthors); exempt roles: \(behavior.exemptRoles.sorted().joined(separator: ", "))",
        ]
        lines += PolicyCatalog.sections.map { $0.summary(self) }
        lines += ["channels:", channel("(default)", behavior.defaults)]
        for name in behavior.channels.keys.sorted() { lines.append(channel(name, behavior.channels[name]!)) }
        if policy.dryRun { lines.append("dry run: every verdict is allow, with the would-be action in `would`") }
        return lines.joined(separator: "\n")
    }
}
