import ArgumentParser
import Synchronization
import WinnowAudit
import WinnowConsume
import WinnowCore
import WinnowPipeline
import WinnowShared

#if canImport(Glibc)
    import Glibc
#endif

/// Set by SIGTERM and SIGINT: the consume loop stops after the batch in hand.
private let stopRequested = Atomic<Bool>(false)

struct Consume: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consume",
        abstract: "Judge events from a Redis Stream as a consumer group member; verdicts go to another stream.",
        discussion: """
            Each entry's `event` field holds one NDJSON event. Its verdict is added to the verdict \
            stream (fields `entry` and `verdict`) and the entry acknowledged in one atomic step, \
            after the audit row is committed. Entries left pending by a consumer that died are \
            claimed after --claim-idle. An entry delivered again is answered from the audit trail \
            by its event id, not judged twice. With --partitions, the stream is partitioned by \
            author (`winnow route` writes KEY:{P}): this consumer reads the partitions it owns, \
            each answered in its own verdict stream KEY:{P}:verdicts, and keeps their authors' \
            windows in its own tables; on event time it judges their events in `ts` order. \
            SIGTERM or SIGINT: the batch in hand is finished, then the \
            run ends (status 0).
            """
    )

    @Option(
        help: ArgumentHelp("The Redis holding the streams: redis://HOST:PORT or unix:///PATH.", valueName: "address"))
    var redis = "redis://127.0.0.1:6379"

    @Option(help: ArgumentHelp("The stream to read events from.", valueName: "key"))
    var redisStream: String

    @Option(
        help: ArgumentHelp("The consumer group (created at the start of the stream when missing).", valueName: "name"))
    var group: String

    @Option(
        help: ArgumentHelp(
            "This consumer's name in the group (default: host-pid). Keep it across restarts to resume its pending entries at once.",
            valueName: "name"))
    var consumer: String?

    @Option(help: ArgumentHelp("The stream verdicts go to (default: KEY:verdicts).", valueName: "key"))
    var verdictsStream: String?

    @Option(
        help: ArgumentHelp(
            "The partitions of a stream partitioned by author that this consumer owns, e.g. 0-3 or 0,2,5, or `auto`: free ones taken on leases (needs --partition-count).",
            valueName: "list"))
    var partitions: String?

    @Option(help: "How many partitions the stream has (as `winnow route --partition-count`).")
    var partitionCount: Int?

    @Option(help: "With --partitions auto: seconds a partition's lease lasts unless renewed.")
    var lease = 10.0

    @Option(help: "With --partitions auto: the most partitions this consumer holds (default: all).")
    var maxPartitions: Int?

    @Option(help: "Trim the verdict stream to about this many entries (0: never).")
    var verdictsMaxlen = 1_000_000

    @Option(help: "Entries read and judged at once.")
    var batchSize = 1024

    @Option(help: "Seconds an entry stays pending with another consumer before this one takes it over.")
    var claimIdle = 30.0

    @Flag(help: "Stop once no new entry is waiting and none could be claimed (for backfills and benchmarks).")
    var drain = false

    @Option(help: "Longest accepted event in bytes; a longer one gets an `error` verdict.")
    var maxLineBytes = 1 << 20

    @Option(help: "Worker threads (default: one per core).")
    var workers: Int?

    @OptionGroup var wordlists: WordlistOptions

    @OptionGroup var overrides: PolicyOverrides

    @OptionGroup(title: "Windows (rate limits, slow-mode, escalation)") var windows: WindowOptions

    @OptionGroup(title: "Audit trail") var audit: AuditOptions

    @OptionGroup(title: "Shared state (several instances)") var shared: SharedOptions

    func validate() throws {
        _ = try address()
        guard !redisStream.isEmpty, !group.isEmpty else {
            throw ValidationError("--redis-stream and --group must not be empty")
        }
        guard (1...100_000).contains(batchSize) else {
            throw ValidationError("--batch-size must be between 1 and 100000")
        }
        guard claimIdle >= 0.001, claimIdle <= 2_592_000 else {
            throw ValidationError("--claim-idle must be from 0.001 to 2592000 seconds (30 days)")
        }
        guard verdictsMaxlen >= 0 else { throw ValidationError("--verdicts-maxlen must not be negative") }
        guard (64...(64 << 20)).contains(maxLineBytes) else {
            throw ValidationError("--max-line-bytes must be from 64 to 67108864 (64 MiB)")
        }
        guard (1...256).contains(workers ?? 1) else { throw ValidationError("--workers must be between 1 and 256") }
        try windows.validate()
        try ownedPartitions()
    }

    /// The partitioned stream and the partitions owned (nil: one plain stream).
    @discardableResult
    private func ownedPartitions() throws -> (StreamPartitions, [Int])? {
        switch (partitions, partitionCount) {
        case (nil, nil): return nil
        case (nil, _?), (_?, nil): throw ValidationError("--partitions and --partition-count go together")
        case (let list?, let count?):
            guard (1...65_536).contains(count) else {
                throw ValidationError("--partition-count must be between 1 and 65536")
            }
            guard verdictsStream == nil else {
                throw ValidationError(
                    "--verdicts-stream does not go with --partitions (each partition's is KEY:{P}:verdicts)")
            }
            let stream = StreamPartitions(stream: redisStream, count: count)
            if list == "auto" {
                guard lease >= 0.1, lease <= 3600 else {
                    throw ValidationError("--lease must be from 0.1 to 3600 seconds")
                }
                guard (1...count).contains(maxPartitions ?? count) else {
                    throw ValidationError("--max-partitions must be from 1 to --partition-count")
                }
                return (stream, [])
            }
            guard let owned = stream.parse(list) else {
                throw ValidationError(
                    "--partitions '\(list)': a list of partitions from 0 to \(count - 1), such as 0-3 or 0,2,5")
            }
            return (stream, owned)
        }
    }

    private func address() throws -> SharedAddress { try SharedAddress.redisOption(redis) }

    func run() throws {
        AllocatorTuning.keepFreedMemory()
        let setup = try JudgingSetup(
            wordlists: wordlists, overrides: overrides, windows: windows, defaultClock: .wall,
            shared: try shared.link(allowingGlobal: true), command: Self.self)
        let trail = try setup.openAudit(audit, source: "consume")
        defer { trail?.store.close() }
        let name = consumer ?? Self.defaultConsumerName()
        let address = try address()
        let partitioned = try ownedPartitions()
        let keys = partitioned.map { stream, owned in owned.map(stream.key) } ?? [redisStream]
        let verdictsStream = self.verdictsStream, group = self.group, limit = verdictsMaxlen
        let makeStream = { (key: String) throws(SharedError) -> RedisStream in
            try RedisStream(
                address, stream: key, group: group, consumer: name, verdictStream: verdictsStream ?? "\(key):verdicts",
                verdictStreamLimit: limit)
        }
        var streams: [RedisStream] = []
        var leases: PartitionLeases?
        do throws(SharedError) {
            if let (stream, owned) = partitioned, owned.isEmpty {
                leases = try PartitionLeases(
                    address, partitions: stream, consumer: name, leaseMilliseconds: Int(lease * 1000),
                    maxOwned: maxPartitions ?? stream.count, makeStream: makeStream)
            } else {
                for key in keys { streams.append(try makeStream(key)) }
            }
        } catch {
            printError("winnow: consume: \(error.message)")
            throw ExitCode(1)
        }
        let judge = BatchJudge(
            engine: setup.engine, workers: workers ?? FilterOptions.defaultWorkers, clock: setup.clock,
            lateTolerance: setup.configuration.lateTolerance)
        let follower = setup.followDecisions(in: trail, now: judge.currentTime)
        defer { follower?.stop() }
        let settings = ConsumeSettings(
            batchSize: batchSize, claimIdleMilliseconds: Int(claimIdle * 1000), drain: drain,
            maxLineBytes: maxLineBytes,
            giveUp: { stopRequested.load(ordering: .relaxed) })
        let report = { (message: String) in printError("winnow: \(message)") }
        let consumer =
            leases.map { StreamConsumer(leases: $0, judge: judge, audit: trail, settings: settings, report: report) }
            ?? StreamConsumer(streams: streams, judge: judge, audit: trail, settings: settings, report: report)
        if let (penalties, windows) = try shared.feeds(origin: name) {
            consumer.penaltyFeed = penalties
            consumer.windowFeed = windows
        }
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber) { _ in stopRequested.store(true, ordering: .relaxed) }
        }
        do {
            try consumer.run { stopRequested.load(ordering: .relaxed) }
        } catch {
            printError("winnow: \(error.message)")
            printError(
                "winnow: stopped: the entries of the batch that could not be recorded stay pending for another consumer"
            )
            throw ExitCode(1)
        }
        let summary = consumer.summary
        printError(
            "winnow: consume \(name): \(summary.judged) judged, \(summary.fromAudit) answered from the audit trail, "
                + "\(summary.claimed) claimed from other consumers, \(summary.answered) verdicts written"
                + (summary.fenced > 0
                    ? ", \(summary.fenced) answers refused (the partition's lease had passed on)" : ""))
        if summary.leftPending > 0 {
            printError(
                "winnow: \(summary.leftPending) entries judged and recorded but not acknowledged (Redis unreachable): they stay pending"
            )
            throw ExitCode(1)
        }
    }

    static func defaultConsumerName() -> String {
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        return "\(String(cString: host))-\(getpid())"
    }
}
