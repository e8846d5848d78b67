import WinnowCore

/// What the settings of every window and heuristic rule have: the action its reasons ask for,
/// and a dry-run switch (reported, not acted on). The policy file reads these the same way for
/// every rule.
public protocol RuleSettings: Sendable {
    var action: RuleAction { get set }
    var dryRun: Bool { get set }
}

/// A rule that can also be switched off as a whole.
public protocol SwitchableRule: RuleSettings {
    var enabled: Bool { get set }
}

extension RateLimitRule: RuleSettings {}
extension SlowModeRule: RuleSettings {}
extension RepeatRule: SwitchableRule {}
extension FloodRule: SwitchableRule {}
extension RaidRule: SwitchableRule {}
extension LinkRule: SwitchableRule {}
extension NoiseRule: SwitchableRule {}
