import WinnowLimits

/// What a `remove` decision may add for every author of the case: a timeout, or a ban (for
/// `seconds`, or for good when nil). Recorded with the decision, and as `author_changes` rows
/// that say which case brought it.
public struct Sanction: Sendable, Equatable {
    public var kind: Penalty.Kind
    public var seconds: Double?

    public init(kind: Penalty.Kind, seconds: Double?) {
        self.kind = kind
        self.seconds = seconds
    }

    /// `timeout 10m`, `ban for good`.
    public var description: String {
        let length = seconds.map { DurationText.describe(Micros(seconds: $0)) }
        return kind == .ban ? "ban \(length.map { "for \($0)" } ?? "for good")" : "timeout \(length ?? "")"
    }

    /// `timeout` or `ban`: the `decisions.sanction` column's value and the change's name.
    public var name: String { kind == .ban ? "ban" : "timeout" }

    /// From its name (`timeout`, `ban`; nil for anything else), as the trail and the
    /// `decide` op spell it.
    public init?(name: String?, seconds: Double?) {
        switch name {
        case "timeout": self.init(kind: .timeout, seconds: seconds)
        case "ban": self.init(kind: .ban, seconds: seconds)
        default: return nil
        }
    }
}
