import WinnowCore

/// A rule of the engine. Content rules (`ContentRule`) judge what a comment says, on any
/// worker; window rules (`WindowRule`) judge it by what came before, in event order. The engine
/// calls each active one in turn through this protocol (`Engine.runContentRules`,
/// `runWindowRules`): adding a rule adds one line there and its settings to `PolicyCatalog`.
public protocol Rule: Sendable {
    /// The name its reasons carry (`"noise"`) and `strike_rules` and `dry_run_rules` use.
    static var name: String { get }
    /// Whether it has anything to do under its settings; an inactive rule is never called.
    var isActive: Bool { get }
}

/// A rule over the text of one comment: stateless, so it runs on any worker in parallel.
public protocol ContentRule: Rule {
    /// Whether it reads `comment.stats` (counted once per comment, only when some rule does).
    var needsStats: Bool { get }
    /// Appends a reason for each thing it finds; may leave findings on `comment` for the
    /// rules after it (the link count, the spam score).
    func evaluate(_ comment: inout AnalyzedComment, into reasons: inout [Reason])
}

extension ContentRule {
    public var needsStats: Bool { false }
}

/// A rule over the author's and the channel's recent events: it reads and updates the window
/// tables through `event.context`, in event order. When windows are shared
/// (`event.sharedWindows`), the rules whose state lives in the shared store read its answer
/// instead; that answer is computed by the store's script, whose logic mirrors the rule's own
/// (`SharedDifferentialTests` checks that both agree).
public protocol WindowRule: Rule {
    /// Appends a reason when the event breaks the rule; may leave a finding on `event` for the
    /// rules after it (`isOwnRepeat`).
    func evaluate(_ event: inout WindowEvent, into reasons: inout [Reason])
}
