import WinnowCore

/// What replay had to work around in real dumps, counted per kind with the first places it
/// happened, for the report. None of it stops a replay.
public struct DumpQuirks: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable, Comparable {
        case byteOrderMark = "byte_order_mark"
        case htmlEntities = "html_entities"
        case lineBreakInField = "line_break_in_field"
        case emptyDate = "empty_date"
        case unreadableDate = "unreadable_date"
        case dateOutOfRange = "date_out_of_range"
        case missingColumns = "missing_columns"
        case unclosedQuote = "unclosed_quote"
        case invalidUTF8 = "invalid_utf8"
        case noAuthorColumn = "no_author_column"
        case noTimeColumn = "no_time_column"

        public static func < (a: Kind, b: Kind) -> Bool { a.rawValue < b.rawValue }

        /// What was done about it, for the report.
        public var handling: String {
            switch self {
            case .byteOrderMark: "skipped"
            case .htmlEntities: "decoded (&amp; → &, &#39; → ', &#128514; → 😂)"
            case .lineBreakInField: "kept inside the field"
            case .emptyDate: "judged at the time of the file's previous event (before any, at its first dated event's)"
            case .unreadableDate:
                "judged at the time of the file's previous event (before any, at its first dated event's)"
            case .dateOutOfRange:
                "judged at the time of the file's previous event (before any, at its first dated event's); dates must be \(Timestamp.eventRangeText)"
            case .missingColumns: "answered with an error verdict"
            case .unclosedQuote: "the field runs to the end of the file"
            case .invalidUTF8: "replaced with U+FFFD"
            case .noAuthorColumn: "each row is an author of its own (FILE:LINE), so no two rows count as one author's"
            case .noTimeColumn:
                "rows judged \(Int(ReplayInput.undatedSpacing)) s apart in file order, so that no window rule ties rows together"
            }
        }
    }

    public private(set) var counts: [Kind: Int] = [:]
    /// Up to `examplesPerKind` places per kind, as `file:line`.
    public private(set) var examples: [Kind: [String]] = [:]
    static let examplesPerKind = 5

    public init() {}

    mutating func note(_ kind: Kind, at file: String, line: Int) {
        counts[kind, default: 0] += 1
        if examples[kind, default: []].count < Self.examplesPerKind {
            examples[kind, default: []].append("\(file):\(line)")
        }
    }

    public var isEmpty: Bool { counts.isEmpty }
}
