/// What a moderator deciding a case should know of one of its authors: the strikes and
/// penalties on record (`author_changes`, by the author index) and the author's latest
/// comments.
public struct AuthorRecord: Sendable, Equatable {
    public var author: String
    /// Strikes counted and not taken back.
    public var strikes: Int
    /// Timeouts and bans imposed (by escalation, a moderator's op or a decision).
    public var timeouts: Int
    public var bans: Int
    /// Strikes taken back and penalties lifted by moderators' decisions.
    public var undone: Int
    /// The latest comments outside the case, newest first: among the trail's
    /// `ReviewQueue.historyReach` latest events (the trail has no author index on events; this
    /// bounds the scan).
    public var recent: [CaseComment]

    public init(author: String) {
        self.author = author
        strikes = 0
        timeouts = 0
        bans = 0
        undone = 0
        recent = []
    }
}
