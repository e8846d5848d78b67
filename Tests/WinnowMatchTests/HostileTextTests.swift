import Testing
@testable import WinnowMatch
import WinnowText
import WinnowTestSupport

/// Long hostile comments: every stage after PCRE2 is linear in the text (these inputs took
/// minutes when a stage was quadratic) and gives what the simple definition gives.
@Suite("Stop-word matching on hostile text")
struct HostileTextTests {
    func match(_ set: StopwordSet, _ text: String) -> StopwordMatches {
        var normalized = NormalizedText()
        var copy = text
        copy.withUTF8 { Normalizer().normalize($0, into: &normalized, folded: set.needsFoldedView) }
        var result = StopwordMatches()
        set.match(normalized, scratch: MatchScratch(), into: &result)
        return result
    }

    @Test("wildcard widening walked the whole word once per hit: one long word of repeated terms")
    func wildcardWideningWasQuadratic() throws {
        let set = try compile([("en/p", "*fuck*")])
        let word = String(repeating: "fuck", count: 65_536)
        let result = match(set, word + " ok")
        // Every hit widens to the whole word; nested duplicates of one list collapse to one.
        #expect(result.hits.map(\.original) == [0..<word.utf8.count])
    }

    @Test("removing nested hits compared every hit with every other: many separate hits")
    func nestedHitRemovalWasQuadratic() throws {
        let set = try compile([("en/p", "shit*\n*shit")])
        let result = match(set, String(repeating: "shit ", count: 100_000))
        #expect(result.hits.count == 100_000)
        #expect(result.hits.allSatisfy { $0.original.count == 4 })
    }

    @Test("removing allowed hits compared every hit with every allowed range")
    func allowRemovalWasQuadratic() throws {
        let set = try compile([("en/p", "shit*\n!shittim*")])
        let result = match(set, String(repeating: "shittim ", count: 60_000) + "shit")
        #expect(result.hits.map(\.original) == [480_000..<480_004])
    }

    @Test("keepOutermost agrees with the pairwise definition", arguments: 0..<20)
    func keepOutermostAgreesWithPairwise(seed: UInt64) {
        var random = SplitMix(seed: seed &+ 0x9E37_79B9_7F4A_7C15)
        let hits = (0..<200).map { _ in
            let lower = Int(random.next() % 300)
            return StopwordHit(
                list: Int(random.next() % 3), entry: Int(random.next() % 4),
                original: lower..<(lower + 1 + Int(random.next() % 12)))
        }
        var fast = hits
        StopwordSet.keepOutermost(&fast)
        // The definition: sorted the same way, a hit stays unless one kept before it, of its
        // list, contains it.
        var sorted = hits
        sorted.sort { a, b in
            if a.original.lowerBound != b.original.lowerBound { return a.original.lowerBound < b.original.lowerBound }
            if a.original.upperBound != b.original.upperBound { return a.original.upperBound > b.original.upperBound }
            return a.list != b.list ? a.list < b.list : a.entry < b.entry
        }
        var kept: [StopwordHit] = []
        for hit in sorted
        where !kept.contains(where: {
            $0.list == hit.list && $0.original.lowerBound <= hit.original.lowerBound
                && hit.original.upperBound <= $0.original.upperBound
        }) {
            kept.append(hit)
        }
        #expect(fast == kept)
    }

    @Test("removeInside agrees with the pairwise definition and keeps the hits' order", arguments: 0..<20)
    func removeInsideAgreesWithPairwise(seed: UInt64) {
        var random = SplitMix(seed: seed &+ 0x9E37_79B9_7F4A_7C15)
        func range() -> Range<Int> {
            let lower = Int(random.next() % 300)
            return lower..<(lower + 1 + Int(random.next() % 20))
        }
        let hits = (0..<150).map { k in StopwordHit(list: k % 2, entry: k, original: range()) }
        let allowed = (0..<Int(random.next() % 40)).map { _ in range() }
        var fast = hits
        StopwordSet.removeInside(allowed, from: &fast)
        let slow = hits.filter { hit in
            !allowed.contains { $0.lowerBound <= hit.original.lowerBound && hit.original.upperBound <= $0.upperBound }
        }
        #expect(fast == slow)
    }
}
