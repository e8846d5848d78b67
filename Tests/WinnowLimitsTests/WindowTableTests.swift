import Dispatch
import Synchronization
import Testing
import WinnowLimits

@Suite("Window table")
struct WindowTableTests {
    let s = Micros.perSecond

    @Test("a key keeps its slot; a new key gets zeroed words")
    func claimAndFind() throws {
        let memory = WindowTable.Memory(capacity: 64, wordsPerSlot: 2)
        let table = memory.table
        defer { withExtendedLifetime(memory) {} }
        let a = try #require(table.slot(for: StableHash.hash("k42"), at: 10 * s))
        #expect(a.isNew)
        table.store(a, 1, 7)
        let again = try #require(table.slot(for: StableHash.hash("k42"), at: 11 * s))
        // It was last seen at 10 s.
        #expect(again == WindowTable.Slot(index: a.index, isNew: false, lastSeen: 10))
        #expect(table.load(again, 1) == 7)
        #expect(table.existingSlot(for: StableHash.hash("k42"))?.index == a.index)
        #expect(table.existingSlot(for: StableHash.hash("k43")) == nil)
        #expect(table.trackedKeys == 1)
        #expect(table.bytesPerKey == 28)
    }

    @Test("a full bucket evicts the key seen longest ago, and never a pinned one")
    func evictionIsLeastRecentlySeen() throws {
        // One bucket of eight: every key lands in it.
        let memory = WindowTable.Memory(capacity: 8, wordsPerSlot: 1, pinWord: 0) { word, now in
            Micros(bitPattern: word) > now
        }
        let table = memory.table
        defer { withExtendedLifetime(memory) {} }
        var slots: [UInt64: WindowTable.Slot] = [:]
        for key in UInt64(1)...8 {
            slots[key] = table.slot(for: StableHash.hash("k\(key)"), at: Micros(key) * s)!
        }
        table.store(slots[1]!, 0, UInt64(1_000 * s))  // key 1, the oldest, is pinned until t=1000 s
        _ = table.slot(for: StableHash.hash("k3"), at: 20 * s)  // key 3 seen again
        let newcomer = try #require(table.slot(for: StableHash.hash("k9"), at: 30 * s))
        #expect(newcomer.isNew)
        #expect(newcomer.index == slots[2]!.index)  // key 2: oldest that is not pinned
        #expect(table.existingSlot(for: StableHash.hash("k2")) == nil)
        #expect(table.existingSlot(for: StableHash.hash("k1")) != nil)
        #expect(table.load(newcomer, 0) == 0)
        #expect(table.evictions == 1)
        #expect(table.trackedKeys == 8)
    }

    @Test("a bucket full of pinned keys tracks no newcomer and says so")
    func allPinned() throws {
        let memory = WindowTable.Memory(capacity: 8, wordsPerSlot: 1, pinWord: 0) { word, now in
            Micros(bitPattern: word) > now
        }
        let table = memory.table
        defer { withExtendedLifetime(memory) {} }
        for key in UInt64(1)...8 {
            let slot = table.slot(for: StableHash.hash("k\(key)"), at: s)!
            table.store(slot, 0, UInt64(100 * s))
        }
        #expect(table.slot(for: StableHash.hash("k99"), at: 2 * s) == nil)
        #expect(table.untracked == 1)
        // Once the pins run out, the newcomer gets a slot.
        #expect(table.slot(for: StableHash.hash("k99"), at: 101 * s)?.isNew == true)
    }

    @Test("10,000 distinct keys in a table of 1,000: never more than 1,000 tracked")
    func boundedUnderChurn() {
        let memory = WindowTable.Memory(capacity: 1_000, wordsPerSlot: 3)
        let table = memory.table
        defer { withExtendedLifetime(memory) {} }
        for k in 0..<10_000 {
            _ = table.slot(for: StableHash.hash("author-\(k)"), at: Micros(k) * s)
        }
        #expect(table.capacity == 1_000)
        #expect(table.trackedKeys == 1_000)
        #expect(table.evictions == 9_000)
        // The most recent author of all is still tracked.
        #expect(table.existingSlot(for: StableHash.hash("author-9999")) != nil)
    }

    /// Several threads hammer the same authors at the same instants. With every event of a
    /// round at one time, the sequential model admits exactly `min(events, burst)` per author
    /// and round, whatever the interleaving: the lock-free table must agree exactly.
    @Test("concurrent GCRA updates agree with the sequential model")
    func concurrentAgreesWithModel() {
        let memory = WindowTable.Memory(capacity: 4_096, wordsPerSlot: 1)
        let table = memory.table
        defer { withExtendedLifetime(memory) {} }
        let limit = RateLimit(events: 7, period: 7 * s)
        let authors = 64
        let threads = 4
        let eventsPerThread = 5
        for round in 0..<20 {
            let now = Micros(round) * 3 * s
            let admittedTotals = Mutex([Int](repeating: 0, count: authors))
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                var admitted = [Int](repeating: 0, count: authors)
                defer { admittedTotals.withLock { totals in for a in 0..<authors { totals[a] += admitted[a] } } }
                for e in 0..<(authors * eventsPerThread) {
                    let author = (e * 31 + t * 17) % authors
                    guard let slot = table.slot(for: StableHash.hash("a\(author)"), at: now) else { continue }
                    var passed = false
                    _ = table.update(slot, 0) { tat in
                        passed = false
                        if case .conforms(let next) = limit.check(tat: Micros(bitPattern: tat), now: now) {
                            passed = true
                            return UInt64(bitPattern: next)
                        }
                        return nil
                    }
                    if passed { admitted[author] += 1 }
                }
            }
            let admitted = admittedTotals.withLock { $0 }
            // The model, sequentially.
            var modelTAT = [Micros](repeating: 0, count: authors)
            if round > 0 {
                // Replay every earlier round in the model (TATs carry over).
                modelTAT = modelTATs(limit: limit, authors: authors, events: threads * eventsPerThread, rounds: round)
            }
            for author in 0..<authors {
                var tat = modelTAT[author]
                var expected = 0
                for _ in 0..<(threads * eventsPerThread) {
                    if case .conforms(let next) = limit.check(tat: tat, now: now) {
                        tat = next
                        expected += 1
                    }
                }
                #expect(admitted[author] == expected, "round \(round), author \(author)")
            }
        }
    }

    private func modelTATs(limit: RateLimit, authors: Int, events: Int, rounds: Int) -> [Micros] {
        var tats = [Micros](repeating: 0, count: authors)
        for round in 0..<rounds {
            let now = Micros(round) * 3 * s
            for author in 0..<authors {
                for _ in 0..<events {
                    if case .conforms(let next) = limit.check(tat: tats[author], now: now) { tats[author] = next }
                }
            }
        }
        return tats
    }

    @Test("concurrent claims of many new keys never exceed the capacity")
    func concurrentClaims() {
        let memory = WindowTable.Memory(capacity: 512, wordsPerSlot: 2)
        let table = memory.table
        defer { withExtendedLifetime(memory) {} }
        DispatchQueue.concurrentPerform(iterations: 4) { t in
            for k in 0..<5_000 {
                _ = table.slot(for: StableHash.hash("t\(t)-\(k)"), at: Micros(k) * s)
            }
        }
        #expect(table.trackedKeys == 512)
        #expect(table.evictions + table.trackedKeys + table.untracked >= 20_000 - 8 * 4)
    }
}
