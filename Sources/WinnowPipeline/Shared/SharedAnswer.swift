import WinnowRules

/// The shared store's answer for an event, when it was asked ahead (a batch at once).
public enum SharedAnswer: Sendable {
    /// Not asked yet: `applyWindows` asks.
    case ask
    case answered(SharedCheck)
    /// The store could not be reached: the failure policy applies.
    case unavailable(String)
}
