/// The answer for one input line: what to do with the comment and why.
public struct Verdict: Sendable {
    /// The event's id; `nil` only for lines so broken that no id could be read.
    public var id: EventID?
    public var action: Action
    /// In dry-run mode the action that would have been taken (`action` is then `allow`).
    public var would: Action?
    public var reasons: [Reason]
    /// With `timeout` (and a `ban` that ends): when the author may post again, seconds since the epoch.
    public var until: Double?
    /// With `censor`: the comment with every censored match masked.
    public var text: String?
    /// Help notes of `annotate` lists that matched.
    public var notes: [Note]
    /// The event's `meta`, echoed untouched (raw JSON bytes).
    public var meta: [UInt8]?
    /// For `error` verdicts: the input line number and what was wrong with it.
    public var line: Int?
    public var error: String?

    public init(
        id: EventID?, action: Action, would: Action? = nil, reasons: [Reason] = [], until: Double? = nil,
        text: String? = nil,
        notes: [Note] = [], meta: [UInt8]? = nil, line: Int? = nil, error: String? = nil
    ) {
        self.id = id
        self.action = action
        self.would = would
        self.reasons = reasons
        self.until = until
        self.text = text
        self.notes = notes
        self.meta = meta
        self.line = line
        self.error = error
    }

    /// The verdict for an input line that could not be read as an event.
    public static func error(line: Int, id: EventID? = nil, message: String) -> Verdict {
        Verdict(id: id, action: .error, line: line, error: message)
    }
}

/// A help note attached to an allowed comment by an `annotate` list.
public struct Note: Sendable, Equatable {
    public var list: String
    public var text: String

    public init(list: String, text: String) {
        self.list = list
        self.text = text
    }
}
