/// Parses RFC 3339 / ISO 8601 date-times into seconds since the Unix epoch, without Foundation
/// (DateFormatter is slow and locale-dependent).
///
/// Accepted: `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM|±HHMM]`, `T` or a space between date and
/// time, `t`/`z` in lower case; no zone means UTC.
public enum Timestamp {
    /// The event times Winnow accepts, in seconds since the epoch: 1970 to the end of 2099.
    /// The window state keeps times as 32-bit seconds (they end in 2106), and a negative time
    /// would read as "nothing yet"; a time outside this range is bad input, answered with an
    /// error verdict, never wrapped or clamped into a window.
    public static let eventRange: Range<Double> = 0..<4_102_444_800

    /// `eventRange` in words, for error messages.
    public static let eventRangeText = "1970-01-01T00:00:00Z to 2099-12-31T23:59:59Z"

    /// Whether `seconds` is a time the windows can judge.
    @inline(__always)
    public static func isEventTime(_ seconds: Double) -> Bool { eventRange.contains(seconds) }

    /// What people type for a time: epoch seconds, an RFC 3339 date-time (see `parse`), or a
    /// date alone (midnight UTC). For dump columns and `--since`/`--until`.
    public static func parse(timeOrEpoch text: String) -> Double? {
        if let seconds = Double(text), seconds.isFinite { return seconds }
        if let time = parse(text) { return time }
        if text.utf8.count == 10, let time = parse(text + "T00:00:00Z") { return time }
        return nil
    }

    public static func parse(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { parse(bytes: $0) }
    }

    public static func parse(bytes s: UnsafeBufferPointer<UInt8>) -> Double? {
        var i = 0
        func digits(_ count: Int) -> Int? {
            guard i + count <= s.count else { return nil }
            var value = 0
            for _ in 0..<count {
                let d = Int(s[i]) - 48
                guard d >= 0 && d <= 9 else { return nil }
                value = value * 10 + d
                i += 1
            }
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard i < s.count, s[i] == byte else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect(0x2D), let month = digits(2), expect(0x2D), let day = digits(2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month) else { return nil }
        guard i < s.count, s[i] == 0x54 || s[i] == 0x74 || s[i] == 0x20 else { return nil }  // T t space
        i += 1
        guard let hour = digits(2), expect(0x3A), let minute = digits(2), expect(0x3A), let second = digits(2)
        else { return nil }
        guard hour <= 23, minute <= 59, second <= 60 else { return nil }
        var fraction = 0.0
        if i < s.count, s[i] == 0x2E || s[i] == 0x2C {  // . or ,
            i += 1
            var scale = 0.1
            let start = i
            while i < s.count, s[i] >= 0x30, s[i] <= 0x39 {
                fraction += Double(s[i] - 0x30) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        var offsetSeconds = 0
        if i < s.count {
            switch s[i] {
            case 0x5A, 0x7A:  // Z z
                i += 1
            case 0x2B, 0x2D:  // + -
                let sign = s[i] == 0x2D ? -1 : 1
                i += 1
                guard let oh = digits(2) else { return nil }
                _ = expect(0x3A)
                guard let om = digits(2), oh <= 23, om <= 59 else { return nil }
                offsetSeconds = sign * (oh * 3600 + om * 60)
            default:
                return nil
            }
        }
        guard i == s.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Double(seconds) + fraction
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
