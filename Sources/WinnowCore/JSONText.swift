/// JSON literals for the outputs written by hand outside the verdict stream (reports, exports,
/// replay's events); the verdict stream has its own byte-level encoder in WinnowIO.
public enum JSONText {
    /// `text` as a JSON string literal, quotes included.
    public static func quoted(_ text: String) -> String {
        // Most texts need no escape: one scan of their bytes, one concatenation (a review-queue
        // page of 50 cases spent most of its time appending scalar by scalar).
        needsEscape(text) ? escaped(text) : "\"" + text + "\""
    }

    /// Appends `text` as a JSON string literal (`null` for nil) to `out`, in place: for JSON
    /// built field by field, where each `+` of a literal made a new string.
    public static func append(quoted text: String?, to out: inout String) {
        guard let text else {
            out += "null"
            return
        }
        if needsEscape(text) {
            out += escaped(text)
        } else {
            out += "\""
            out += text
            out += "\""
        }
    }

    /// `append(quoted:to:)` into bytes: the fastest way to build a large JSON answer.
    public static func append(quoted text: String?, to out: inout [UInt8]) {
        guard var text else {
            append("null", to: &out)
            return
        }
        let plain = text.withUTF8 { bytes in
            for byte in bytes where mustEscape(byte) { return false }
            out.append(0x22)
            out.append(contentsOf: bytes)
            out.append(0x22)
            return true
        }
        if !plain { out.append(contentsOf: escaped(text).utf8) }
    }

    /// `number(_:)` into bytes; integers digit by digit, without a string.
    public static func append(number value: Double?, to out: inout [UInt8]) {
        if let value, value == value.rounded(), abs(value) < 1e15 {
            append(integer: Int(value), to: &out)
        } else {
            out.append(contentsOf: number(value).utf8)
        }
    }

    /// An integer's decimal digits (as `String(value)` writes them) into bytes.
    public static func append(integer value: Int, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // up to 20 digits, filled from the end
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[23 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            out.append(contentsOf: buffer[(24 - count)...])
        }
    }

    /// A literal's bytes (a field name, punctuation) into bytes: one copy, no string made.
    @inline(__always)
    public static func append(_ literal: StaticString, to out: inout [UInt8]) {
        literal.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    @inline(__always)
    static func needsEscape(_ text: String) -> Bool { text.utf8.contains(where: mustEscape) }

    /// A byte a JSON string cannot hold as it is: a control character, a quote, a backslash or DEL.
    @inline(__always)
    static func mustEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x7F
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
