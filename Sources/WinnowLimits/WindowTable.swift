import Synchronization

/// A fixed-capacity table of per-key state (one slot per author, say), shared by every worker
/// thread and read and written without locks: each slot is a few 64-bit words, each changed
/// by compare-and-swap on its own.
///
/// The table is set-associative: a key lives in one bucket of eight entries. When its bucket is
/// full, a new key takes the entry of the key seen longest ago (the idle one) — unless that
/// entry is *pinned* (its pin word holds a time still to come, e.g. an author's ban), which is
/// never evicted.
///
/// An entry's state words are not stored with it: the first key to take an entry is given the
/// next free slot of a separate array of words (an arena, handed out in order), and the entry
/// keeps that slot for good, through evictions. Keys land in buckets at random, so the key
/// array's pages are all touched early; the arena's pages are touched only as keys arrive, in
/// order — so memory grows with the keys seen (a fresh page costs microseconds in a VM), up to
/// `capacity × (8 + 4 + 8 × wordsPerSlot)` bytes.
///
/// An entry's key word packs a 32-bit tag of the key's hash with the second it was last seen.
/// Two keys whose hashes agree on both the bucket and the tag share a slot (odds about 2⁻³² per
/// pair in a bucket). State words hold times, so the state of an evicted key, being idle, reads
/// as expired to whoever takes the slot; the new owner clears it right after claiming.
///
/// A view of memory a `WindowTable.Memory` owns (`BehaviorState` keeps it): copied freely,
/// retaining nothing, valid while the owner lives. Every worker and the window step call it on
/// every event: as a class, each call cost an atomic update of the table's reference count, a
/// count both cores shared.
public struct WindowTable: @unchecked Sendable {
    public static let ways = 8

    /// Most keys tracked at once.
    public let capacity: Int
    public let wordsPerSlot: Int
    private let bucketCount: Int
    private let keys: AtomicWords
    /// Per entry, its slot in `words` plus one (0: not handed out yet). Written once, while the
    /// entry is being claimed, before its key is published; read only after loading that key.
    private let slotOfEntry: UnsafeMutablePointer<UInt32>
    /// The arena of state words, `wordsPerSlot` per slot.
    private let words: AtomicWords
    /// `Counter`s.
    private let counters: AtomicWords
    private let pinWord: Int?
    /// A plain function (no captured context): the table holds nothing that is reference-counted.
    private let isPinning: (@convention(c) (UInt64, Micros) -> Bool)?

    private enum Counter {
        static let slotsHandedOut = 0, occupiedSlots = 1, evictedKeys = 2, untrackedEvents = 3, count = 4
    }

    /// A table over `memory`'s mappings; `capacity` is already a multiple of eight.
    fileprivate init(
        capacity: Int, wordsPerSlot: Int, pinWord: Int?, isPinning: (@convention(c) (UInt64, Micros) -> Bool)?,
        memory: borrowing Memory
    ) {
        bucketCount = capacity / Self.ways
        self.capacity = capacity
        self.wordsPerSlot = wordsPerSlot
        self.pinWord = pinWord
        self.isPinning = isPinning
        keys = AtomicWords(in: memory.keys)
        slotOfEntry = memory.slotOfEntry.bound(to: UInt32.self, count: capacity)
        words = AtomicWords(in: memory.words)
        counters = AtomicWords(in: memory.counters)
    }

    /// Bytes of state per tracked key: its key, its slot number, its words.
    public var bytesPerKey: Int { 8 + 4 + 8 * wordsPerSlot }

    /// Keys tracked now.
    public var trackedKeys: Int { Int(counters.load(Counter.occupiedSlots)) }
    /// Keys that lost their slot to a newer one since the start.
    public var evictions: Int { Int(counters.load(Counter.evictedKeys)) }
    /// Lookups that found no slot: the key's bucket was full of pinned keys.
    public var untracked: Int { Int(counters.load(Counter.untrackedEvents)) }

    /// A key word while its slot is being handed to a new key (tag 0: no real key has it, since
    /// tags are odd).
    static let claiming: UInt64 = 1

