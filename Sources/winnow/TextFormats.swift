import Foundation
import WinnowCore

#if canImport(Glibc)
    import Glibc
#endif

/// RFC 4180 fields: quoted when they hold a comma, a quote or a line break.
enum CSVText {
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// Times as people read them: RFC 3339 in UTC, milliseconds when there are any.
enum TimeText {
    static func iso(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite else { return "-" }
        // Beyond what RFC 3339 can write (years 0 to 9999), the number itself.
        guard seconds > -62_167_219_200, seconds < 253_402_300_800 else { return JSONText.number(seconds) }
        var whole = time_t(seconds.rounded(.down))
        let millis = Int(((seconds - Double(whole)) * 1000).rounded())
        if millis == 1000 { whole += 1 }
        var parts = tm()
        gmtime_r(&whole, &parts)
        let base = String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
        return millis == 0 || millis == 1000 ? base + "Z" : base + String(format: ".%03dZ", millis)
    }
}

/// Plain aligned columns for terminal output.
enum Table {
    static func print(_ header: [String], _ rows: [[String]], indent: Int = 0) {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        let pad = String(repeating: " ", count: indent)
        for row in all {
            let cells = row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }
            Swift.print(pad + cells.joined(separator: "  "))
        }
    }

    static func percent(_ part: Int, of total: Int) -> String {
        total == 0 ? "-" : String(format: "%.1f%%", Double(part) * 100 / Double(total))
    }
}
