import Testing
import WinnowCore
import WinnowTestSupport

/// The exact word sets the repeat rule compares short comments by, against a plain `Set` model.
@Suite("Small word sets")
struct SmallWordSetTests {
    /// A hash whose 11-bit value is `value` (the top 11 bits), with noise below.
    static func hash(_ value: UInt64, _ noise: UInt64) -> UInt64 { value << 53 | noise & (1 << 53 - 1) }

    static func set(_ hashes: [UInt64]) -> SmallWordSet {
        hashes.withUnsafeBufferPointer { SmallWordSet(hashes: $0) }
    }

    @Test("sets, counts and shared words agree with Set on 5,000 random pairs (few distinct values: many shared)")
    func matchesSets() throws {
        var random = SplitMix(seed: 0x5e7)
        for round in 0..<5_000 {
            let range: UInt64 = round % 2 == 0 ? 9 : 30
            func draw() -> [UInt64] {
                (0..<Int(random.next() % 24 + 1)).map { _ in Self.hash(random.next() % range + 1, random.next()) }
            }
            let a = draw(), b = draw()
            func bottom(_ hashes: [UInt64]) -> Set<UInt64> { Set(Set(hashes.map { $0 >> 53 }).sorted().prefix(15)) }
            let modelA = bottom(a), modelB = bottom(b)
            let setA = Self.set(a), setB = Self.set(b)
            #expect(setA.values == modelA.sorted())
            #expect(setA.count == modelA.count)
            #expect(setA.shared(with: setB) == modelA.intersection(modelB).count)
            #expect(setB.shared(with: setA) == modelA.intersection(modelB).count)
            let shared = modelA.intersection(modelB).count
            let same = modelA == modelB
            let missing = max(modelA.count, modelB.count) - shared
            for allowed in 1...2 {
                let expected: Int? = same ? 0 : shared >= 2 && missing <= allowed ? missing : nil
                #expect(setA.wordsMissing(from: setB, allowed: allowed) == expected)
            }
        }
    }

    @Test("no words is the empty set; more than 15 keep the 15 smallest; a value of 0 is kept as 1")
    func limits() throws {
        #expect(Self.set([]) == .empty)
        // More than 15 words: the 15 smallest values.
        #expect(Self.set((1...40).reversed().map { Self.hash($0 * 3, 0) }).values == (1...15).map { $0 * 3 })
        #expect(Self.set((1...15).map { Self.hash(7, $0) }).values == [7])
        #expect(Self.set([Self.hash(0, 99), Self.hash(2047, 1)]).values == [1, 2047])
        // Four values of 11 bits fit below the marker's bit in the first part; 15 in three parts.
        let four = Self.set((0..<4).map { Self.hash(2044 + UInt64($0), 0) })
        #expect(four.values == [2044, 2045, 2046, 2047])
        #expect(four.parts.0 < SmallWordSet.marker && four.parts.1 == 0)
        #expect(SmallWordSet(first: four.parts.0) == four)
        let full = Self.set((0..<15).map { Self.hash(100 + UInt64($0) * 7, 0) })
        #expect(full.values == (0..<15).map { 100 + UInt64($0) * 7 })
        #expect(full.count == 15)
    }

    @Test(
        "one word changed, added or left out is near; one shared word of two or three is not",
        arguments: [
            ([1, 2, 3], [1, 2, 4], true), ([1, 2, 3], [1, 2, 3, 4], true), ([1, 2, 3], [1, 2], true),
            ([1, 2], [1, 3], false), ([1, 2, 3], [1, 4, 5], false), ([1, 2, 3, 4], [1, 2, 5, 6], false),
            ([1, 2, 3, 4], [1, 2, 3, 5, 6], false), ([1], [1], true),
        ] as [([UInt64], [UInt64], Bool)])
    func nearCopies(a: [UInt64], b: [UInt64], near: Bool) throws {
        let setA = Self.set(a.map { Self.hash($0, 0) })
        let setB = Self.set(b.map { Self.hash($0, 0) })
        #expect((setA.wordsMissing(from: setB, allowed: 1) != nil) == near)
    }
}
