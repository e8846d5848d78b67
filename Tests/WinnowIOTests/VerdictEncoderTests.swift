import Testing
import WinnowCore
import WinnowIO

@Suite("Verdict encoding")
struct VerdictEncoderTests {
    func encode(_ verdict: Verdict) -> String {
        var out: [UInt8] = []
        VerdictEncoder().encode(verdict, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test("allow")
    func allow() {
        #expect(
            encode(Verdict(id: .string("c1"), action: .allow)) == #"{"id":"c1","action":"allow","reasons":[]}"# + "\n")
        #expect(
            encode(Verdict(id: .number("1.5e3"), action: .allow)) == #"{"id":1.5e3,"action":"allow","reasons":[]}"#
                + "\n")
        #expect(encode(Verdict(id: .line(42), action: .allow)) == #"{"id":42,"action":"allow","reasons":[]}"# + "\n")
    }

    @Test("every field, escaped")
    func everything() {
        let reason = Reason(
            rule: "stopword", action: .censor, list: "en/profanity", category: "profanity", severity: 3, term: "fuck*",
            match: "F\"U\\C\nK\u{1}", span: TextSpan(start: 10, end: 17), note: "not encoded", message: "m")
        let verdict = Verdict(
            id: .string("é\t"), action: .censor, would: .reject, reasons: [reason], text: "*** 日本",
            notes: [Note(list: "en/self-harm", text: "help: https://findahelpline.com")],
            meta: Array(#"{"k":[1]}"#.utf8),
            line: 3, error: "e")
        #expect(
            encode(verdict)
                == #"{"id":"é\t","action":"censor","would":"reject","reasons":[{"rule":"stopword","action":"censor","list":"en/profanity","category":"profanity","severity":3,"term":"fuck*","match":"F\"U\\C\nK\u0001","span":[10,17],"message":"m"}],"text":"*** 日本","notes":[{"list":"en/self-harm","note":"help: https://findahelpline.com"}],"meta":{"k":[1]},"line":3,"error":"e"}"#
                + "\n")
    }

    @Test("errors without an id")
    func errorVerdict() {
        #expect(
            encode(.error(line: 9, message: "invalid UTF-8 at byte 3"))
                == #"{"id":null,"action":"error","reasons":[],"line":9,"error":"invalid UTF-8 at byte 3"}"# + "\n")
    }
}
