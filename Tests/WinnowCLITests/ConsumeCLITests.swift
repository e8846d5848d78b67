import Foundation
import Testing
import WinnowAudit
import WinnowShared

/// `winnow consume` as processes: several consumers on one real Redis Stream, one killed.
@Suite("winnow consume")
struct ConsumeCLITests {
    let wordlists = WinnowProcess.repository.appendingPathComponent("Tests/Fixtures/wordlists").path
    let sample = WinnowProcess.repository.appendingPathComponent(
        "Tests/Fixtures/comments/youtube-spam-collection.ndjson")

    func length(_ redis: RedisConnection, _ key: String) throws -> Int64 {
        guard case .integer(let count) = try redis.command(["XLEN", key]) else { return -1 }
        return count
    }

    @Test("a consumer killed mid-stream: another claims its pending entries; every entry answered exactly once")
    func killedConsumerIsTakenOver() throws {
        let directory = try WinnowProcess.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try PrivateRedis(in: directory)
        let redis = try RedisConnection(SharedAddress(parsing: server.url))
        // The bundled sample three times over, each copy with ids of its own (a redelivered
        // entry whose id a consumer has judged before is answered from its trail, not judged).
        let lines = try String(contentsOf: sample, encoding: .utf8).split(separator: "\n").map(String.init)
        let events = (0..<3).flatMap { copy in
            lines.map { $0.replacingOccurrences(of: #"{"id":""#, with: #"{"id":"\#(copy)-"#) }
        }
        #expect(Set(events).count == events.count)
        for start in stride(from: 0, to: events.count, by: 500) {
            _ = try redis.pipeline(
                events[start..<min(start + 500, events.count)].map { ["XADD", "in", "*", "event", $0] })
        }
        let common = [
            "--redis", server.url, "--redis-stream", "in", "--group", "g", "--wordlists", wordlists, "--batch-size",
            "50",
        ]
        let a = try WinnowProcess.start(
            ["consume"] + common + ["--consumer", "a", "--audit", "a.sqlite", "--workers", "1"], in: directory)
        // Killed (as a crash: SIGKILL) once it has answered a few batches.
        var waited = 0
        while try length(redis, "in:verdicts") < 200, waited < 3000 {
            usleep(10_000)
            waited += 1
        }
        kill(a.processIdentifier, SIGKILL)
        a.waitUntilExit()
        let answeredByA = try length(redis, "in:verdicts")
        #expect(
            answeredByA >= 200 && answeredByA < Int64(events.count), "a answered \(answeredByA) before it was killed")

        let b = try WinnowProcess.run(
            ["consume"] + common + ["--consumer", "b", "--audit", "b.sqlite", "--claim-idle", "0.2", "--drain"],
            in: directory)
        #expect(b.status == 0, "\(b.stderr)")
        #expect(b.stderr.contains("winnow: consume b: "), "\(b.stderr)")
        // Every entry answered, none twice, nothing left pending.
        guard case .array(let items) = try redis.command(["XRANGE", "in:verdicts", "-", "+"]) else {
            Issue.record("no verdict stream")
            return
        }
        let entries = items.compactMap { item -> String? in
            guard case .array(let parts) = item, case .array(let fields) = parts[1] else { return nil }
            return fields[1].text
        }
        #expect(entries.count == events.count)
        #expect(Set(entries).count == events.count)
        guard case .array(let pending) = try redis.command(["XPENDING", "in", "g"]) else { return }
        #expect(pending.first == .integer(0))
        // Each verdict the consumers wrote has its audit row (a's rows may include a batch it
        // recorded but did not live to answer: b judged that one again).
        let rowsA = try AuditStore(path: directory.appendingPathComponent("a.sqlite").path).count(.events)
        let rowsB = try AuditStore(path: directory.appendingPathComponent("b.sqlite").path).count(.events)
        #expect(rowsA >= Int(answeredByA))
        #expect(rowsA + rowsB >= events.count)
        #expect(rowsA + rowsB <= events.count + 50)
    }
}
