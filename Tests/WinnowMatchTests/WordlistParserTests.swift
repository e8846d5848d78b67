import Testing
@testable import WinnowMatch

@Suite("Wordlist format")
struct WordlistParserTests {
    @Test("settings and every entry kind")
    func parsesEverything() {
        let text = """
            \u{FEFF}# comment
            @category: profanity
            @severity: 4
            @action: censor
            @description: a test list

            fuck*   # prefix
            *fucker
            *cunt*
            blow job
            /b[i1]tch/
            !scunthorpe
            f*ck
            """
        let (list, errors) = WordlistParser.parse(text, name: "en/test", language: "en", path: "en/test.txt")
        #expect(errors.isEmpty)
        #expect(
            list.settings
                == Wordlist.Settings(category: "profanity", severity: 4, action: .censor, description: "a test list"))
        #expect(list.entries.map(\.kind) == [.prefix, .suffix, .infix, .word, .pattern, .word, .word])
        #expect(list.entries.map(\.body) == ["fuck", "fucker", "cunt", "blow job", "b[i1]tch", "scunthorpe", "f*ck"])
        #expect(
            list.entries.map(\.term) == ["fuck*", "*fucker", "*cunt*", "blow job", "/b[i1]tch/", "scunthorpe", "f*ck"])
        #expect(list.entries.map(\.isAllow) == [false, false, false, false, false, true, false])
        #expect(list.entries.map(\.line) == [7, 8, 9, 10, 11, 12, 13])
    }

    @Test("defaults: category from the file name, severity 3, action flag")
    func defaults() {
        let (list, errors) = WordlistParser.parse("word\n", name: "fr/insultes", language: "fr", path: "x")
        #expect(errors.isEmpty)
        #expect(list.settings == Wordlist.Settings(category: "insultes", severity: 3, action: .flag))
    }

    @Test(
        "every problem is reported with its line",
        arguments: [
            ("@colour: red", 1, "unknown setting '@colour' (known: category, severity, action, note, description)"),
            ("@severity: 9", 1, "@severity must be an integer from 1 to 5, got '9'"),
            ("@action: delete", 1, "@action must be one of flag, hold, censor, reject, annotate, got 'delete'"),
            ("@action censor", 1, "a setting needs a colon: '@key: value'"),
            ("ok\n@category: a\n@category: b", 3, "setting '@category' is given twice"),
            ("ok\n\n/abc", 3, "a pattern must end with '/': /pattern/"),
            ("//", 1, "empty pattern '//'"),
            ("/a/ b", 1, "unexpected text after the closing '/' of a pattern: 'b'"),
            ("***", 1, "entry '***' has no letters or digits to match"),
            ("!", 1, "'!' must be followed by an entry"),
            ("@action: annotate\nword", 1, "@action: annotate needs a '@note:' with the help text to attach"),
        ])
    func errors(text: String, line: Int, message: String) {
        let (_, errors) = WordlistParser.parse(text, name: "en/bad", language: "en", path: "en/bad.txt")
        #expect(errors == [WordlistError(path: "en/bad.txt", line: line, message: message)])
    }

    @Test("a broken regex names file, line and PCRE2's message")
    func brokenRegex() {
        let (list, _) = WordlistParser.parse(
            "good\n/(unclosed/\n", name: "en/x", language: "en", path: "Wordlists/en/x.txt")
        #expect(throws: WordlistCompileErrors.self) { try StopwordSet(lists: [list]) }
        do {
            _ = try StopwordSet(lists: [list])
        } catch {
            #expect(
                error.errors.map(\.description) == [
                    "Wordlists/en/x.txt:2: PCRE2 cannot compile /(unclosed/: missing closing parenthesis at offset 9"
                ])
        }
    }

    @Test("the fixture directory loads without errors")
    func loadsDirectory() {
        let (lists, errors) = WordlistDirectory.load(Fixtures.wordlists)
        #expect(errors.isEmpty)
        #expect(lists.map(\.name) == ["en/insults", "en/profanity", "en/self-harm", "en/slurs", "fr/profanity"])
    }

    @Test("a missing directory is an error, not an empty set")
    func missingDirectory() {
        let (lists, errors) = WordlistDirectory.load("/nonexistent/wordlists")
        #expect(lists.isEmpty)
        #expect(
            errors == [WordlistError(path: "/nonexistent/wordlists", line: 0, message: "no such wordlist directory")])
    }
}
