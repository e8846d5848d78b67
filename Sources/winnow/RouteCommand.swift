import ArgumentParser
import WinnowIO
import WinnowShared

#if canImport(Glibc)
    import Glibc
#endif

/// `winnow route`: the producer's side of a partitioned stream. Each NDJSON event read on
/// stdin is added to the partition its author hashes to (`StreamPartitions`), so that
/// `winnow consume --partitions` instances each own a set of authors.
struct Route: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route",
        abstract: "Add NDJSON events from stdin to a partitioned Redis Stream, by author.",
        discussion: """
            Event N goes to KEY:{P}, P = FNV-1a 64 of its author's UTF-8 modulo --partition-count, \
            in an entry whose `events` field holds the lines (up to --events-per-entry, and up to \
            1 MiB unless one line is longer) that one read of stdin brought for that partition — \
            a trickle of input makes entries of one event, a flood entries of many, which Redis \
            reads, acknowledges and answers as one. With --events-per-entry 1 every line gets an \
            entry whose `event` field holds it. A line that is not an event (invalid JSON, no \
            author) goes to partition 0, where the consumer answers it with an error verdict; so \
            does a line longer than --max-line-bytes, as an entry whose `skipped` field says so \
            (the line itself is not kept; it is also named on stderr). Events are added in input \
            order within each partition, one pipelined round trip per batch.
            """
    )

    @Option(
        help: ArgumentHelp("The Redis holding the streams: redis://HOST:PORT or unix:///PATH.", valueName: "address"))
    var redis = "redis://127.0.0.1:6379"

    @Option(help: ArgumentHelp("The stream's name; partition P is KEY:{P}.", valueName: "key"))
    var redisStream: String

    @Option(help: "Partitions of the stream (every producer and consumer of it must agree).")
    var partitionCount: Int

    @Option(help: "Trim each partition to about this many entries (0: never).")
    var maxlen = 0

    @Option(help: "Lines read and added per round trip.")
    var batchSize = 1024

    @Option(help: "Most events in one entry of a partition (1: an `event` entry per line).")
    var eventsPerEntry = 100

    @Option(help: "Longest line routed, in bytes; a longer one is answered with an error verdict.")
    var maxLineBytes = 1 << 20

    func validate() throws {
        _ = try address()
        guard !redisStream.isEmpty else { throw ValidationError("--redis-stream must not be empty") }
        guard (1...65_536).contains(partitionCount) else {
            throw ValidationError("--partition-count must be between 1 and 65536")
        }
        guard maxlen >= 0 else { throw ValidationError("--maxlen must not be negative") }
        guard (1...100_000).contains(batchSize) else {
            throw ValidationError("--batch-size must be between 1 and 100000")
        }
        guard (1...10_000).contains(eventsPerEntry) else {
            throw ValidationError("--events-per-entry must be between 1 and 10000")
        }
        guard (64...(64 << 20)).contains(maxLineBytes) else {
            throw ValidationError("--max-line-bytes must be from 64 to 67108864 (64 MiB)")
        }
    }

    private func address() throws -> SharedAddress { try SharedAddress.redisOption(redis) }

    /// An entry of several events stops growing at this size (a longer line gets one of its own).
    static let entryBytes = 1 << 20

    func run() throws {
        let partitions = StreamPartitions(stream: redisStream, count: partitionCount)
        let address = try address()
        let connection: RedisConnection
        do throws(SharedError) {
            connection = try RedisConnection(address, timeoutMilliseconds: 5000)
        } catch {
            printError("winnow: route: \(error.message)")
            throw ExitCode(1)
        }
        // Each partition's XADD up to the field's name, made once.
        let trim = maxlen > 0 ? ["MAXLEN", "~", String(maxlen)] : []
        let field = eventsPerEntry == 1 ? StreamEntry.eventField : StreamEntry.eventsField
        let prefixes = (0..<partitionCount).map { partition in
            (["XADD", partitions.key(partition)] + trim + ["*", field]).map { Array($0.utf8) }
        }
        let skippedPrefix = (["XADD", partitions.key(0)] + trim + ["*", StreamEntry.skippedField]).map {
            Array($0.utf8)
        }
        let decoder = EventDecoder()
        let reader = LineReader(fd: STDIN_FILENO, maxLineBytes: maxLineBytes)
        var batch: [InputLine] = []
        var perPartition = [Int](repeating: 0, count: partitionCount)
        // Per partition, the entry being filled: its lines joined by newlines, and how many;
        // and the partitions this read has lines for (a read touches few of many partitions).
        var pending = [[UInt8]](repeating: [], count: partitionCount)
        var pendingLines = [Int](repeating: 0, count: partitionCount)
        var touched: [Int] = []
        var skipped = 0
        while reader.nextBatch(maxLines: batchSize, into: &batch) {
            var commands: [[[UInt8]]] = []
            commands.reserveCapacity(batch.count)
            func flush(_ partition: Int) {
                guard pendingLines[partition] > 0 else { return }
                commands.append(prefixes[partition] + [pending[partition]])
                pending[partition].removeAll(keepingCapacity: true)
                pendingLines[partition] = 0
            }
            for line in batch {
                switch line {
                case .tooLong(let number, let atLeast):
                    // In its place, in partition 0's order, an entry saying why: the consumer
                    // answers it with an error verdict, as `filter` answers such a line.
                    let reason =
                        "line \(number) of route's input is longer than --max-line-bytes \(maxLineBytes) (at least \(atLeast) bytes)"
                    printError("winnow: route: \(reason); an error entry stands for it")
                    flush(0)
                    commands.append(skippedPrefix + [Array(reason.utf8)])
                    perPartition[0] += 1
                    skipped += 1
                case .line(let number, let range):
                    let bytes = UnsafeRawBufferPointer(rebasing: reader.bytes[range])
                    let partition = bytes.withMemoryRebound(to: UInt8.self) { text in
                        switch decoder.decode(text, lineNumber: number) {
                        case .success(let event): partitions.partition(ofAuthor: event.author)
                        case .failure: 0
                        }
                    }
                    perPartition[partition] += 1
                    if pendingLines[partition] > 0, pending[partition].count + 1 + bytes.count > Self.entryBytes {
                        flush(partition)
                    }
                    if pendingLines[partition] > 0 {
                        pending[partition].append(UInt8(ascii: "\n"))
                    } else {
                        touched.append(partition)
                    }
                    pending[partition].append(contentsOf: bytes)
                    pendingLines[partition] += 1
                    if pendingLines[partition] == eventsPerEntry { flush(partition) }
                }
            }
            // What this read brought is sent now: batching never waits for more input.
            for partition in touched { flush(partition) }
            touched.removeAll(keepingCapacity: true)
            let replies: [RedisReply]
            do throws(SharedError) {
                replies = try connection.pipeline(bytes: commands)
            } catch {
                printError("winnow: route: \(error.message) (the lines of this batch may be added in part)")
                throw ExitCode(1)
            }
            if let failed = replies.first(where: { if case .error = $0 { true } else { false } }) {
                printError("winnow: route: XADD failed: \(failed)")
                throw ExitCode(1)
            }
            batch.removeAll(keepingCapacity: true)
        }
        let routed = perPartition.reduce(0, +)
        printError(
            "winnow: route: \(routed) events to \(partitionCount) partitions of \(redisStream) (most in one: "
                + "\(perPartition.max() ?? 0), fewest: \(perPartition.min() ?? 0))"
                + (skipped > 0 ? "; \(skipped) of them lines too long, each an error entry" : ""))
    }
}
