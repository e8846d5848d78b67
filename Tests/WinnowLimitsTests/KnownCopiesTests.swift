import Testing
import WinnowLimits
import WinnowTestSupport

/// The known-spam bank in memory against what it must find: every stored sketch, and copies
/// with one value changed (one change breaks at most two of the four bands); no unrelated one.
@Suite("Known copies (the known-spam bank in memory)")
struct KnownCopiesTests {
    /// Eight random 6-bit values.
    func sketch(_ random: inout some RandomNumberGenerator) -> UInt64 {
        (0..<8).reduce(UInt64(0)) { $0 | (random.next() & 0x3F) << (6 * UInt64($1)) } | 1
    }

    @Test("stored sketches and their one-value variants are found with their counts; unrelated ones are not")
    func findsWhatWasStored() {
        // The bank is a view of memory the state owns: the state must outlive it.
        let state = BehaviorState(maxAuthors: 8)
        defer { withExtendedLifetime(state) {} }
        let bank = state.knownCopies
        #expect(bank.isEmpty)
        var random = SplitMix(seed: 6)
        var stored: [KnownCopies.Entry] = []
        for k in 0..<64 {
            let entry = KnownCopies.Entry(values: sketch(&random), removals: k % 5 + 1, approvals: k % 3)
            bank.store(entry)
            stored.append(entry)
        }
        #expect(!bank.isEmpty)
        var found = 0
        for entry in stored {
            // Collisions among 64 sketches in 16,384 slots per band may push one out of a band,
            // never out of all four.
            if bank.entry(matching: entry.values, minMatches: 8) == entry { found += 1 }
            let changedValue = Int(random.next() % 8)
            let variant = entry.values ^ (UInt64(random.next() % 63 + 1) << (6 * UInt64(changedValue)))
            #expect(bank.entry(matching: variant, minMatches: 7)?.removals == entry.removals)
            #expect(bank.entry(matching: variant, minMatches: 8) == nil)
        }
        #expect(found == 64)
        var strangers = 0
        for _ in 0..<1000 where bank.entry(matching: sketch(&random), minMatches: 6) != nil { strangers += 1 }
        #expect(strangers == 0)
    }

    @Test("a later decision on the same sketch replaces the counts; counts beyond 255 are capped")
    func latestCountsWin() {
        let state = BehaviorState(maxAuthors: 8)
        defer { withExtendedLifetime(state) {} }
        let bank = state.knownCopies
        let values: UInt64 = 0x0123_4567_89AB
        bank.store(KnownCopies.Entry(values: values, removals: 1, approvals: 0))
        bank.store(KnownCopies.Entry(values: values, removals: 300, approvals: 2))
        #expect(
            bank.entry(matching: values, minMatches: 8)
                == KnownCopies.Entry(values: values, removals: 255, approvals: 2))
    }
}
