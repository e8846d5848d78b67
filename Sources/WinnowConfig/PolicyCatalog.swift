import WinnowAudit
import WinnowLimits
import WinnowPipeline
import WinnowPolicy
import WinnowRules
import WinnowSettings

/// Every key of the policy file. The reader (`PolicyFile`), the built-in text
/// (`winnow config default`), the summary (`winnow config check`) and the reference page
/// (`docs/policy-reference.md`) all iterate over this; a new rule adds one line to `sections`.
public enum PolicyCatalog {
    /// The top-level keys that are not sections, in the order they are written.
    public static var general: [RuleSetting<Configuration>] {
        [
            RuleSetting(
                "clock", type: "wall or event",
                help: "time the window rules run on: wall (when the event is judged) or event (its `ts`); "
                    + "left out, `filter` and `serve` use wall and `replay` uses event",
                read: { value, configuration in
                    if let clock = value.choice(of: ClockMode.allCases) { configuration.clock = clock }
                }, write: { $0.clock?.rawValue ?? "" }),
            .duration(
                "late_tolerance", \.lateTolerance,
                "on event time, how far behind the latest `ts` an event is still judged at its own"),
            .int(
                "max_authors", \.behavior.maxAuthors, in: 8...1_000_000_000,
                "authors tracked at once; beyond it the idle ones are forgotten "
                    + "(\(BehaviorState(maxAuthors: 8).bytesPerAuthor) bytes each)"),
            .words("exempt_roles", \.behavior.exemptRoles, "roles exempt from rate limits, slow-mode and escalation"),
            .bool(
                "dry_run", \.policy.dryRun, "compute everything but answer allow, with the would-be action in `would`"),
        ]
    }

    /// The sections, in the order they are written and summarised.
    public static var sections: [CatalogSection] {
        [
            CatalogSection(\.policy),
            CatalogSection(\.behavior.rateLimit, perChannel: RateLimitRule.perChannel),
            CatalogSection(\.behavior.slowMode, perChannel: SlowModeRule.perChannel),
            CatalogSection(\.behavior.repeatRule),
            CatalogSection(\.behavior.flood),
            CatalogSection(\.behavior.raid),
            CatalogSection(\.behavior.knownSpam),
            CatalogSection(\.behavior.links),
            CatalogSection(\.behavior.noise),
            CatalogSection(\.behavior.classifier),
            CatalogSection(\.behavior.escalation),
            CatalogSection(\.queue),
            CatalogSection(\.audit),
        ]
    }

    /// `channels:`: per channel, the sections' per-channel keys on top of the defaults.
    public static let channels = "channels"

    /// The top-level keys, in the order they are written.
    public static var topKeys: [String] { general.map(\.key) + sections.map(\.key) + [channels] }
}
