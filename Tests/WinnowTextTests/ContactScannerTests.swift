import Testing
import WinnowText
import WinnowTestSupport

@Suite("Contact scanner: email addresses and phone numbers")
struct ContactScannerTests {
    func count(_ text: String) -> Int {
        var text = text
        return text.withUTF8 { ContactScanner.count($0) }
    }

    @Test(
        "contacts found",
        arguments: [
            ("write to john.smith@gmail.com today", 1), ("a+b@x.co", 1), ("call +1 (555) 123-4567", 1),
            ("0712 345 678", 1), ("+79161234567", 1), ("555.123.4567 or me@example.org", 2),
            ("(555) 123 4567!", 1), ("whatsapp: +44 20 7946 0958.", 1),
        ] as [(String, Int)])
    func found(text: String, expected: Int) {
        #expect(count(text) == expected, "\(text.debugDescription)")
    }

    @Test(
        "not contacts",
        arguments: [
            "@someone hello", "x@y", "me@localhost", "a@b.c", "mail@site.c0m", "1000000000 views", "2015-10-12",
            "12345678", "9000000000000000000000 likes", "call 555 1234", "version 1.2.3.4.5.6.7.8", "room 42",
            "abc123456789", "1234567890abc", "3,000,000,000 views", "@@x.com",
        ])
    func notFound(text: String) {
        #expect(count(text) == 0, "\(text.debugDescription)")
    }

    @Test("mayHoldContact is true of every text a contact is found in (the scanner is skipped otherwise)")
    func prefilterLetsEveryContactThrough() {
        var random = SplitMix(seed: 5)
        let alphabet: [Character] = Array("ab .@-+()0123456789xyz") + ["é", "😀"]
        var withContact = 0
        for _ in 0..<20_000 {
            var text = random.text(from: alphabet, maxLength: 40)
            let (stats, found) = text.withUTF8 { (TextStats($0), ContactScanner.count($0)) }
            if found > 0 {
                withContact += 1
                #expect(stats.mayHoldContact, "\(text.debugDescription)")
            }
        }
        #expect(withContact > 100)
    }
}
