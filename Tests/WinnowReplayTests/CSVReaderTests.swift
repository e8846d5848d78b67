import Testing
@testable import WinnowReplay

@Suite("Dump reading")
struct CSVReaderTests {
    func read(_ text: String) -> (CSVReader, DumpQuirks) {
        var quirks = DumpQuirks()
        let bytes = Array(text.utf8)
        let reader = bytes.withUnsafeBufferPointer { CSVReader($0, quirks: &quirks, file: "t.csv") }
        return (reader, quirks)
    }

    @Test("quoted fields with commas, quotes and line breaks; CRLF; a byte-order mark; blank lines")
    func quoting() {
        let (csv, quirks) = read("\u{FEFF}ID,TEXT\r\n1,\"a, \"\"b\"\"\"\r\n\r\n2,\"two\r\nlines\"\n3,plain")
        #expect(csv.header == ["ID", "TEXT"])
        #expect(csv.rows.map(\.fields) == [["1", "a, \"b\""], ["2", "two\nlines"], ["3", "plain"]])
        #expect(csv.rows.map(\.line) == [2, 4, 6])
        #expect(quirks.counts == [.byteOrderMark: 1, .lineBreakInField: 1])
    }

    @Test("an unclosed quote runs to the end; invalid UTF-8 is replaced and reported")
    func brokenInput() {
        var quirks = DumpQuirks()
        let bytes: [UInt8] = Array("A,B\n1,".utf8) + [0xFF, 0x41] + Array("\n2,\"open\n3,x".utf8)
        let csv = bytes.withUnsafeBufferPointer { CSVReader($0, quirks: &quirks, file: "t.csv") }
        #expect(csv.rows.map(\.fields) == [["1", "\u{FFFD}A"], ["2", "open\n3,x"]])
        #expect(quirks.counts == [.invalidUTF8: 1, .unclosedQuote: 1, .lineBreakInField: 1])
    }

    @Test("HTML character references are decoded, other ampersands left alone")
    func entities() {
        #expect(
            HTMLEntities.decode("Tom &amp; Jerry &#39;hi&#39; &#128514; &#x1F602; &lt;3") == "Tom & Jerry 'hi' 😂 😂 <3")
        #expect(HTMLEntities.decode("fish & chips; R&D") == nil)
        #expect(HTMLEntities.decode("&bogus; &#0; &#xZZ;") == nil)
        #expect(HTMLEntities.decode("no ampersand") == nil)
    }

    @Test("times: ISO 8601 with or without zone and fractions, a date alone, epoch seconds")
    func times() {
        #expect(ReplayInput.parseTime("2013-11-07T06:20:48") == 1_383_805_248)
        #expect(ReplayInput.parseTime("2013-11-07T06:20:48Z") == 1_383_805_248)
        #expect(ReplayInput.parseTime("2013-11-07T08:20:48+02:00") == 1_383_805_248)
        #expect(ReplayInput.parseTime("2013-11-07T06:20:48.250") == 1_383_805_248.25)
        #expect(ReplayInput.parseTime("2013-11-07") == 1_383_782_400)
        #expect(ReplayInput.parseTime("1383805248") == 1_383_805_248)
        #expect(ReplayInput.parseTime("yesterday") == nil)
    }
}
