import WinnowAudit
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
    /// How long the audit trail keeps events.
    public var audit: AuditRetention
    /// Which verdicts open review cases.
    public var queue: QueueSettings

    public init(
        policy: Policy, behavior: BehaviorSettings, clock: ClockMode? = nil, lateTolerance: Micros,
        audit: AuditRetention = AuditRetention(), queue: QueueSettings = QueueSettings()
    ) {
        self.audit = audit
        self.queue = queue
        self.policy = policy
        self.behavior = behavior
        self.clock = clock
        self.lateTolerance = lateTolerance
    }

    /// The built-in policy (README, "Policy file"; `winnow config default` prints it).
    public static let `default` = Configuration(
        policy: Policy(), behavior: .defaultPolicy, clock: nil, lateTolerance: 5 * Micros.perSecond)
}
