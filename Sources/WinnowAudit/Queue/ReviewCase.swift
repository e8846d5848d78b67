/// A case of the review queue as moderators see it: held comments that are copies of one
/// another, decided together; or an appeal on one past verdict.
public struct ReviewCase: Sendable, Equatable {
    public var id: Int
    /// The event time of its first comment (`ts`, else when it arrived), and of its latest.
    public var openedAt: Double
    public var lastAt: Double
    public var channel: String?
    /// The rule of the first comment's strongest reason.
    public var rule: String?
    /// `hold`, `flag` for a case of queued flags only, or `appeal`.
    public var severity: String
    public var comments: Int
    public var authors: Int
    /// `open`, `approved`, `removed`, `expired`; an appeal's `upheld` or `overturned`.
    public var status: String
    public var decidedAt: Double?
    public var decidedBy: String?
    public var note: String?
    /// The first comment: its author and text (nil when the trail keeps only hashes).
    public var firstAuthor: String?
    public var firstText: String?
    /// `review` (held or flagged comments) or `appeal` (one past verdict, its author asking).
    public var kind: String = "review"
    /// An appeal's message from its author.
    public var message: String?

    /// The `cases.severity` column as a name: appeals first, then holds, then flags.
    static func severityName(_ value: Int) -> String { value >= 3 ? "appeal" : value == 2 ? "hold" : "flag" }
}

/// One comment of a case.
public struct CaseComment: Sendable, Equatable {
    public var seq: Int
    public var eventID: String?
    public var author: String?
    public var channel: String?
    public var timestamp: Double?
    public var text: String?
    public var action: String
    /// The verdict line as it was released.
    public var verdict: String
}

/// One decision on a case, by a moderator or by expiry.
public struct CaseDecision: Sendable, Equatable {
    public var caseID: Int
    public var outcome: CaseOutcome
    public var moderator: String
    public var note: String?
    public var at: Double
    /// A `remove` decision's timeout or ban of the case's authors.
    public var sanction: Sanction? = nil
}
