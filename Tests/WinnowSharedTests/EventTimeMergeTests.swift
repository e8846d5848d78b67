import Testing

@testable import WinnowConsume

/// The order an owner of several partitions judges their events in (`EventTimeMerge`).
struct EventTimeMergeTests {
    static func line(_ ts: Double?) -> ArraySlice<UInt8> {
        let field = ts.map { #","ts":\#($0)"# } ?? ""
        return Array(#"{"id":"x","author":"a"\#(field),"text":"t"}"#.utf8)[...]
    }

    @Test("events of several partitions in ts order; each partition's own order kept; ties to the first given")
    func order() {
        let times: [(part: Int, line: ArraySlice<UInt8>)] = [
            (0, Self.line(10)), (0, Self.line(30)), (0, Self.line(20)),  // out of order in its partition
            (1, Self.line(15)), (1, Self.line(30)), (1, Self.line(nil)),  // no ts: as early as it may go
            (2, Self.line(nil)), (2, Self.line(5)),
        ]
        let units = times.enumerated().map { k, unit in
            (index: k, part: unit.part, time: EventTimeMerge.time(of: unit.line) ?? -.infinity)
        }
        #expect(EventTimeMerge.inTimeOrder(units) == [6, 7, 0, 3, 1, 2, 4, 5])
    }

    @Test("the ts of a line as the decoder reads it: numbers, RFC 3339, escaped keys; none when unreadable")
    func timestamps() {
        func ts(_ text: String) -> Double? { EventTimeMerge.time(of: Array(text.utf8)[...]) }
        #expect(ts(#"{"text":"a \"ts\":1","ts":1700000000.5}"#) == 1_700_000_000.5)
        #expect(ts(#"{"meta":{"ts":1},"ts":"2023-11-14T22:13:20Z"}"#) == 1_700_000_000)
        #expect(ts(#"{"t\u0073":1700000001}"#) == 1_700_000_001)  // the field-by-field reading
        #expect(ts(#"{"a":[1,{"ts":5}],"b":"}{\"","ts" : 1700000002}"#) == 1_700_000_002)
        #expect(ts(#"{"ts":1.7e9}"#) == 1_700_000_000)
        #expect(ts(#"{"ts":1700000000.1234567}"#) == 1_700_000_000.1234567)  // beyond 6 decimals: the general path
        #expect(ts(#"{"ts":-5}"#) == nil)  // out of the event range, as the decoder refuses it
        #expect(ts(#"{"text":"no time"}"#) == nil)
        #expect(ts(#"{"ts":"yesterday"}"#) == nil)
        #expect(ts("not json") == nil)
    }
}
