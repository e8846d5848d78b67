/// RFC 4180 CSV as real dumps write it: a header row, commas, `"` quoting with `""` for a quote,
/// line breaks inside quoted fields, CRLF or LF, an optional UTF-8 byte-order mark. Never
/// fails: what it had to work around is counted in `quirks`.
struct CSVReader {
    struct Row {
        /// The input line the row starts on (1-based; the header is line 1).
        var line: Int
        var fields: [String]
    }

    private(set) var header: [String] = []
    private(set) var rows: [Row] = []

    init(_ bytes: UnsafeBufferPointer<UInt8>, quirks: inout DumpQuirks, file: String) {
        var i = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            i = 3
            quirks.note(.byteOrderMark, at: file, line: 1)
        }
        var line = 1
        var fields: [String] = []
        var field: [UInt8] = []
        var rowLine = 1
        var inQuotes = false
        var fieldHasNewline = false
        var all: [Row] = []

        func endField() {
            var decoded: String
            if let valid = String(validating: field, as: UTF8.self) {
                decoded = valid
            } else {
                decoded = String(decoding: field, as: UTF8.self)
                quirks.note(.invalidUTF8, at: file, line: rowLine)
            }
            if fieldHasNewline {
                quirks.note(.lineBreakInField, at: file, line: rowLine)
                decoded = decoded.replacingCRLF()
            }
            fields.append(decoded)
            field.removeAll(keepingCapacity: true)
            fieldHasNewline = false
        }
        func endRow() {
            endField()
            // A blank line is no row.
            if !(fields.count == 1 && fields[0].isEmpty) { all.append(Row(line: rowLine, fields: fields)) }
            fields.removeAll(keepingCapacity: true)
        }

        while i < bytes.count {
            let byte = bytes[i]
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        i += 2
                        continue
                    }
                    inQuotes = false
                } else {
                    if byte == 0x0A {
                        line += 1
                        fieldHasNewline = true
                    }
                    field.append(byte)
                }
                i += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                if field.isEmpty { inQuotes = true } else { field.append(byte) }
            case UInt8(ascii: ","):
                endField()
            case 0x0D where i + 1 < bytes.count && bytes[i + 1] == 0x0A:
                break
            case 0x0A:
                endRow()
                line += 1
                rowLine = line
            default:
                field.append(byte)
            }
            i += 1
        }
        if inQuotes { quirks.note(.unclosedQuote, at: file, line: rowLine) }
        if !field.isEmpty || !fields.isEmpty { endRow() }
        if let first = all.first {
            header = first.fields.map { $0.trimmingASCIIWhitespace() }
            rows = Array(all.dropFirst())
        }
    }
}

extension String {
    /// CRLF inside a quoted field becomes LF, as in the rest of Winnow's texts.
    func replacingCRLF() -> String {
        guard utf8.contains(0x0D) else { return self }
        var scalars = String.UnicodeScalarView()
        var previousCR = false
        for scalar in unicodeScalars {
            if previousCR && scalar != "\n" { scalars.append("\r") }
            previousCR = scalar == "\r"
            if !previousCR { scalars.append(scalar) }
        }
        if previousCR { scalars.append("\r") }
        return String(scalars)
    }

    func trimmingASCIIWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
            let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })
        else { return "" }
        return String(scalars[first...last])
    }
}