    /// The slot of `hash`, claimed for it when it has none (`isNew`, its words all zero), and
    /// marked as seen at `now`. `nil` only when the bucket is full of pinned keys.
    public func slot(for hash: UInt64, at now: Micros) -> Slot? {
        let bucket = firstSlot(of: hash)
        let tag = UInt64(UInt32(truncatingIfNeeded: hash >> 32) | 1)
        let second = UInt64(UInt32(clamping: max(1, now / Micros.perSecond)))
        var attempts = 0
        while attempts < 8 {
            // One pass over the keys looks for the key and, in case it is not there, notes the
            // slot to claim: two passes would miss a claim of the same key by another thread
            // between them. An empty slot is taken first; only a full bucket has its slots'
            // pins read (a cache miss each), the slot idle longest first.
            var busy = false
            var empty = -1
            var seen = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
            for way in 0..<Self.ways {
                let index = bucket + way
                let key = keys.load(index)
                if key >> 32 == tag {
                    if key & 0xFFFF_FFFF < second {
                        _ = keys.compareExchange(index, expected: key, desired: tag << 32 | second)
                    }
                    return Slot(index: slot(ofEntry: index), isNew: false, lastSeen: UInt32(truncatingIfNeeded: key))
                }
                if key == Self.claiming {
                    busy = true
                } else if key == 0 {
                    if empty < 0 { empty = index }
                } else {
                    withUnsafeMutableBytes(of: &seen) { $0.storeBytes(of: key, toByteOffset: way * 8, as: UInt64.self) }
                }
            }
            // A slot of this bucket is being handed to a new key, maybe ours: claiming one of our
            // own now could track one author twice. The hand-over is a few stores: look again.
            if busy { continue }
            attempts += 1
            var victim = empty
            var victimKey: UInt64 = 0
            if victim < 0 {
                (victim, victimKey) = idlest(bucket, keys: seen, now: now)
            }
            guard victim >= 0 else {
                counters.increment(Counter.untrackedEvents)
                return nil
            }
            if victimKey == 0 {
                // Never used: it gets the arena's next slot, whose words are still zero, before
                // its key is published.
                guard keys.compareExchange(victim, expected: 0, desired: Self.claiming).exchanged else { continue }
                let slot = Int(counters.increment(Counter.slotsHandedOut))
                assert(slot < capacity, "each entry takes one arena slot, once")
                slotOfEntry[victim] = UInt32(slot + 1)
                keys.store(victim, tag << 32 | second)
                counters.increment(Counter.occupiedSlots)
                return Slot(index: slot, isNew: true)
            }
            // Evicting: mark the entry as being claimed, clear the old author's words, then
            // publish the new key — so that no thread sees the new key with stale words, or
            // updates words that are about to be cleared.
            guard keys.compareExchange(victim, expected: victimKey, desired: Self.claiming).exchanged else { continue }
            let slot = self.slot(ofEntry: victim)
            for word in 0..<wordsPerSlot { words.store(slot * wordsPerSlot + word, 0) }
            keys.store(victim, tag << 32 | second)
            counters.increment(Counter.evictedKeys)
            return Slot(index: slot, isNew: true)
        }
        counters.increment(Counter.untrackedEvents)
        return nil
    }

    /// The first slot of `hash`'s bucket: the low 32 bits of the hash, scaled to the buckets.
    @inline(__always)
    private func firstSlot(of hash: UInt64) -> Int {
        Int((UInt64(UInt32(truncatingIfNeeded: hash)) &* UInt64(bucketCount)) >> 32) * Self.ways
    }

    /// Starts loading what a lookup of `hash` reads first (its bucket's keys) and, with the slot
    /// it had when last seen, that slot's words: issued a few events ahead, the cache misses of
    /// a table of tens of megabytes overlap instead of stalling one after the other.
    @inline(__always)
    public func prefetch(_ hash: UInt64, slot: Int?) {
        let bucket = firstSlot(of: hash)
        keys.prefetch(bucket)
        Prefetch.lines(of: slotOfEntry + bucket)
        if let slot { words.prefetch(slot * wordsPerSlot) }
    }

    /// Starts loading the words of `hash`'s slot, if it has one: the second step after
    /// `prefetch`, once the bucket's keys are in cache.
    @inline(__always)
    public func prefetchWords(_ hash: UInt64) {
        if let slot = existingSlot(for: hash) { words.prefetch(slot.index * wordsPerSlot) }
    }

    /// The slot of `hash` if it is tracked; never claims one.
    public func existingSlot(for hash: UInt64) -> Slot? {
        let bucket = firstSlot(of: hash)
        let tag = UInt64(UInt32(truncatingIfNeeded: hash >> 32) | 1)
        for way in 0..<Self.ways where keys.load(bucket + way) >> 32 == tag {
            return Slot(index: slot(ofEntry: bucket + way), isNew: false)
        }
        return nil
    }

