/// JSON literals for the outputs written by hand outside the verdict stream (reports, exports,
/// replay's events); the verdict stream has its own byte-level encoder in WinnowIO.
public enum JSONText {
    /// `text` as a JSON string literal, quotes included.
    public static func quoted(_ text: String) -> String {
        // Most texts need no escape: one scan of their bytes, one concatenation (a review-queue
        // page of 50 cases spent most of its time appending scalar by scalar).
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F }) {
            return "\"" + text + "\""
        }
        return escaped(text)
    }

    /// `quoted` scalar by scalar, escaping what must be: the reference the fast path above is
    /// tested against (`JSONTextTests`).
    static func escaped(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// A number literal: integers without a fraction, `null` for nothing or a non-finite value.
    public static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "null" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
