import Testing
import WinnowCore
@testable import WinnowLimits

/// The repeat rule's table of each author's last words, and the sites the community links to.
@Suite("Last words and common sites")
struct LastWordsTests {
    static func set(_ values: [UInt64]) -> SmallWordSet {
        values.map { $0 << 53 }.withUnsafeBufferPointer { SmallWordSet(hashes: $0) }
    }

    @Test("an author's last words come back whole; another author's key finds nothing; a new comment replaces them")
    func storeAndLoad() throws {
        let state = BehaviorState(maxAuthors: 1_024)
        let author = BehaviorState.authorKey("ivy")
        #expect(state.lastWords.load(author: author) == nil)
        let words = Self.set(Array(1...15))
        state.lastWords.store(author: author, words, allWords: 40, second: 1_000_000)
        let entry = try #require(state.lastWords.load(author: author))
        #expect(entry == LastWords.Entry(set: words, allWords: 40, second: 1_000_000))
        #expect(state.lastWords.load(author: BehaviorState.authorKey("max")) == nil)
        // The same entry of the table with another tag: found for that author only.
        let other = author ^ (1 << 30)
        state.lastWords.store(author: other, Self.set([9]), allWords: 200, second: 5)
        #expect(state.lastWords.load(author: author) == nil)
        #expect(state.lastWords.load(author: other) == LastWords.Entry(set: Self.set([9]), allWords: 127, second: 5))
        // A comment of too many words is kept as "none" (the empty set).
        state.lastWords.store(author: other, .empty, allWords: 80, second: 6)
        #expect(state.lastWords.load(author: other)?.set == .empty)
        // Seconds far apart stay apart (kept modulo 2^28, not 2^16).
        state.lastWords.store(author: author, words, allWords: 3, second: (1_000_000 + 65_536) & LastWords.secondMask)
        #expect(state.lastWords.load(author: author)?.second == 1_065_536)
    }

    @Test("a site counts established authors, one author's links in a row once, and starts over after its window")
    func commonSites() {
        let state = BehaviorState(maxAuthors: 1_024)
        let sites = state.commonSites
        let a = BehaviorState.authorKey("a"), b = BehaviorState.authorKey("b"), c = BehaviorState.authorKey("c")
        #expect(sites.authors(site: 77, hour: 10, windowHours: 24) == 0)
        sites.record(site: 77, author: a, hour: 10, windowHours: 24)
        sites.record(site: 77, author: a, hour: 10, windowHours: 24)
        #expect(sites.authors(site: 77, hour: 10, windowHours: 24) == 1)
        sites.record(site: 77, author: b, hour: 11, windowHours: 24)
        sites.record(site: 77, author: c, hour: 12, windowHours: 24)
        #expect(sites.authors(site: 77, hour: 12, windowHours: 24) == 3)
        // Another site in the same place of the table (same low 12 bits) pushes it out.
        #expect(sites.authors(site: 77 + 4_096, hour: 12, windowHours: 24) == 0)
        // A whole window without a link there: not common any more, and counting starts over.
        #expect(sites.authors(site: 77, hour: 12 + 24, windowHours: 24) == 0)
        sites.record(site: 77, author: a, hour: 12 + 24, windowHours: 24)
        #expect(sites.authors(site: 77, hour: 12 + 24, windowHours: 24) == 1)
    }
}
