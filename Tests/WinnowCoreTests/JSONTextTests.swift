import Foundation
import Testing
import WinnowCore
import WinnowTestSupport

@Suite("JSON literals written by hand")
struct JSONTextTests {
    @Test("control characters, quotes and backslashes are escaped; the rest is kept")
    func quoted() {
        #expect(JSONText.quoted("a\"b\\c\nd\re\tf\u{1}g\u{7F}h é 🙂") == #""a\"b\\c\nd\re\tf\u0001g\u007fh é 🙂""#)
        #expect(JSONText.quoted("") == #""""#)
    }

    @Test("random strings read back through JSONSerialization as themselves")
    func roundTrip() throws {
        let alphabet: [Character] = [
            "a", "\"", "\\", "\n", "\u{0}", "\u{1F}", "\u{7F}", "é", "ж", "🙂", "\u{2028}", " ", "/",
        ]
        var random = SplitMix(seed: 5)
        for _ in 0..<500 {
            let text = random.text(from: alphabet, maxLength: 24)
            let data = Data(("[" + JSONText.quoted(text) + "]").utf8)
            let read = try #require(try JSONSerialization.jsonObject(with: data) as? [String])
            #expect(read == [text], "\(text.unicodeScalars.map { $0.value })")
        }
    }

    @Test("a text with nothing to escape is quoted as it is (the fast path); one escape takes the full path")
    func fastPath() throws {
        let safe: [Character] = ["a", "é", "ж", "🙂", "\u{2028}", " ", "/", "'", "~", "\u{80}"]
        var random = SplitMix(seed: 7)
        for _ in 0..<500 {
            let text = random.text(from: safe, maxLength: 40)
            #expect(JSONText.quoted(text) == "\"" + text + "\"")
            let data = Data(("[" + JSONText.quoted(text + "\u{7F}") + "]").utf8)
            #expect(try JSONSerialization.jsonObject(with: data) as? [String] == [text + "\u{7F}"])
        }
    }

    @Test("appending a quoted text to bytes or to a string gives what quoted gives; nil is null")
    func appendMatchesQuoted() {
        let alphabet: [Character] = ["a", "\"", "\\", "\n", "\u{1F}", "\u{7F}", "é", "🙂", " "]
        var random = SplitMix(seed: 8)
        for _ in 0..<500 {
            let text = random.text(from: alphabet, maxLength: 16)
            var bytes: [UInt8] = [1]
            JSONText.append(quoted: text, to: &bytes)
            var string = "x"
            JSONText.append(quoted: text, to: &string)
            #expect(bytes == [1] + Array(JSONText.quoted(text).utf8))
            #expect(string == "x" + JSONText.quoted(text))
        }
        var null: [UInt8] = []
        JSONText.append(quoted: nil, to: &null)
        #expect(null == Array("null".utf8))
    }

    @Test("integers and numbers appended as bytes are what String and number(_:) write, edges included")
    func appendIntegersMatchStrings() {
        var random = SplitMix(seed: 9)
        var values = [0, 1, -1, 9, 10, -10, 99, 100, Int.max, Int.min, Int.max - 1, Int.min + 1]
        for _ in 0..<2000 { values.append(Int(truncatingIfNeeded: random.next()) >> Int(random.next() % 64)) }
        for value in values {
            var bytes: [UInt8] = [7]
            JSONText.append(integer: value, to: &bytes)
            #expect(bytes == [7] + Array(String(value).utf8), "\(value)")
        }
        let numbers: [Double?] = [
            nil, 0, -0.0, 1, -3, 1.5, 1e15, 1e15 - 1, -1e15 + 1, 123_456.25, .infinity, .nan, 1e300,
        ]
        for number in numbers {
            var bytes: [UInt8] = []
            JSONText.append(number: number, to: &bytes)
            #expect(bytes == Array(JSONText.number(number).utf8), "\(String(describing: number))")
        }
        var literal: [UInt8] = [1]
        JSONText.append(#","ok":true"#, to: &literal)
        #expect(literal == [1] + Array(#","ok":true"#.utf8))
    }

    @Test("numbers: integers without a fraction, null for nothing or not finite")
    func number() {
        #expect(JSONText.number(3) == "3")
        #expect(JSONText.number(-2.5) == "-2.5")
        #expect(JSONText.number(1e15) == "1000000000000000.0")  // past the integer range: a JSON number still
        #expect(JSONText.number(nil) == "null")
        #expect(JSONText.number(.nan) == "null")
        #expect(JSONText.number(.infinity) == "null")
    }
}