    /// The arena slot of a published entry (its key loaded first: the slot number was written
    /// before the key).
    @inline(__always)
    private func slot(ofEntry entry: Int) -> Int { Int(slotOfEntry[entry]) - 1 }

    @inline(__always)
    public func load(_ slot: Slot, _ word: Int) -> UInt64 { words.load(slot.index * wordsPerSlot + word) }

    @inline(__always)
    public func store(_ slot: Slot, _ word: Int, _ value: UInt64) {
        words.store(slot.index * wordsPerSlot + word, value)
    }

    /// Applies `transform` atomically (compare-and-swap loop); `nil` from it leaves the word.
    @inline(__always)
    public func update(_ slot: Slot, _ word: Int, _ transform: (UInt64) -> UInt64?) -> (old: UInt64, new: UInt64) {
        words.update(slot.index * wordsPerSlot + word, transform)
    }

    /// In a full bucket whose `keys` were just read, the slot seen longest ago that is not
    /// pinned, and its key (ties: the first); -1 when every slot is pinned.
    private func idlest(
        _ bucket: Int, keys: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64), now: Micros
    ) -> (index: Int, key: UInt64) {
        var keys = keys
        return withUnsafeBytes(of: &keys) { raw in
            var checked: UInt8 = 0  // ways found pinned
            while true {
                var best = -1
                var bestSeen = UInt64.max
                for way in 0..<Self.ways where checked & 1 << way == 0 {
                    let seen = raw.load(fromByteOffset: way * 8, as: UInt64.self) & 0xFFFF_FFFF
                    if seen < bestSeen {
                        best = way
                        bestSeen = seen
                    }
                }
                guard best >= 0 else { return (-1, 0) }
                if !isPinned(bucket + best, now: now) {
                    return (bucket + best, raw.load(fromByteOffset: best * 8, as: UInt64.self))
                }
                checked |= 1 << best
            }
        }
    }

    private func isPinned(_ entry: Int, now: Micros) -> Bool {
        guard let pinWord, let isPinning else { return false }
        return isPinning(words.load(slot(ofEntry: entry) * wordsPerSlot + pinWord), now)
    }

    /// A claimed slot of the table.
    public struct Slot: Sendable, Equatable {
        /// The slot's place in the arena of state words (not the key's entry).
        public let index: Int
        /// The key had no slot before this lookup.
        public let isNew: Bool
        /// The whole second the key was last looked up before (by `slot(for:at:)`; 0 when new or
        /// not known): e.g. the author's previous comment.
        public let lastSeen: UInt32

        public init(index: Int, isNew: Bool, lastSeen: UInt32 = 0) {
            self.index = index
            self.isNew = isNew
            self.lastSeen = lastSeen
        }
    }
}

extension WindowTable {
    /// The memory of one window table, owned: non-copyable, so it is unmapped exactly once,
    /// when its owner goes. `table` is the view every thread uses.
    public struct Memory: ~Copyable, Sendable {
        fileprivate let keys: MappedMemory
        fileprivate let slotOfEntry: MappedMemory
        fileprivate let words: MappedMemory
        fileprivate let counters: MappedMemory
        private let capacity: Int
        private let wordsPerSlot: Int
        private let pinWord: Int?
        private let isPinning: (@convention(c) (UInt64, Micros) -> Bool)?

        /// `capacity` is rounded up to a multiple of eight. A slot whose word `pinWord` makes
        /// `isPinning(word, now)` true is never evicted.
        public init(
            capacity: Int, wordsPerSlot: Int, pinWord: Int? = nil,
            isPinning: (@convention(c) (UInt64, Micros) -> Bool)? = nil
        ) {
            precondition(capacity > 0 && wordsPerSlot > 0)
            let rounded = (capacity + WindowTable.ways - 1) / WindowTable.ways * WindowTable.ways
            precondition(rounded < Int(UInt32.max))
            keys = MappedMemory(words: rounded)
            slotOfEntry = MappedMemory(bytes: rounded * MemoryLayout<UInt32>.stride)
            words = MappedMemory(words: rounded * wordsPerSlot)
            counters = MappedMemory(words: Counter.count)
            self.capacity = rounded
            self.wordsPerSlot = wordsPerSlot
            self.pinWord = pinWord
            self.isPinning = isPinning
        }

        /// A view of this memory, valid while this value lives.
        public var table: WindowTable {
            WindowTable(
                capacity: capacity, wordsPerSlot: wordsPerSlot, pinWord: pinWord, isPinning: isPinning, memory: self)
        }
    }
}
