/// The caller's identifier of an event, echoed back in its verdict exactly as it came in.
public enum EventID: Sendable, Equatable {
    /// A JSON string id.
    case string(String)
    /// A JSON number id, kept as the literal the caller wrote (`17`, `1.5e3`) so it round-trips.
    case number(String)
    /// No id was given: the 1-based input line number stands in.
    case line(Int)
}

extension EventID {
    /// The id as verdicts show it: the string, the number's literal, or the line number.
    public var text: String {
        switch self {
        case .string(let text), .number(let text): text
        case .line(let line): String(line)
        }
    }
}
