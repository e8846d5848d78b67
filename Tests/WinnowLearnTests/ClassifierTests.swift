import Foundation
import Testing
@testable import WinnowLearn
import WinnowText
import WinnowTestSupport

@Suite("Learned scoring: features, model, training")
struct ClassifierTests {
    let hasher = FeatureHasher(bits: 16)
    let shape = Shape(links: 0, mentions: 0, length: 20, letters: 15, uppercase: 1, visible: 18, symbols: 0)

    func skeleton(_ text: String) -> NormalizedText { Normalizer().normalize(text) }

    func vector(_ text: String, shape: Shape? = nil) -> SparseVector {
        skeleton(text).skeleton.withBytes { hasher.vector(skeleton: $0, shape: shape ?? self.shape) }
    }

    func names(_ text: String, hasher: FeatureHasher? = nil) -> [String] {
        skeleton(text).skeleton.withBytes { (hasher ?? self.hasher).named(skeleton: $0, shape: shape) }.map {
            "\($0.kind.prefix.description)\($0.name)"
        }
    }

    @Test("the names of a comment's features, in order")
    func featureNames() {
        #expect(
            names("Sub 2 me") == [
                "w:sub", "w:2", "w:me", "b:sub 2", "b:2 me", "c:<su", "c:sub", "c:ub>", "c:<2>", "c:<me", "c:me>",
                "s:links=0", "s:ment=0", "s:len=4", "s:caps=1", "s:sym=0",
            ])
        #expect(
            names("Sub 2 me", hasher: FeatureHasher(bits: 16, gramLengths: 3...5)) == [
                "w:sub", "w:2", "w:me", "b:sub 2", "b:2 me",
                "c:<su", "c:sub", "c:ub>", "c:<sub", "c:sub>", "c:<sub>", "c:<2>", "c:<me", "c:me>", "c:<me>",
                "s:links=0", "s:ment=0", "s:len=4", "s:caps=1", "s:sym=0",
            ])
    }

    @Test(
        "disguised spellings give the same features as plain ones",
        arguments: [
            "CHECK OUT MY CHANNEL", "ch3ck out my chaaaannel", "сheck out my channel", "ｃｈｅｃｋ ｏｕｔ ｍｙ ｃｈａｎｎｅｌ",
            "check-out my channel!!",
        ])
    func disguisesGiveTheSameFeatures(text: String) {
        #expect(vector(text) == vector("check out my channel"))
    }

    @Test("values: every occurrence counts, each kind scaled by 1/√(its occurrences); buckets sorted, once each")
    func values() {
        let v = vector("buy buy cheap followers")
        #expect(v.buckets == v.buckets.sorted())
        #expect(Set(v.buckets).count == v.count)
        func value(_ id: UInt64) -> Double? {
            v.buckets.firstIndex(of: UInt32(hasher.bucket(id))).map { v.values[$0] }
        }
        // Four words: `buy` twice is worth 2/√4, `cheap` once 1/√4; three bigrams, one each.
        #expect(value(FeatureHasher.wordID(raw("buy"))) == 1.0)
        #expect(value(FeatureHasher.wordID(raw("cheap"))) == 0.5)
        #expect(value(FeatureHasher.bigramID(raw("buy"), raw("buy"))) == 1 / Double(3).squareRoot())
    }

    /// FNV-1a of a word's bytes, as the walk hashes it before finishing.
    func raw(_ word: String) -> UInt64 { word.utf8.reduce(FNV.offset) { FNV.add($1, to: $0) } }

    @Test("a byte's class in the walk's table is its character's class in the reference's decoding")
    func wordBytesMatchDecoding() {
        var mismatches: [UInt32] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let lead = Array(String(Character(scalar)).utf8)[0]
            let walk = WordBytes.table[Int(lead)] == WordBytes.word
            if walk != SkeletonWords.isWordCharacter(value) { mismatches.append(value) }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
        #expect((0x80...0xBF).allSatisfy { WordBytes.table[$0] == WordBytes.continuation })
    }

    /// Models whose scores take each path of `LinearModel.margins`: the bundled settings (the
    /// written-out walk), two or three gram lengths and fewer kinds (the walk, packed sums), a
    /// third label (integer sums per label), a length-2 gram.
    static let scoringSettings: [(hasher: FeatureHasher, labels: Int)] = [
        (FeatureHasher(bits: 16), 2), (FeatureHasher(bits: 16), 1), (FeatureHasher(bits: 16, gramLengths: 2...2), 2),
        (FeatureHasher(bits: 16, gramLengths: 3...5), 2),
        (FeatureHasher(bits: 12, kinds: [.word, .bigram, .shape]), 2),
        (FeatureHasher(bits: 16), 3),
    ]

    @Test("scores agree with a slow reference over the named features, on every scoring path", arguments: 0..<6)
    func scoresAgreeWithReference(setting: Int) {
        let (hasher, labelCount) = Self.scoringSettings[setting]
        var random = SplitMix(seed: UInt64(setting))
        let biases = [-0.5, 0.25, 1.0]
        let given = (0..<labelCount).map { label in
            (0..<(1 << hasher.bits)).map { _ in Float(Int(random.next() % 2001) - 1000) / Float(500 + 200 * label) }
        }
        let model = LinearModel(
            hasher: hasher,
            labels: (0..<labelCount).map { .init(name: "label\($0)", bias: biases[$0], weights: given[$0]) })
        // The model holds its weights rounded to 16-bit integers of a power of two.
        #expect(model.labels[0].weights != given[0])
        #expect(zip(model.labels[0].weights, given[0]).allSatisfy { abs($0 - $1) <= 2.0 / 32_767 })
        for text in Self.randomTexts(seed: UInt64(setting), count: 100) + [
            "", "!!!", String(repeating: "spam ", count: 4_000),
        ] {
            let named = skeleton(text).skeleton.withBytes { hasher.named(skeleton: $0, shape: shape) }
            // The reference: every named feature, 1/√(occurrences of its kind) each, in any order.
            var perKind: [FeatureHasher.Kind: Int] = [:]
            for feature in named { perKind[feature.kind, default: 0] += 1 }
            var reference = Array(biases.prefix(labelCount))
            for feature in named {
                let value = 1 / Double(perKind[feature.kind]!).squareRoot()
                for l in 0..<labelCount {
                    reference[l] += Double(model.labels[l].weights[hasher.bucket(feature.id)]) * value
                }
            }
            var margins = [Double](repeating: 0, count: labelCount)
            margins.withUnsafeMutableBufferPointer { out in
                skeleton(text).skeleton.withBytes { model.margins(skeleton: $0, shape: shape, into: out) }
            }
            let vector = skeleton(text).skeleton.withBytes { hasher.vector(skeleton: $0, shape: shape) }
            for l in 0..<labelCount {
                #expect(abs(margins[l] - reference[l]) < 1e-9, "\(text.prefix(40))")
                #expect(abs(model.margin(vector, label: l) - reference[l]) < 1e-9, "\(text.prefix(40))")
            }
        }
    }

    @Test("packedSumsOverflowedOnLongWordsWithFiveGramLengths: lanes never overflow")
    func packedSumsOverflowedOnLongWordsWithFiveGramLengths() {
        // One word of 16,000 bytes gives about 80,000 grams of 2 to 6 bytes: at the largest weight,
        // more than a 32-bit lane holds.
        let hasher = FeatureHasher(bits: 12, gramLengths: 2...6)
        let model = LinearModel(
            hasher: hasher,
            labels: [.init(name: "spam", bias: 0, weights: Array(repeating: Float(32_767) / 16_384, count: 1 << 12))])
        let text = String(repeating: "ab", count: 8_000)
        let named = skeleton(text).skeleton.withBytes { hasher.named(skeleton: $0, shape: shape) }
        var perKind: [FeatureHasher.Kind: Int] = [:]
        for feature in named { perKind[feature.kind, default: 0] += 1 }
        #expect(perKind[.chars]! > QuantizedWeights.mostPackedFeatures)
        let weight = Double(model.labels[0].weights[0])  // the largest 16-bit integer of its scale
        let reference = perKind.values.reduce(0.0) { $0 + weight * Double($1).squareRoot() }
        var margin = [0.0]
        margin.withUnsafeMutableBufferPointer { out in
            skeleton(text).skeleton.withBytes { model.margins(skeleton: $0, shape: shape, into: out) }
        }
        #expect(abs(margin[0] - reference) < 1e-6)
    }

    @Test(
        "the walk gives the named features, with their places, and counts them",
        arguments: [(0, 3...5), (1, 3...5), (2, 4...4), (3, 2...6), (4, 5...6)] as [(UInt64, ClosedRange<Int>)])
    func walkMatchesNamed(seed: UInt64, grams: ClosedRange<Int>) {
        let hasher = FeatureHasher(bits: 16, gramLengths: grams)
        for text in Self.randomTexts(seed: seed + 200, count: 200) {
            let (walkedCounts, namedCounts) = skeleton(text).skeleton.withBytes { s in
                let counts = hasher.walk(skeleton: s, shape: shape) { _, _, _, _ in }
                let named = hasher.named(skeleton: s, shape: shape)
                return (
                    FeatureHasher.Kind.allCases.map(counts.count),
                    FeatureHasher.Kind.allCases.map { kind in named.filter { $0.kind == kind }.count }
                )
            }
            #expect(walkedCounts == namedCounts, "\(text)")
            let (walked, named) = skeleton(text).skeleton.withBytes { s in
                var walked: [String] = []
                hasher.walk(skeleton: s, shape: shape) { kind, id, start, end in
                    walked.append("\(kind) \(id) \(end < 0 ? "-" : "\(start)..<\(end)")")
                }
                let named = hasher.named(skeleton: s, shape: shape).map {
                    "\($0.kind) \($0.id) \($0.skeletonRange.map { "\($0)" } ?? "-")"
                }
                return (walked.sorted(), named.sorted())
            }
            #expect(walked == named, "\(text)")
        }
    }

    /// Random comments of real-looking pieces: ASCII and non-ASCII words, digits, emoji, one-
    /// and two-letter words, links, punctuation.
    static func randomTexts(seed: UInt64, count: Int) -> [String] {
        var random = SplitMix(seed: seed)
        let pieces = [
            "free", "robux", "ch3ck", "my", "channel", "a", "I", "ok", "the", "😂", "http://bit.ly/x", "@bob",
            "ｆｒｅｅ", "сheck", "naïve", "日本語", "x", "2", "100k", "!!!", "...", "Straße", "ꜰᴜᴄᴋ", "a-b", "é",
        ]
        return (0..<count).map { _ in
            (0..<Int(random.next() % 16 + 1)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }
                .joined(separator: random.next() % 5 == 0 ? "" : " ")
        }
    }

    @Test("the fast vector equals the reference built one feature at a time", arguments: 0..<4)
    func fastVectorMatchesReference(seed: UInt64) {
        var random = SplitMix(seed: seed ^ 0x5EED)
        for text in Self.randomTexts(seed: seed, count: 250) {
            let shape = Shape(
                links: Int(random.next() % 5), mentions: Int(random.next() % 4), length: Int(random.next() % 3000),
                letters: 20, uppercase: Int(random.next() % 21), visible: 30, symbols: Int(random.next() % 31))
            let (fast, reference) = skeleton(text).skeleton.withBytes {
                (hasher.vector(skeleton: $0, shape: shape), hasher.referenceVector(skeleton: $0, shape: shape))
            }
            #expect(fast == reference, "\(text)")
            #expect(fast.count > 0)
        }
        // Other gram lengths: the same on both paths.
        let fours = FeatureHasher(bits: 16, gramLengths: 4...4)
        for text in Self.randomTexts(seed: seed + 25, count: 100) {
            let (fast, reference) = skeleton(text).skeleton.withBytes {
                (fours.vector(skeleton: $0, shape: shape), fours.referenceVector(skeleton: $0, shape: shape))
            }
            #expect(fast == reference, "\(text)")
        }
        // Fewer kinds of feature: the same subset on both paths.
        let wordsOnly = FeatureHasher(bits: 16, kinds: [.word, .bigram, .shape])
        for text in Self.randomTexts(seed: seed + 50, count: 100) {
            let (fast, reference) = skeleton(text).skeleton.withBytes {
                (wordsOnly.vector(skeleton: $0, shape: shape), wordsOnly.referenceVector(skeleton: $0, shape: shape))
            }
            #expect(fast == reference, "\(text)")
        }
        // Small tables make collisions inside one comment common: their values still add up alike.
        let small = FeatureHasher(bits: 8)
        for text in Self.randomTexts(seed: seed + 100, count: 100) {
            let (fast, reference) = skeleton(text).skeleton.withBytes {
                (small.vector(skeleton: $0, shape: shape), small.referenceVector(skeleton: $0, shape: shape))
            }
            #expect(fast == reference, "\(text)")
        }
    }

    @Test("the vector's key sort equals sorted(), short (insertion) and long (radix), duplicates included")
    func keySortMatchesSorted() {
        var random = SplitMix(seed: 7)
        for count in [0, 1, 2, 63, 64, 65, 300, 2_000] {
            var keys = (0..<count).map { _ in random.next() % (1 << 18) / (count % 2 == 0 ? 1 : 64) }
            let expected = keys.sorted()
            FeatureHasher.radixSort(&keys, bits: 18)
            #expect(keys == expected, "\(count) keys")
        }
    }

    @Test("the strongest features equal naming every feature and sorting them", arguments: 0..<3)
    func strongestMatchesReference(seed: UInt64) {
        var random = SplitMix(seed: seed)
        // Few distinct weights: ties between features are common and settled by name.
        let weights = (0..<(1 << 16)).map { _ in Float(Int(random.next() % 7) - 3) / 2 }
        let model = LinearModel(hasher: hasher, labels: [.init(name: "spam", bias: 0, weights: weights)])
        #expect(model.labels[0].weights == weights)  // halves and wholes: exact in 16-bit units
        var shown = 0
        for text in Self.randomTexts(seed: seed, count: 200) {
            let normalized = skeleton(text)
            let (strongest, named) = normalized.skeleton.withBytes {
                (
                    model.strongest(skeleton: $0, shape: shape, label: 0, count: 5),
                    hasher.named(skeleton: $0, shape: shape)
                )
            }
            // The reference: every named feature, summed per id; named by its first place,
            // without a span when it has more than one.
            var perKind: [FeatureHasher.Kind: Int] = [:]
            for feature in named { perKind[feature.kind, default: 0] += 1 }
            var byID: [UInt64: (contribution: LinearModel.Contribution, first: Int, places: Int)] = [:]
            for feature in named {
                let weight = weights[hasher.bucket(feature.id)]
                guard weight > 0 else { continue }
                let value = Double(weight)  // summed first, scaled by the kind's value below
                let start = feature.skeletonRange?.lowerBound ?? -1
                if var seen = byID[feature.id] {
                    seen.contribution.weight += value
                    seen.places += 1
                    if start < seen.first {
                        seen.contribution.feature.name = feature.name
                        seen.first = start
                    }
                    byID[feature.id] = seen
                } else {
                    byID[feature.id] = (LinearModel.Contribution(feature: feature, weight: value), start, 1)
                }
            }
            var reference = byID.values.map { entry in
                var contribution = entry.contribution
                contribution.weight *= FeatureHasher.value(occurrences: perKind[contribution.feature.kind]!)
                if entry.places > 1 { contribution.feature.skeletonRange = nil }
                return contribution
            }
            reference.sort { a, b in
                a.weight != b.weight
                    ? a.weight > b.weight
                    : a.feature.name != b.feature.name ? a.feature.name < b.feature.name : a.feature.id < b.feature.id
            }
            reference = Array(reference.prefix(5))
            #expect(strongest == reference, "\(text)")
            shown += strongest.count
        }
        #expect(shown > 500)
    }

    /// A small labelled set: spam-like and chat-like comments.
    static func examples() -> (texts: [String], positive: [Bool]) {
        let spam = [
            "check out my channel", "subscribe to my channel for free gift cards", "free robux at my profile",
            "visit my page for cheap followers", "earn money from home click my link", "sub 4 sub check my videos",
        ]
        let ham = [
            "what a great game last night", "the chorus is so catchy", "I watched this with my kids",
            "the keeper was amazing", "anyone here from the concert", "this reminds me of summer",
        ]
        var texts: [String] = [], positive: [Bool] = []
        for k in 0..<60 {
            texts.append(spam[k % spam.count] + (k % 3 == 0 ? " now" : ""))
            positive.append(true)
            texts.append(ham[k % ham.count] + (k % 4 == 0 ? " lol" : ""))
            positive.append(false)
        }
        return (texts, positive)
    }

    @Test("training is deterministic: the same examples and seed give the same model bytes")
    func sameModelBytes() {
        let (texts, positive) = Self.examples()
        let vectors = texts.map { vector($0) }
        let a = FTRLTrainer().train(vectors, positive: positive, bits: 16)
        let b = FTRLTrainer().train(vectors, positive: positive, bits: 16)
        let fileA = LinearModel(hasher: hasher, labels: [.init(name: "spam", bias: a.bias, weights: a.weights)])
            .fileBytes()
        let fileB = LinearModel(hasher: hasher, labels: [.init(name: "spam", bias: b.bias, weights: b.weights)])
            .fileBytes()
        #expect(fileA == fileB)
        var other = FTRLTrainer()
        other.seed = 7
        #expect(other.train(vectors, positive: positive, bits: 16).weights != a.weights)
    }

    @Test("a trained model separates what it learned, and reads back from its file")
    func trainAndRead() throws {
        let (texts, positive) = Self.examples()
        let trained = FTRLTrainer().train(texts.map { vector($0) }, positive: positive, bits: 16)
        let model = LinearModel(
            hasher: hasher,
            labels: [
                .init(
                    name: "spam", bias: trained.bias, weights: trained.weights,
                    summary: ["rows": JSONValueBox(120)])
            ])
        #expect(model.score(vector("check out my channel for gift cards"), label: 0) > 0.9)
        #expect(model.score(vector("what a great concert last night"), label: 0) < 0.1)
        let read = try LinearModel(fileBytes: model.fileBytes())
        #expect(read.labels.map(\.name) == ["spam"])
        #expect(read.labels[0].weights == model.labels[0].weights)
        #expect(read.labels[0].bias == model.labels[0].bias)
        #expect(read.labels[0].summary["rows"]?.value as? Int == 120)
        #expect(read.fileBytes() == model.fileBytes())
    }

    @Test("a model of some kinds of feature gives only those, and its file says which")
    func featureKinds() throws {
        let hasher = FeatureHasher(bits: 12, kinds: [.shape, .word])
        #expect(hasher.kinds == [.word, .shape])
        let names = skeleton("Sub 2 me").skeleton.withBytes { hasher.named(skeleton: $0, shape: shape) }
            .map { "\($0.kind.prefix.description)\($0.name)" }
        #expect(names == ["w:sub", "w:2", "w:me", "s:links=0", "s:ment=0", "s:len=4", "s:caps=1", "s:sym=0"])
        // Gram lengths are the model's too, and its file keeps them.
        let fours = FeatureHasher(bits: 12, kinds: [.chars], gramLengths: 4...4)
        #expect(
            skeleton("Sub 2 me").skeleton.withBytes { fours.named(skeleton: $0, shape: shape) }.map(\.name) == [
                "<sub", "sub>", "<me>",
            ])
        let foursModel = LinearModel(
            hasher: fours, labels: [.init(name: "spam", bias: 0, weights: Array(repeating: 0, count: 1 << 12))])
        #expect(try LinearModel(fileBytes: foursModel.fileBytes()).hasher == fours)
        let model = LinearModel(
            hasher: hasher, labels: [.init(name: "spam", bias: 0, weights: Array(repeating: 0, count: 1 << 12))])
        let read = try LinearModel(fileBytes: model.fileBytes())
        #expect(read.hasher == hasher)
        // A file written before kinds could be chosen lists all four: it reads as all four.
        #expect(
            try LinearModel(fileBytes: LinearModel(hasher: FeatureHasher(bits: 12), labels: model.labels).fileBytes())
                .hasher
                == FeatureHasher(bits: 12, kinds: FeatureHasher.Kind.allCases))
    }

    @Test(
        "a damaged model file is refused with a message",
        arguments: [
            ([UInt8](), "not a Winnow model file (it does not start with WNWMODL1)"),
            (
                Array("WNWMODL1".utf8) + [2, 0, 0, 0] + Array("{}".utf8),
                "model file format ? is not 2, the one this Winnow reads"
            ),
        ])
    func damagedFile(bytes: [UInt8], message: String) {
        #expect(throws: LinearModel.FileError.self) { try LinearModel(fileBytes: bytes) }
        do { _ = try LinearModel(fileBytes: bytes) } catch { #expect(error.message == message) }
    }

    @Test("evaluation counts at a threshold")
    func evaluation() {
        let e = Evaluation(
            scores: [0.95, 0.8, 0.3, 0.99, 0.1], positive: [true, false, true, true, false], threshold: 0.9)
        #expect((e.truePositives, e.falsePositives, e.falseNegatives, e.trueNegatives) == (2, 0, 1, 2))
        #expect(e.precision == 1)
        #expect(e.recall == 2.0 / 3)
        #expect(e.falsePositiveRate == 0)
    }
}
