import Foundation
import Testing
import WinnowCore
import WinnowTestSupport

@Suite("Timestamps")
struct TimestampTests {
    @Test(
        "RFC 3339 forms give the exact epoch seconds",
        arguments: [
            ("2026-12-06T19:00:00Z", 1_796_583_600.0),
            ("2026-12-06t19:00:00z", 1_796_583_600.0),
            ("2026-12-06 19:00:00", 1_796_583_600.0),
            ("2026-12-06T20:30:00+01:30", 1_796_583_600.0),
            ("2026-12-06T17:00:00-0200", 1_796_583_600.0),
            ("2026-12-06T19:00:00.25Z", 1_796_583_600.25),
            ("2026-12-06T19:00:00,5Z", 1_796_583_600.5),
            ("1970-01-01T00:00:00Z", 0.0),
            ("2024-02-29T00:00:00Z", 1_709_164_800.0),
        ])
    func parses(text: String, seconds: Double) {
        #expect(Timestamp.parse(text) == seconds)
    }

    @Test(
        "impossible dates and times are refused, not wrapped",
        arguments: [
            "2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-04-31T00:00:00Z", "2026-12-06T24:00:00Z",
            "2026-12-06T19:60:00Z", "2026-12-06T19:00Z", "2026-12-06", "2026-12-06T19:00:00.Z",
            "2026-12-06T19:00:00+1", "26-12-06T19:00:00Z", "",
        ])
    func refuses(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test("what people type: epoch seconds, a date-time, a date alone")
    func timeOrEpoch() {
        #expect(Timestamp.parse(timeOrEpoch: "1796583600") == 1_796_583_600)
        #expect(Timestamp.parse(timeOrEpoch: "1796583600.5") == 1_796_583_600.5)
        #expect(Timestamp.parse(timeOrEpoch: "2026-12-06") == 1_796_515_200)
        #expect(Timestamp.parse(timeOrEpoch: "2026-12-06T19:00:00Z") == 1_796_583_600)
        #expect(Timestamp.parse(timeOrEpoch: "yesterday") == nil)
        #expect(Timestamp.parse(timeOrEpoch: "inf") == nil)
    }

    @Test("random date-times agree with Foundation's ISO 8601 parser")
    func agreesWithFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        var random = SplitMix(seed: 11)
        for _ in 0..<2_000 {
            // Whole seconds from 1970 to 2099, written with a random zone offset.
            let seconds = Double(random.next() % 4_102_444_800)
            let offsetMinutes = Int(random.next() % 1_681) - 840
            formatter.timeZone = TimeZone(secondsFromGMT: offsetMinutes * 60)
            let text = formatter.string(from: Date(timeIntervalSince1970: seconds))
            #expect(Timestamp.parse(text) == seconds, "\(text)")
        }
    }

    @Test("the event range: 1970 to the end of 2099")
    func eventRange() {
        #expect(Timestamp.isEventTime(0))
        #expect(Timestamp.isEventTime(4_102_444_799))
        #expect(!Timestamp.isEventTime(4_102_444_800))
        #expect(!Timestamp.isEventTime(-1))
    }
}
