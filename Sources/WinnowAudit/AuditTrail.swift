import WinnowLimits

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
    /// What a live run with this configuration deletes as it goes (`audit:`; named in `policy`
    /// by its summary line, so not hashed twice).
    public var retention: AuditRetention
    /// Which verdicts open review cases (`queue:`; named in `policy` too).
    public var queue: QueueSettings

    public init(
        wordlists: String, policy: String, retention: AuditRetention = AuditRetention(),
        queue: QueueSettings = QueueSettings()
    ) {
        self.retention = retention
        self.queue = queue
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
    /// What the run deletes as it goes: the configuration's, except for `replay` (a dump's
    /// events carry their old times), which never prunes.
    public let retention: AuditRetention
    /// Hears what each prune deleted, and a prune that failed (the run goes on).
    private let notice: @Sendable (String) -> Void
    /// When the next prune is due (epoch seconds); the first commit prunes.
    private var nextPrune = 0.0

    /// Starts a run: `source` is the command (`filter`, `replay`, `serve`).
    public init(
        store: AuditStore, configuration: AuditedConfiguration, source: String, textMode: AuditTextMode = .full,
        commitMode: AuditCommitMode = .group,
        notice: @escaping @Sendable (String) -> Void = AuditStore.warnOnStandardError
    ) throws(AuditError) {
        self.store = store
        self.textMode = textMode
        self.commitMode = commitMode
        retention = source == "replay" ? AuditRetention() : configuration.retention
        // A dump's holds are no one's to review now: replay opens no cases.
        store.queue = source == "replay" ? QueueSettings(enabled: false) : configuration.queue
        self.notice = notice
        run = try store.startRun(source: source, configuration: configuration, textMode: textMode, at: Self.now())
    }

    /// Writes `batch` as one transaction; then, when retention is on and a prune is due, prunes.
    public func commit(_ batch: AuditBatch) throws(AuditError) {
        guard !batch.isEmpty else { return }
        let now = Self.now()
        try store.record(batch, run: run, at: now)
        if retention.isOn && now >= nextPrune { prune(at: now) }
    }

    /// Deletes what `retention` no longer keeps. A failure (another writer holding the file past
    /// the busy timeout, a full disk) is told and retried at the next due time; the run goes on,
    /// and the trail is as before the attempt (one transaction).
    private func prune(at now: Double) {
        nextPrune = now + Double(retention.pruneEvery) / 1e6
        let before = now - Double(retention.retain) / 1e6
        do throws(AuditError) {
            let outcome = try store.prune(before: before, now: now)
            if outcome.events > 0 {
                notice(
                    "audit retention: deleted \(outcome.events) events older than "
                        + "\(DurationText.describe(retention.retain))"
                        + (outcome.keptForPenalties > 0
                            ? " (kept \(outcome.keptForPenalties) with a penalty in force or an open case)" : ""))
            }
        } catch {
            notice(
                "audit retention: prune failed, retried in \(DurationText.describe(retention.pruneEvery)): \(error.message)"
            )
        }
    }

    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
