import Testing
import WinnowCore

@Suite("Spans and actions")
struct TextSpanTests {
    @Test("a UTF-8 byte range becomes a span in Unicode scalars, as Python slices strings")
    func spanInScalars() {
        var text = "é🙂 shit"  // é: 2 bytes, 🙂: 4 bytes
        let span = text.withUTF8 { TextSpan(utf8: 7..<11, in: $0) }
        #expect(span == TextSpan(start: 3, end: 7))
        #expect(span.description == "[3, 7)")
        #expect(Array(text.unicodeScalars)[3..<7].map(Character.init) == ["s", "h", "i", "t"])
    }

    @Test("actions are ordered from mildest to strongest; error stands last")
    func actionOrder() {
        #expect(Action.allCases.sorted() == [.allow, .flag, .censor, .hold, .reject, .timeout, .ban, .error])
        #expect(Action.allCases.map(\.index) == Array(0..<8))
        #expect(RuleAction.allCases.map(\.verdictAction) == [.allow, .flag, .censor, .hold, .reject, .timeout, .ban])
    }
}
