#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the audit trail keeps of a comment's text.
public enum AuditTextMode: String, Sendable, CaseIterable {
    /// The text as written.
    case full
    /// Only its SHA-256 (`text_hash`), for privacy.
    case hash
}

/// When a verdict may leave the process relative to the commit of its audit row.
public enum AuditCommitMode: String, Sendable, CaseIterable {
    /// A verdict is written only after the transaction holding its audit row has committed: a
    /// crash never loses the row of a verdict that anyone saw.
    case group
    /// Verdicts are written first and their batch committed right after: lower latency per
    /// verdict; a crash can lose the audit rows of the last batch released.
    case async
}

/// The wordlists and policy that decide verdicts, as the `configs` table keeps them, named by
/// the SHA-256 of their description.
public struct AuditedConfiguration: Sendable, Equatable {
    /// One line per list file: its SHA-256, its name and its path.
    public var wordlists: String
    /// The configuration in force, as `winnow config check` describes it, plus any policy file.
    public var policy: String
    public var hash: String

    public init(wordlists: String, policy: String) {
        self.wordlists = wordlists
        self.policy = policy
        hash = ContentHash.sha256("wordlists\n\(wordlists)\npolicy\n\(policy)")
    }
}

/// One run's audit trail: a store and the run every row belongs to (its source, its
/// configuration). Used by one thread at a time: created on the main thread, then used only by
/// the thread that writes verdicts.
public final class AuditTrail: @unchecked Sendable {
    public let store: AuditStore
    public let run: Int
    public let textMode: AuditTextMode
    public let commitMode: AuditCommitMode

    /// Starts a run: `source` is the command (`filter`, `replay`, `serve`).
    public init(
        store: AuditStore, configuration: AuditedConfiguration, source: String, textMode: AuditTextMode = .full,
        commitMode: AuditCommitMode = .group
    ) throws(AuditError) {
        self.store = store
        self.textMode = textMode
        self.commitMode = commitMode
        run = try store.startRun(source: source, configuration: configuration, textMode: textMode, at: Self.now())
    }

    /// Writes `batch` as one transaction.
    public func commit(_ batch: AuditBatch) throws(AuditError) {
        guard !batch.isEmpty else { return }
        try store.record(batch, run: run, at: Self.now())
    }

    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
