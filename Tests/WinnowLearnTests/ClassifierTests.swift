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

    func names(_ text: String) -> [String] {
        skeleton(text).skeleton.withBytes { hasher.named(skeleton: $0, shape: shape) }.map {
            "\($0.kind.prefix.description)\($0.name)"
        }
    }

    @Test("the names of a comment's features, in order")
    func featureNames() {
        #expect(
            names("Sub 2 me") == [
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

    @Test("values: binary, L2-normalised per kind; buckets sorted, once each")
    func values() {
        let v = vector("buy buy cheap followers")
        #expect(v.buckets == v.buckets.sorted())
        #expect(Set(v.buckets).count == v.count)
        // Squared values sum to one per kind: four kinds, all present.
        let total = v.values.reduce(0) { $0 + $1 * $1 }
        #expect(abs(total - 4) < 0.05, "\(total)")  // collisions inside the comment add values, so not exactly 4
    }

    @Test("scores agree with a slow reference over the named features", arguments: 0..<5)
    func scoresAgreeWithReference(seed: UInt64) {
        var random = SplitMix(seed: seed)
        let weights = (0..<(1 << 16)).map { _ in Float(Int(random.next() % 2001) - 1000) / 500 }
        let model = LinearModel(hasher: hasher, labels: [.init(name: "spam", bias: -0.5, weights: weights)])
        let words = [
            "free", "robux", "check", "my", "channel", "the", "game", "was", "great", "😂", "http://bit.ly/x", "@bob",
        ]
        for _ in 0..<50 {
            let text = (0..<Int(random.next() % 12 + 1)).map { _ in words[Int(random.next() % UInt64(words.count))] }
                .joined(separator: " ")
            let named = skeleton(text).skeleton.withBytes { hasher.named(skeleton: $0, shape: shape) }
            // The reference: per kind, 1/√(distinct features of the kind) each, summed per bucket in any order.
            var perKind: [FeatureHasher.Kind: Int] = [:]
            for feature in named { perKind[feature.kind, default: 0] += 1 }
            var margin = -0.5
            for feature in named {
                margin += Double(weights[hasher.bucket(feature.hash)]) / Double(perKind[feature.kind]!).squareRoot()
            }
            let reference = 1 / (1 + exp(-margin))
            #expect(abs(model.score(vector(text), label: 0) - reference) < 1e-9, "\(text)")
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
        var shown = 0
        for text in Self.randomTexts(seed: seed, count: 200) {
            let normalized = skeleton(text)
            let (strongest, named) = normalized.skeleton.withBytes {
                (
                    model.strongest(skeleton: $0, shape: shape, label: 0, count: 5),
                    hasher.named(skeleton: $0, shape: shape)
                )
            }
            var perKind: [FeatureHasher.Kind: Int] = [:]
            for feature in named { perKind[feature.kind, default: 0] += 1 }
            var reference: [LinearModel.Contribution] = []
            for feature in named {
                let value = FeatureHasher.value(distinct: perKind[feature.kind]!)
                let weight = Double(weights[hasher.bucket(feature.hash)]) * value
                if weight > 0 { reference.append(LinearModel.Contribution(feature: feature, weight: weight)) }
            }
            reference.sort { a, b in a.weight != b.weight ? a.weight > b.weight : a.feature.name < b.feature.name }
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
                "model file format ? is not 1, the one this Winnow reads"
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
