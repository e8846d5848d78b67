import Foundation
import Testing
import WinnowCore
@testable import WinnowIO

/// Input an attacker would send: each test is named after what it broke.
@Suite("Hostile input: decoding events and ops")
struct HostileInputTests {
    let decoder = EventDecoder()

    @Test("escaped keys were not decoded: t\\u0065xt after text was skipped (a filter bypass)")
    func escapedKeysBypassedTheFilter() throws {
        let event = try decoder.decode(#"{"author":"k1","text":"hello","t\u0065xt":"shit"}"#, lineNumber: 1).get()
        #expect(event.text == "shit")
        let other = try decoder.decode(
            #"{"\u0061uthor":"a","\u0074\u0065\u0078\u0074":"x","ch\u0061nnel":"c","\u0074s":1700000000}"#,
            lineNumber: 1
        ).get()
        #expect(other.author == "a")
        #expect(other.text == "x")
        #expect(other.channel == "c")
        #expect(other.timestamp == 1_700_000_000)
    }

    @Test(
        "a ts far from now crashed the window arithmetic: out of range is an error verdict",
        arguments: [
            "1e13", "1e308", "-1e13", "-0.5", "-5", "4102444800", "10000000000000", #""1969-12-31T23:59:59Z""#,
            #""9999-01-01T00:00:00Z""#,
        ])
    func timestampOutOfRangeCrashedEventClock(ts: String) {
        let result = decoder.decode(#"{"id":"x","author":"a","text":"t","ts":\#(ts)}"#, lineNumber: 3)
        guard case .failure(let error) = result else {
            Issue.record("ts \(ts) was accepted")
            return
        }
        #expect(
            error.message
                == "field 'ts' is out of range: events must be dated 1970-01-01T00:00:00Z to 2099-12-31T23:59:59Z")
        #expect(error.id == .string("x"))
    }

    @Test("times at the ends of the range are accepted", arguments: ["0", "4102444799.5", #""2099-12-31T23:59:59Z""#])
    func timestampAtTheEdgesIsAccepted(ts: String) throws {
        #expect(try decoder.decode(#"{"author":"a","text":"t","ts":\#(ts)}"#, lineNumber: 1).get().timestamp != nil)
    }

    @Test("a line break inside meta was echoed and split the verdict in two (found by FuzzEventDecoder)")
    func lineBreakInMetaSplitTheVerdict() throws {
        let event = try decoder.decode(
            "{\"author\":\"a\",\"text\":\"t\",\"meta\":{\"label\":\"ham\"\r\n\n,\"x\":[1,\r2]}}", lineNumber: 1
        ).get()
        #expect(event.meta.map { String(decoding: $0, as: UTF8.self) } == #"{"label":"ham"   ,"x":[1, 2]}"#)
        let out = ByteBuffer(capacity: 64)
        VerdictEncoder().encode(Verdict(id: event.id, action: .allow, meta: event.meta), into: out)
        #expect(out.array.filter { $0 == 0x0A || $0 == 0x0D }.count == 1)
    }

    @Test("a byte-order mark at the start of the input was an error verdict")
    func byteOrderMarkWasAnError() throws {
        let line: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(#"{"author":"a","text":"hi"}"#.utf8)
        let first = line.withUnsafeBufferPointer { decoder.decode($0, lineNumber: 1) }
        #expect(try first.get().text == "hi")
        #expect(try first.get().id == .line(1))
        // Only at the start of the input: later it is text before the object.
        let later = line.withUnsafeBufferPointer { decoder.decode($0, lineNumber: 2) }
        #expect((try? later.get()) == nil)
    }

    // MARK: Ops

    func answer(_ line: String) -> (text: String, json: [String: Any]) {
        let bytes: [UInt8]
        switch ControlRequest.parse(line) {
        case .success(let request): bytes = request.answer(#","ok":true"#)
        case .failure(let refusal): bytes = ControlRequest.refusal(refusal)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let json = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any]
        return (text, json ?? [:])
    }

    @Test(
        "op answers were invalid JSON for an object, array or null id; every answer parses",
        arguments: [
            #"{"op":"health","id":null}"#, #"{"op":"health","id":{"a":1}}"#, #"{"op":"health","id":["x"]}"#,
            #"{"op":{"x":1}}"#, #"{"op":"ban","author":"x","seconds":1e20}"#, #"{"op":null}"#,
            #"{"op":"dance","id":"\u0000"}"#,
            #"{"op":"health","id":"q\"uote"}"#, #"{"op":"health","id":-1.5e3}"#,
            // Found by FuzzOps: a number op or id too large for a Double was echoed as written.
            #"{"op":9E1010}"#, #"{"op":"health","id":9E1010}"#,
        ])
    func opAnswersWereInvalidJSON(line: String) {
        let (text, json) = answer(line)
        #expect(!json.isEmpty, "not JSON: \(text)")
        #expect(text.hasSuffix("}\n"))
    }

    @Test(
        "op fields were loosely typed: each wrong type or range is refused with a message",
        arguments: [
            (
                #"{"op":"ban","author":"x","seconds":1e20}"#,
                #""seconds" must be a number from 1 to 3153600000, not 1e20"#
            ),
            (
                #"{"op":"timeout","author":"x","seconds":9.3e12}"#,
                #""seconds" must be a number from 1 to 3153600000, not 9.3e12"#
            ),
            (
                #"{"op":"ban","author":"x","seconds":"600"}"#,
                #""seconds" must be a number from 1 to 3153600000, not "600""#
            ),
            (
                #"{"op":"ban","author":"x","seconds":true}"#,
                #""seconds" must be a number from 1 to 3153600000, not true"#
            ),
            (#"{"op":"ban","author":"x","seconds":0.5}"#, #""seconds" must be a number from 1 to 3153600000, not 0.5"#),
            (
                #"{"op":"ban","author":"x","second":600}"#,
                "ban takes no field 'second' (fields: op, id, moderator, note, author, seconds)"
            ),
            (#"{"op":"ban","author":""}"#, #""author" must be a non-empty string, not an empty one"#),
            (#"{"op":"ban","author":7}"#, #""author" must be a non-empty string, not a number"#),
            (#"{"op":"unban"}"#, #"unban needs "author", a non-empty string"#),
            (
                #"{"op":"unban","author":"x","seconds":5}"#,
                "unban takes no field 'seconds' (fields: op, id, moderator, note, author)"
            ),
            (#"{"op":"timeout","author":"x"}"#, #"timeout needs "seconds", a number from 1 to 3153600000"#),
            (#"{"op":"slow_mode","channel":"c","reset":1}"#, #""reset" can only be true, not 1"#),
            (
                #"{"op":"slow_mode","channel":"c","seconds":604801}"#,
                #""seconds" must be a number from 0 to 604800, not 604801"#
            ),
            (
                #"{"op":"slow_mode","channel":"c","seconds":5,"reset":true}"#,
                #"slow_mode needs "seconds" (0 to 604800; 0 turns it off) or "reset": true, not both"#
            ),
            (#"{"op":"health","id":null}"#, #""id" must be a string or a number, not null"#),
            (
                #"{"op":"dance"}"#,
                "unknown op 'dance' (ops: health, stats, reload, slow_mode, timeout, ban, unban, queue, case, decide, appeal, subscribe)"
            ),
            (#"{"op":"health","id":-1e999}"#, #""id" must be a string or a finite number"#),
            (
                #"{"op":5}"#,
                #""op" must be a string (ops: health, stats, reload, slow_mode, timeout, ban, unban, queue, case, decide, appeal, subscribe)"#
            ),
            (#"{"op":"stats","verbose":true}"#, "stats takes no field 'verbose' (fields: op, id)"),
            (#"{"op":"decide","case":12}"#, #"decide needs "outcome", a non-empty string"#),
            (
                #"{"op":"decide","case":12,"outcome":"delete"}"#,
                #""outcome" must be approve, remove, uphold or overturn, not 'delete'"#
            ),
            (
                #"{"op":"decide","case":12,"outcome":"approve","sanction":"ban"}"#,
                #"a sanction goes with "outcome": "remove""#
            ),
            (
                #"{"op":"decide","case":12,"outcome":"remove","sanction":"timeout"}"#,
                #"a timeout needs "seconds", a number from 1 to 3153600000"#
            ),
            (
                #"{"op":"decide","case":12,"outcome":"remove","sanction":"mute","seconds":5}"#,
                #""sanction" must be timeout or ban, not 'mute'"#
            ),
            (#"{"op":"decide","case":12,"outcome":"remove","seconds":5}"#, #""seconds" goes with a "sanction""#),
            (#"{"op":"appeal"}"#, #"appeal needs "id": the id of the comment whose verdict is appealed"#),
            (#"{"op":"appeal","id":"c1","message":7}"#, #""message" must be a non-empty string, not a number"#),
            (
                #"{"op":"decide","case":1.5,"outcome":"remove"}"#,
                #""case" must be a whole number from 1 to 4503599627370495, not 1.5"#
            ),
            (#"{"op":"case"}"#, #"case needs "case", a whole number"#),
            (#"{"op":"queue","limit":0}"#, #""limit" must be a whole number from 1 to 1000, not 0"#),
            (
                #"{"op":"queue","older_than":"1h"}"#,
                #""older_than" must be a number of seconds from 0 to 3153600000, not "1h""#
            ),
            (#"{"op":"subscribe","to":"verdicts"}"#, #"subscribe needs "to": "decisions" (the only feed)"#),
            (
                #"{"op":"subscribe","to":"decisions","after":-1}"#,
                #""after" must be a whole number from 0 to 4503599627370495, not -1"#
            ),
        ])
    func opFieldsWereLooselyTyped(line: String, message: String) {
        let (text, json) = answer(line)
        #expect(json["ok"] as? Bool == false, "\(text)")
        #expect(json["error"] as? String == message)
    }

    @Test("well-formed ops read as their commands, ids echoed exactly")
    func wellFormedOps() throws {
        func command(_ line: String) throws -> ControlRequest { try ControlRequest.parse(line).get() }
        #expect(try command(#"{"op":"ban","author":"x"}"#).command == .ban(author: "x", seconds: nil))
        #expect(
            try command(#"{"op":"ban","author":"x","seconds":60,"moderator":"m","note":"spam"}"#).command
                == .ban(author: "x", seconds: 60))
        #expect(try command(#"{"op":"ban","author":"x","moderator":"m","note":"spam"}"#).moderator == "m")
        #expect(
            try command(#"{"op":"timeout","author":"x","seconds":600}"#).command == .timeout(author: "x", seconds: 600))
        #expect(
            try command(#"{"op":"slow_mode","channel":"c","seconds":0}"#).command == .slowMode(channel: "c", seconds: 0)
        )
        #expect(
            try command(#"{"op":"slow_mode","channel":"c","reset":true}"#).command
                == .slowMode(channel: "c", seconds: nil))
        #expect(
            try command(#"{"op":"queue"}"#).command
                == .queue(channel: nil, rule: nil, olderThan: nil, limit: 50, offset: 0))
        #expect(
            try command(#"{"op":"queue","channel":"c","rule":"links","older_than":600,"limit":10,"offset":20}"#)
                .command == .queue(channel: "c", rule: "links", olderThan: 600, limit: 10, offset: 20))
        #expect(try command(#"{"op":"case","case":12}"#).command == .reviewCase(id: 12))
        #expect(
            try command(#"{"op":"decide","case":12,"outcome":"remove","moderator":"ana"}"#).command
                == .decide(caseID: 12, outcome: "remove", sanction: nil, seconds: nil))
        #expect(
            try command(#"{"op":"decide","case":12,"outcome":"remove","sanction":"ban"}"#).command
                == .decide(caseID: 12, outcome: "remove", sanction: "ban", seconds: nil))
        #expect(
            try command(#"{"op":"decide","case":3,"outcome":"remove","sanction":"timeout","seconds":600}"#).command
                == .decide(caseID: 3, outcome: "remove", sanction: "timeout", seconds: 600))
        #expect(
            try command(#"{"op":"appeal","id":42,"message":"sorry"}"#).command
                == .appeal(comment: "42", message: "sorry"))
        #expect(try command(#"{"op":"subscribe","to":"decisions"}"#).command == .subscribe(after: nil))
        #expect(try command(#"{"op":"subscribe","to":"decisions","after":41}"#).command == .subscribe(after: 41))
        #expect(try command(#"{"op":"health","id":-1.50e3}"#).answerHead == #""op":"health","id":-1.50e3"#)
        #expect(try command(#"{"op":"health","id":"a\"b"}"#).answerHead == #""op":"health","id":"a\"b""#)
    }

    @Test("a line is an op only when it is an object with an op key")
    func looksLikeOp() {
        func check(_ line: String) -> Bool {
            var line = line
            return line.withUTF8 { ControlRequest.looksLikeOp($0) }
        }
        #expect(check(#"{"op":"health"}"#))
        #expect(!check(#"{"author":"a","text":"the \"op\" said"}"#))
        #expect(!check(#"{"text":"\"op\":"#))
    }
}
