import Testing
import WinnowCore
import WinnowLimits
import WinnowTestSupport

@testable import WinnowPolicy

@Suite("Policy: reasons to a verdict")
struct PolicyTests {
    let event = Event(id: .string("e1"), author: "a", text: "you shit head", line: 1)

    func reason(
        _ rule: String, _ action: RuleAction?, category: String? = nil, list: String? = nil, note: String? = nil
    )
        -> Reason
    {
        Reason(rule: rule, action: action, list: list, category: category, note: note)
    }

    @Test("the strongest action asked for wins; reasons stay in order")
    func strongestWins() {
        let reasons = [reason("noise", .flag), reason("links", .hold), reason("stopword", .annotate)]
        let verdict = Policy().verdict(for: event, reasons: reasons)
        #expect(verdict.action == .hold)
        #expect(verdict.reasons.map(\.rule) == ["noise", "links", "stopword"])
        #expect(verdict.id == .string("e1"))
    }

    @Test("a category override replaces the list's action; allow keeps the reason but asks nothing")
    func overrides() {
        let policy = Policy(categoryActions: ["profanity": RuleAction?.none, "insult": RuleAction.reject])
        let verdict = policy.verdict(
            for: event,
            reasons: [
                reason("stopword", .censor, category: "profanity"), reason("stopword", .flag, category: "insult"),
            ])
        #expect(verdict.action == .reject)
        #expect(verdict.reasons.map(\.action) == [nil, .reject])
    }

    @Test("annotate adds one help note per list and lets the comment through")
    func notes() {
        let verdict = Policy().verdict(
            for: event,
            reasons: [
                reason("stopword", .annotate, list: "en/self-harm", note: "You are not alone: 988"),
                reason("stopword", .annotate, list: "en/self-harm", note: "You are not alone: 988"),
            ])
        #expect(verdict.action == .allow)
        #expect(verdict.notes == [Note(list: "en/self-harm", text: "You are not alone: 988")])
    }

    @Test("censor masks exactly the censoring reasons' bytes, white space kept")
    func censor() {
        var shit = reason("stopword", .censor)
        shit.utf8Range = 4..<8
        var head = reason("stopword", .flag)
        head.utf8Range = 9..<13
        let verdict = Policy().verdict(for: event, reasons: [shit, head])
        #expect(verdict.action == .censor)
        #expect(verdict.text == "you **** head")
    }

    @Test("dry run: everything computed, the answer allow, the would-be action in `would`")
    func dryRun() {
        let verdict = Policy(dryRun: true).verdict(for: event, reasons: [reason("links", .hold)])
        #expect(verdict.action == .allow)
        #expect(verdict.would == .hold)
        let quiet = Policy(dryRunRules: ["links"]).verdict(for: event, reasons: [reason("links", .hold)])
        #expect(quiet.action == .allow)
        #expect(quiet.reasons.first?.dryRun == true)
    }

    @Test("merge weighs only the window rules' new reasons and drops the masked text past censor")
    func merge() {
        var shit = reason("stopword", .censor)
        shit.utf8Range = 4..<8
        var verdict = Policy().verdict(for: event, reasons: [shit])
        verdict.reasons.append(reason("rate_limit", .reject))
        Policy().merge(from: 1, into: &verdict)
        #expect(verdict.action == .reject)
        #expect(verdict.text == nil)
    }
}

@Suite("Policy: masking against a plain reference")
struct MaskTests {
    /// The reference: walk the scalars, star each one whose first byte is inside a range,
    /// unless it is white space.
    func referenceMask(_ text: String, _ ranges: [Range<Int>]) -> String {
        var out = "", offset = 0
        for scalar in text.unicodeScalars {
            let inside = ranges.contains { $0.contains(offset) }
            out.unicodeScalars.append(inside && !scalar.properties.isWhitespace ? "*" : scalar)
            offset += String(scalar).utf8.count
        }
        return out
    }

    @Test("random texts and scalar-aligned ranges: the byte-level mask equals the reference")
    func differential() {
        let alphabet: [Character] = ["a", "b", " ", "\t", "é", "ж", "🙂", "\u{3000}", "\u{A0}", "x"]
        var random = SplitMix(seed: 9)
        for _ in 0..<2_000 {
            let text = random.text(from: alphabet, maxLength: 20)
            // Scalar boundaries in bytes, then a few ranges between them (overlaps allowed).
            var bounds = [0]
            for scalar in text.unicodeScalars { bounds.append(bounds.last! + String(scalar).utf8.count) }
            var ranges: [Range<Int>] = []
            for _ in 0..<Int(random.next() % 3) where bounds.count > 1 {
                let a = Int(random.next() % UInt64(bounds.count)), b = Int(random.next() % UInt64(bounds.count))
                ranges.append(bounds[min(a, b)]..<bounds[max(a, b)])
            }
            #expect(Policy.mask(text, ranges: ranges) == referenceMask(text, ranges), "\(text) \(ranges)")
        }
    }
}
