import WinnowCore
import WinnowPolicy

/// One judged input line as the audit trail keeps it: the event (or what could be read of a
/// broken line) and where its verdict line, as released, sits in the batch's bytes.
public struct AuditRecord: Sendable {
    /// The event's id as written (a string, or a number's literal; the line number when absent).
    public var eventID: String?
    public var line: Int
    public var author: String?
    public var channel: String?
    /// The event's `ts`, or when it arrived if it had none (seconds since the epoch).
    public var timestamp: Double?
    /// The comment, or `nil` when only its hash is kept (`--audit-text hash`).
    public var text: String?
    public var textHash: String?
    public var action: Action
    /// A timeout or ban this event brought on its author (or, for an `unban` op, took off).
    public var penalty: AuthorPenalty?
    /// The verdict counted a strike against its author (`Escalation.countsAsStrike`): kept as
    /// an `author_changes` row, so a decision can take it back.
    public var strike = false
    /// Where the verdict's JSON line (without its newline) is in its part of the `AuditBatch`.
    public var verdict: Range<Int>
    /// The user and process that sent the event over the sidecar's socket.
    public var peerUID: Int?
    public var peerPID: Int?
    /// For an event taken from a Redis Stream: where it came from and the key that makes it
    /// idempotent (table `consumed`).
    public var delivery: StreamDelivery?
    /// The comment's word-set sketch (`WordSetSketch.pack`; 0: none): a held comment joins the
    /// open review case of its near-copies by it.
    public var sketch: UInt64 = 0
    /// For a held or flagged comment, the rule that set the action: the first reason asking for
    /// it, else the first reason (its review case is filed under it).
    public var rule: String?

    public init(
        eventID: String?, line: Int, author: String? = nil, channel: String? = nil, timestamp: Double? = nil,
        text: String? = nil, textHash: String? = nil, action: Action = .error, penalty: AuthorPenalty? = nil,
        verdict: Range<Int> = 0..<0
    ) {
        self.eventID = eventID
        self.line = line
        self.author = author
        self.channel = channel
        self.timestamp = timestamp
        self.text = text
        self.textHash = textHash
        self.action = action
        self.penalty = penalty
        self.verdict = verdict
    }

    /// The record of a decoded event, keeping its text or only the text's hash. The verdict
    /// parts are filled in once the verdict is final.
    public init(_ event: Event, timestamp: Double?, textMode: AuditTextMode) {
        self.init(
            eventID: event.id.text, line: event.line, author: event.author, channel: event.channel,
            timestamp: timestamp, text: textMode == .full ? event.text : nil,
            textHash: textMode == .hash ? ContentHash.sha256(event.text) : nil)
    }
}

extension AuditRecord {
    /// Takes the final verdict's action, the penalty it imposed and whether it counted a strike.
    public mutating func settle(_ verdict: Verdict, escalation: Escalation) {
        action = verdict.action
        penalty = AuthorPenalty(imposedBy: verdict)
        strike = author != nil && escalation.countsAsStrike(verdict)
        rule = nil
        guard action == .hold || action == .flag else { return }
        rule = (verdict.reasons.first { $0.action?.verdictAction == action } ?? verdict.reasons.first)?.rule
    }
}

/// An event's place in a Redis Stream (`winnow consume`). `eventKey` is the event's id, or the
/// entry's id for a line that has none: one verdict per key and stream, whatever the deliveries.
public struct StreamDelivery: Sendable, Equatable {
    public var stream: String
    public var eventKey: String
    public var entryID: String

    public init(stream: String, eventKey: String, entryID: String) {
        self.stream = stream
        self.eventKey = eventKey
        self.entryID = entryID
    }
}

/// A timeout or ban imposed on an author, and when it ends (`nil`: never).
public struct AuthorPenalty: Sendable, Equatable {
    public var action: Action
    public var until: Double?

    public init(action: Action, until: Double?) {
        self.action = action
        self.until = until
    }

    /// The penalty `verdict` imposes, if it is the one that imposed it (not a later event of an
    /// author already under it).
    public init?(imposedBy verdict: Verdict) {
        guard verdict.action >= .timeout,
            verdict.reasons.contains(where: { $0.rule == "escalation" && !$0.dryRun })
        else { return nil }
        self.init(action: verdict.action, until: verdict.until)
    }
}

/// The records of one batch and the verdict lines they point into: committed as one transaction.
///
/// Each part's `verdicts` points at the bytes written to stdout (no copy): whoever builds a
/// batch keeps those bytes alive and unchanged until the batch is committed.
public struct AuditBatch: @unchecked Sendable {
    public struct Part {
        public var records: [AuditRecord]
        public var verdicts: UnsafeRawBufferPointer

        public init(records: [AuditRecord], verdicts: UnsafeRawBufferPointer) {
            self.records = records
            self.verdicts = verdicts
        }
    }

    public var parts: [Part] = []

    public init(parts: [Part] = []) {
        self.parts = parts
    }

    public var isEmpty: Bool { parts.allSatisfy { $0.records.isEmpty } }
}
