import Foundation
import Testing
import WinnowCore
import WinnowMatch
import WinnowPipeline
import WinnowPolicy
import WinnowText

let fixtureWordlists = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/wordlists").path

func fixtureStopwords() throws -> StopwordSet {
    let (lists, errors) = WordlistDirectory.load(fixtureWordlists)
    #expect(errors.isEmpty)
    return try StopwordSet(lists: lists)
}

/// A clock that stands still, for deterministic tests.
struct FixedClock: Clock {
    var time: Double
    func now() -> Double { time }
}

@Suite("Engine and policy")
struct EngineTests {
    @Test("what the window step reads of every event stays small: facts of one cache line, a fingerprint of four words")
    func factsStaySmall() {
        #expect(MemoryLayout<WindowFacts>.size == 64)
        #expect(MemoryLayout<Fingerprint>.size == 32)
    }

    func judge(_ text: String, policy: Policy = Policy()) throws -> Verdict {
        let engine = Engine(stopwords: try fixtureStopwords(), policy: policy, behavior: .off)
        return engine.judge(Event(id: .string("e"), author: "a", text: text, line: 1), scratch: WorkerScratch(), at: 0)
    }

    @Test("clean text is allowed with no reasons")
    func clean() throws {
        let verdict = try judge("What a lovely day in Scunthorpe, with a cocktail.")
        #expect(verdict.action == .allow)
        #expect(verdict.reasons.isEmpty)
        #expect(verdict.text == nil)
    }

    @Test("censor masks exactly the matches, in the original text")
    func censor() throws {
        let verdict = try judge("Oh f.u.c.k, ѕhіt happens, you idiot")
        #expect(verdict.action == .censor)
        #expect(verdict.text == "Oh *******, **** happens, you idiot")
        #expect(
            verdict.reasons == [
                Reason(
                    rule: "stopword", action: .censor, list: "en/profanity", category: "profanity", severity: 3,
                    term: "fuck*", match: "f.u.c.k", span: TextSpan(start: 3, end: 10), utf8Range: 3..<10),
                Reason(
                    rule: "stopword", action: .censor, list: "en/profanity", category: "profanity", severity: 3,
                    term: "shit", match: "ѕhіt", span: TextSpan(start: 12, end: 16), utf8Range: 12..<18),
                Reason(
                    rule: "stopword", action: .flag, list: "en/insults", category: "insult", severity: 2,
                    term: "idiot", match: "idiot", span: TextSpan(start: 30, end: 35), utf8Range: 32..<37),
            ])
    }

    @Test("the strongest action wins")
    func strongest() throws {
        #expect(try judge("idiot zorblax fuck").action == .reject)
        #expect(try judge("moronic idiot").action == .flag)
    }

    @Test("annotate allows the comment and attaches the list's note")
    func annotate() throws {
        let verdict = try judge("some days I want to die")
        #expect(verdict.action == .allow)
        #expect(
            verdict.notes == [
                Note(
                    list: "en/self-harm", text: "You are not alone. Free, confidential help: https://findahelpline.com")
            ])
        #expect(verdict.reasons.map(\.match) == ["want to die"])
    }

    @Test("category overrides and dry-run")
    func overrides() throws {
        let policy = Policy(categoryActions: ["insult": .reject, "profanity": nil])
        let verdict = try judge("shit, you idiot", policy: policy)
        #expect(verdict.action == .reject)
        #expect(verdict.reasons.map(\.action) == [nil, .reject])

        let dry = try judge("shit, you idiot", policy: Policy(dryRun: true))
        #expect(dry.action == .allow)
        #expect(dry.would == .censor)
        #expect(dry.text == nil)
        #expect(dry.reasons.count == 2)
    }
}
