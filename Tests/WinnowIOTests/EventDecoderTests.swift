import Testing
import WinnowCore
@testable import WinnowIO

@Suite("NDJSON event decoding")
struct EventDecoderTests {
    let decoder = EventDecoder()

    func decode(_ line: String, _ number: Int = 7) -> Result<Event, DecodeError> {
        decoder.decode(line, lineNumber: number)
    }

    @Test("all fields")
    func allFields() throws {
        let line =
            #"{"id":"c1","author":"ana","channel":"general","ts":1700000000.25,"roles":["moderator","vip"],"text":"hi \"there\" \u00e9\ud83d\ude00","meta":{"a":[1,true,null,{"b":"x"}]},"extra":[1,{"z":2}]}"#
        let event = try decode(line).get()
        #expect(event.id == .string("c1"))
        #expect(event.author == "ana")
        #expect(event.channel == "general")
        #expect(event.timestamp == 1_700_000_000.25)
        #expect(event.roles == ["moderator", "vip"])
        #expect(event.text == "hi \"there\" é😀")
        #expect(event.meta.map { String(decoding: $0, as: UTF8.self) } == #"{"a":[1,true,null,{"b":"x"}]}"#)
        #expect(event.line == 7)
    }

    @Test("defaults: id from the line number, channel default, no timestamp")
    func defaults() throws {
        let event = try decode(#"{"text":"x","author":"a"}"#, 12).get()
        #expect(event.id == .line(12))
        #expect(event.channel == "default")
        #expect(event.timestamp == nil)
        #expect(event.roles.isEmpty)
        #expect(event.meta == nil)
    }

    @Test(
        "numeric ids keep their literal; timestamps as RFC 3339",
        arguments: [
            (#"{"id":17,"text":"x","author":"a","ts":"2024-05-01T12:00:00Z"}"#, EventID.number("17"), 1_714_564_800.0),
            (
                #"{"id":-1.5e3,"text":"x","author":"a","ts":"2024-05-01T14:00:00.5+02:00"}"#, .number("-1.5e3"),
                1_714_564_800.5
            ),
            (#"{"id":"z","text":"x","author":"a","ts":"2024-05-01 12:00:00"}"#, .string("z"), 1_714_564_800.0),
        ])
    func idsAndTimes(line: String, id: EventID, ts: Double) throws {
        let event = try decode(line).get()
        #expect(event.id == id)
        #expect(event.timestamp == ts)
    }

    @Test("numeric timestamps read exactly as Double(String) reads them")
    func timestampDigits() throws {
        var generator = SystemRandomNumberGenerator()
        var literals = ["0", "0.5", "1700000000", "1700000000.123", "1732550000.999999", "12.0000001", "1e9", "1.5E+2"]
        for _ in 0..<2_000 {
            let integer = UInt64.random(in: 0...2_000_000_000, using: &generator)
            let decimals = Int.random(in: 0...7, using: &generator)
            let fraction = (0..<decimals).map { _ in String(Int.random(in: 0...9, using: &generator)) }.joined()
            literals.append(decimals == 0 ? "\(integer)" : "\(integer).\(fraction)")
        }
        for literal in literals {
            let event = try decode(#"{"text":"x","author":"a","ts":"# + literal + "}").get()
            #expect(event.timestamp == Double(literal), "\(literal)")
        }
    }

    @Test("the 8-byte scan finds quotes, backslashes and control bytes exactly when they are there")
    func specialByteScan() {
        var generator = SystemRandomNumberGenerator()
        let interesting: [UInt8] = [
            0x00, 0x01, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x7F, 0x80, 0xA2, 0xDC, 0xFF,
        ]
        for _ in 0..<100_000 {
            let bytes = (0..<8).map { _ in
                Bool.random(using: &generator)
                    ? interesting.randomElement(using: &generator)! : UInt8.random(in: 0x20...0xFF, using: &generator)
            }
            let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            let expected = bytes.contains { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 }
            if JSONScanner.hasSpecialByte(word) != expected {
                Issue.record("wrong answer for \(bytes)")
                return
            }
        }
        // Escapes and quotes at every offset of a long string still decode.
        for offset in 0..<17 {
            let prefix = String(repeating: "a", count: offset)
            let event = try? decode(#"{"author":"a","text":""# + prefix + #"\"q\\z"}"#).get()
            #expect(event?.text == prefix + "\"q\\z")
        }
    }

    @Test("text reaches the matcher byte for byte, U+FEFF included")
    func exactText() throws {
        let event = try decode("{\"text\":\"a\u{FEFF}b\u{200B}c\\ufeff\",\"author\":\"a\"}").get()
        #expect(Array(event.text.unicodeScalars) == ["a", "\u{FEFF}", "b", "\u{200B}", "c", "\u{FEFF}"])
    }

    @Test(
        "bad lines name the problem",
        arguments: [
            ("", "empty line: expected a JSON object"),
            ("   ", "empty line: expected a JSON object"),
            ("[1,2]", "expected a JSON object, found '['"),
            ("not json", "expected a JSON object, found 'n'"),
            (#"{"text":"x","author":"a""#, "invalid JSON at byte 25: unexpected end of line inside the object"),
            (#"{"text":"x" "author":"a"}"#, "invalid JSON at byte 13: expected ',' or '}' after a field, found '\"'"),
            (#"{"text":"x","author":"a"} x"#, "invalid JSON at byte 27: unexpected 'x' after the JSON object"),
            (#"{"text":"x","author":"a",}"#, "invalid JSON at byte 26: expected a field name in double quotes"),
            (#"{"text":"unterminated}"#, "invalid JSON at byte 23: unterminated string"),
            (#"{"text":"bad \q","author":"a"}"#, "invalid JSON at byte 14: invalid escape '\\q' in a string"),
            (#"{"text":"\ud800","author":"a"}"#, "invalid JSON at byte 16: lone UTF-16 surrogate \\uD800 in a string"),
            (#"{"author":"a"}"#, "missing required field 'text'"),
            (#"{"text":"x"}"#, "missing required field 'author'"),
            (#"{"text":"","author":"a"}"#, "field 'text' is empty"),
            (#"{"text":"x","author":""}"#, "field 'author' is empty"),
            (#"{"text":"x","author":"a","channel":""}"#, "field 'channel' is empty"),
            (#"{"text":42,"author":"a"}"#, "field 'text' must be a string, got a number"),
            (#"{"text":"x","author":["a"]}"#, "field 'author' must be a string, got an array"),
            (#"{"text":"x","author":"a","id":true}"#, "field 'id' must be a string or a number, got a boolean"),
            (#"{"text":"x","author":"a","ts":"yesterday"}"#, "field 'ts' is not an RFC 3339 date-time: \"yesterday\""),
            (
                #"{"text":"x","author":"a","ts":{}}"#,
                "field 'ts' must be a number of seconds or an RFC 3339 string, got an object"
            ),
            (#"{"text":"x","author":"a","roles":"mod"}"#, "field 'roles' must be an array of strings, got a string"),
            (
                #"{"text":"x","author":"a","roles":["mod",1]}"#,
                "field 'roles' must be an array of strings, found a number in it"
            ),
            (#"{"text":"x\u0000y","author":"a"}"#, "field 'text' contains a NUL character (\\u0000)"),
            (#"{"text":"x","author":"a","meta":{"a":01}}"#, "invalid JSON at byte 39: expected ',' or '}', found '1'"),
            (#"{"text":"x","author":"a","meta":tru}"#, "invalid JSON at byte 33: invalid literal"),
        ])
    func badLines(line: String, message: String) {
        switch decode(line) {
        case .success(let event): Issue.record("decoded \(event)")
        case .failure(let error): #expect(error.message == message)
        }
    }

    @Test("raw NUL bytes, control characters and invalid UTF-8")
    func badBytes() {
        func bytes(_ b: [UInt8]) -> String {
            switch b.withUnsafeBufferPointer({ decoder.decode($0, lineNumber: 1) }) {
            case .success: "decoded"
            case .failure(let error): error.message
            }
        }
        let prefix = Array(#"{"author":"a","text":"ab"#.utf8)
        let suffix = Array(#""}"#.utf8)
        #expect(bytes(prefix + [0x00] + suffix) == "NUL byte at byte 25")
        #expect(
            bytes(prefix + [0x07] + suffix)
                == "invalid JSON at byte 25: raw control character 0x7 in a string (escape it)")
        #expect(bytes(prefix + [0xFF] + suffix) == "invalid UTF-8 at byte 25")
        #expect(bytes(prefix + [0xC3] + suffix) == "invalid UTF-8 at byte 25")
        #expect(bytes(prefix + [0xED, 0xA0, 0x80] + suffix) == "invalid UTF-8 at byte 25")  // encoded surrogate
        #expect(bytes(prefix + [0xC0, 0xAF] + suffix) == "invalid UTF-8 at byte 25")  // overlong
        #expect(bytes(prefix + [0xC3, 0xA9] + suffix) == "decoded")
    }

    @Test(
        "an invalid-UTF-8 line lost its readable id (a NUL byte kept it)",
        arguments: [
            (#"{"id":"x1","author":"a","text":"caf\#u{FF}"}"#, EventID.string("x1")),
            (#"{"author":"a","text":"\#u{FF}","id":7}"#, EventID.number("7")),
            (#"{"author":"a","text":"\#u{FF}"}"#, nil),  // no id: none invented
            (#"{"id":"b\#u{FF}d","text":"x"}"#, nil),  // the id itself unreadable
            (#"{"id":"x2","text":"\#u{FF}"#, EventID.string("x2")),  // and broken JSON after it
        ] as [(String, EventID?)])
    func invalidUTF8KeepsReadableID(line: String, id: EventID?) {
        // \u{FF} stands for the byte 0xFF (not the character ÿ).
        let bytes = Array(line.utf8).split(separator: 0xC3, omittingEmptySubsequences: false).enumerated()
            .flatMap { k, part in k == 0 ? Array(part) : [0xFF] + part.dropFirst() }
        switch bytes.withUnsafeBufferPointer({ decoder.decode($0, lineNumber: 3) }) {
        case .success: Issue.record("decoded")
        case .failure(let error):
            #expect(error.message.hasPrefix("invalid UTF-8"))
            #expect(error.id == id)
        }
    }

    @Test("the id is kept in errors found after it")
    func idInErrors() {
        guard case .failure(let error) = decode(#"{"id":"c9","text":5,"author":"a"}"#) else {
            Issue.record("expected an error")
            return
        }
        #expect(error.id == .string("c9"))
    }

    @Test("deep nesting is refused, not a stack overflow")
    func deepNesting() {
        let line =
            #"{"text":"x","author":"a","meta":"# + String(repeating: "[", count: 10_000)
            + String(repeating: "]", count: 10_000) + "}"
        guard case .failure(let error) = decode(line) else {
            Issue.record("expected an error")
            return
        }
        #expect(error.message == "invalid JSON at byte 161: JSON nested deeper than 128 levels")
    }
}
