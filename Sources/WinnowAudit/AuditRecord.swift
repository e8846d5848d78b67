import WinnowCore

/// One judged input line as the audit trail keeps it: the event (or what could be read of a
/// broken line) and its verdict with every reason.
public struct AuditRecord: Sendable {
    /// The event's id as written (a string, or a number's literal); `nil` for a broken line.
    public var eventID: String?
    public var line: Int
    public var author: String?
    public var channel: String?
    /// Seconds since the epoch, as judged.
    public var timestamp: Double?
    /// The comment, or `nil` when only its hash is kept (`--audit-text hash`).
    public var text: String?
    public var textHash: String?
    public var verdict: Verdict

    public init(
        eventID: String?, line: Int, author: String? = nil, channel: String? = nil, timestamp: Double? = nil,
        text: String? = nil, textHash: String? = nil, verdict: Verdict
    ) {
        self.eventID = eventID
        self.line = line
        self.author = author
        self.channel = channel
        self.timestamp = timestamp
        self.text = text
        self.textHash = textHash
        self.verdict = verdict
    }
}
