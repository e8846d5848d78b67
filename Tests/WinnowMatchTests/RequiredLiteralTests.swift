import Testing
@testable import WinnowMatch

@Suite("Required literals of raw patterns")
struct RequiredLiteralTests {
    @Test(
        "a literal every match must contain, or none",
        arguments: [
            (#"\bwork(?:ing)? (?:from|at) home\b[^.!?\n]{0,60}\b(?:earn|income)"#, "home"),
            (#"\bearn(?:ing)?\s+(?:up\s+to\s+)?[$€£₹]?\s?[0-9]"#, "earn"),
            (#"\bturn(?:ed|ing)?\s+[$€£₹][0-9]"#, "turn"),
            (#"\bwhats ?app\b\W{0,3}\+?[0-9][0-9 -]{6,}"#, "whats"),
            ("colou?r", "colo"),
            ("abc*", nil),
            ("abcd*", "abc"),
            ("[abc]def", "def"),
            ("foo+bar", "foo"),
            ("Hello World", "hello world"),
            ("a|bcdef", nil),
            ("(?i)abcdef", nil),
            (#"\Qabcdef\E"#, nil),
            ("x{0,3}yz", nil),
            ("(abc)def", "def"),
            ("[]abc]xyz", "xyz"),
        ] as [(String, String?)])
    func extract(pattern: String, literal: String?) {
        #expect(RequiredLiteral.extract(from: pattern).map { String(decoding: $0, as: UTF8.self) } == literal)
    }

    @Test("the bundled spam patterns still match through their prefilter")
    func bundledSpam() throws {
        let (lists, errors) = WordlistDirectory.load(Fixtures.bundledWordlists)
        #expect(errors.isEmpty)
        let set = try StopwordSet(lists: lists)
        #expect(hits(set, "I earn $500 per day from my phone").contains { $0.hasSuffix("=earn $500 per day") })
        #expect(hits(set, "turned $200 into $5000 in a week").contains { $0.hasSuffix("=turned $200 into $5") })
        #expect(hits(set, "WhatsApp +1 555 123 4567").contains { $0.hasSuffix("=WhatsApp +1 555 123 4567") })
        #expect(hits(set, "I turn the page and earn respect") == [])
    }
}
