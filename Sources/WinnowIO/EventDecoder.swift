import WinnowCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads one NDJSON line into an `Event` with a hand-written byte scanner: Foundation's
/// JSONDecoder tops out near 300k lines/s, this reaches millions, and it can say exactly what is
/// wrong with a bad line instead of throwing the whole stream away.
///
/// Recognized fields: `text`, `author` (required, non-empty strings), `id` (string or number),
/// `channel` (string), `ts` (number of epoch seconds or an RFC 3339 string), `roles` (array of
/// strings), `meta` (any JSON, kept verbatim). Other fields are skipped. A repeated field: the
/// last one wins.
public struct EventDecoder: Sendable {
    public init() {}

    public func decode(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int) -> Result<Event, DecodeError> {
        // A byte-order mark at the start of the input (editors and Windows tools write one) is
        // not part of the first event.
        var line = line
        if lineNumber == 1, line.count >= 3, line[0] == 0xEF, line[1] == 0xBB, line[2] == 0xBF {
            line = UnsafeBufferPointer(rebasing: line[3...])
        }
        if let bad = firstInvalidUTF8(line) {
            return .failure(DecodeError("invalid UTF-8 at byte \(bad + 1)", id: Self.readableID(line)))
        }
        var scanner = JSONScanner(bytes: line)
        do {
            return .success(try scanner.event(lineNumber: lineNumber))
        } catch {
            return .failure(error)
        }
    }

    /// The id of a line that is not valid UTF-8, when the id itself is readable: the line is
    /// read again with its bad bytes replaced (U+FFFD), for the id only — so that the `error`
    /// verdict can be matched to the event, as for any other bad line.
    /// An event line's `ts` (seconds), nil when it has none or cannot be read that far: what
    /// `winnow consume` orders its partitions' events by before judging them.
    public static func timestamp(in line: UnsafeBufferPointer<UInt8>) -> Double? {
        var scanner = JSONScanner(bytes: line)
        if let value = scanner.plainTimestampKey() {
            return scanner.plainSeconds(at: value) ?? scanner.timestampValueOnly(at: value)
        }
        // An escaped key, say, or no `ts` at all: the field-by-field reading decides.
        scanner.i = 0
        return scanner.timestampOnly()
    }

    static func readableID(_ line: UnsafeBufferPointer<UInt8>) -> EventID? {
        var repaired = String(decoding: line, as: UTF8.self)
        return repaired.withUTF8 { bytes -> EventID? in
            var scanner = JSONScanner(bytes: bytes)
            let id: EventID?
            do throws(DecodeError) {
                id = try scanner.event(lineNumber: 0).id
            } catch {
                id = error.id
            }
            switch id {
            case .string(let text)? where text.unicodeScalars.contains("\u{FFFD}"): return nil
            case .line?: return nil  // none given
            default: return id
            }
        }
    }

    public func decode(_ line: String, lineNumber: Int) -> Result<Event, DecodeError> {
        var line = line
        return line.withUTF8 { decode($0, lineNumber: lineNumber) }
    }
}

/// The scanner behind `EventDecoder`. Positions in messages are 1-based bytes.
struct JSONScanner {
    let b: UnsafeBufferPointer<UInt8>
    var i = 0
    /// Set when the last string read contained an escaped NUL (`\u0000`); raw NUL bytes are
    /// refused while scanning.
    var lastStringHadNUL = false

    init(bytes: UnsafeBufferPointer<UInt8>) {
        b = bytes
    }

    private static let maxDepth = 128

    // MARK: Event

    /// The top-level `ts` field alone, as `event` reads it, the fields before it skipped
    /// unread and those after it not looked at; nil when there is none or the line is not a
    /// valid event up to it.
    mutating func timestampOnly() -> Double? {
        do throws(DecodeError) {
            skipWhitespace()
            guard peek() == UInt8(ascii: "{") else { return nil }
            i += 1
            while true {
                skipWhitespace()
                guard peek() == UInt8(ascii: "\"") else { return nil }
                let key = try fieldName(nil)
                skipWhitespace()
                guard peek() == UInt8(ascii: ":") else { return nil }
                i += 1
                skipWhitespace()
                if key == .ts { return try timestampField(nil) }
                try skipValue(nil)
                skipWhitespace()
                guard peek() == UInt8(ascii: ",") else { return nil }
                i += 1
            }
        } catch {
            return nil
        }
    }

    /// Where the value of a top-level `"ts"` key written plainly starts (after `:` and white
    /// space), found in one pass that only tracks strings and nesting: the common line, read
    /// in a few hundred instructions. Nil when there is none written so (or the line is
    /// unbalanced before it).
    func plainTimestampKey() -> Int? {
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        var depth = 0
        var k = 0
        let n = b.count
        while k < n {
            let c = b[k]
            if c == quote {
                if depth == 1, k + 3 < n, b[k + 1] == UInt8(ascii: "t"), b[k + 2] == UInt8(ascii: "s"),
                    b[k + 3] == quote
                {
                    var j = k + 4
                    while j < n, b[j] == 0x20 || b[j] == 0x09 { j += 1 }
                    if j < n, b[j] == UInt8(ascii: ":") {
                        j += 1
                        while j < n, b[j] == 0x20 || b[j] == 0x09 { j += 1 }
                        return j
                    }
                }
                // Past the string: escapes skipped two bytes at a time.
                k += 1
                while k < n, b[k] != quote {
                    k += b[k] == backslash ? 2 : 1
                }
            } else if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
                depth += 1
            } else if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
                depth -= 1
            }
            k += 1
        }
        return nil
    }

    /// A plain decimal at `index` (`plainDecimal`: `1700000000`, `1700000000.123`), ended by
    /// `,`, `}`, white space or the line's end, within the event range; nil for anything else
    /// (which `timestampValueOnly` then reads) — without the scanner's general number path.
    func plainSeconds(at index: Int) -> Double? {
        var end = index
        while end < b.count, (b[end] >= 0x30 && b[end] <= 0x39) || b[end] == UInt8(ascii: ".") { end += 1 }
        guard end > index, b[index] != UInt8(ascii: "."),
            end == b.count || b[end] == UInt8(ascii: ",") || b[end] == UInt8(ascii: "}") || b[end] == 0x20
                || b[end] == 0x09,
            let seconds = Self.plainDecimal(b[index..<end]), Timestamp.isEventTime(seconds)
        else { return nil }
        return seconds
    }

    /// The `ts` value starting at `index`, read as `event` reads it.
    mutating func timestampValueOnly(at index: Int) -> Double? {
        i = index
        do throws(DecodeError) {
            return try timestampField(nil)
        } catch {
            return nil
        }
    }

    mutating func event(lineNumber: Int) throws(DecodeError) -> Event {
        var id: EventID?
        var text: String?
        var author: String?
        var channel: String?
        var timestamp: Double?
        var roles: [String] = []
        var meta: [UInt8]?

        skipWhitespace()
        guard i < b.count else { throw DecodeError("empty line: expected a JSON object") }
        guard b[i] == UInt8(ascii: "{") else { throw DecodeError("expected a JSON object, found \(describeHere())") }
        i += 1
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                skipWhitespace()
                guard peek() == UInt8(ascii: "\"") else { throw error("expected a field name in double quotes", id) }
                let key = try fieldName(id)
                skipWhitespace()
                guard peek() == UInt8(ascii: ":") else { throw error("expected ':' after a field name", id) }
                i += 1
                skipWhitespace()
                switch key {
                case .text: text = try stringField("text", id)
                case .author: author = try stringField("author", id)
                case .channel: channel = try stringField("channel", id)
                case .id: id = try idField(id)
                case .ts: timestamp = try timestampField(id)
                case .roles: roles = try rolesField(id)
                case .meta:
                    let start = i
                    try skipValue(id)
                    // Kept as written, but on one line: a line break can only be white space
                    // between tokens here (strings refuse raw control characters), and one in
                    // the echo would split the verdict in two.
                    meta = b[start..<i].map { $0 == 0x0A || $0 == 0x0D ? 0x20 : $0 }
                case .unknown: try skipValue(id)
                }
                skipWhitespace()
                guard let c = peek() else { throw error("unexpected end of line inside the object", id) }
                if c == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                if c == UInt8(ascii: "}") {
                    i += 1
                    break
                }
                throw error("expected ',' or '}' after a field, found \(describeHere())", id)
            }
        }
        skipWhitespace()
        guard i == b.count else { throw error("unexpected \(describeHere()) after the JSON object", id) }

        let eventID = id ?? .line(lineNumber)
        guard let text else { throw DecodeError("missing required field 'text'", id: eventID) }
        guard !text.isEmpty else { throw DecodeError("field 'text' is empty", id: eventID) }
        guard let author else { throw DecodeError("missing required field 'author'", id: eventID) }
        guard !author.isEmpty else { throw DecodeError("field 'author' is empty", id: eventID) }
        if let channel, channel.isEmpty { throw DecodeError("field 'channel' is empty", id: eventID) }
        return Event(
            id: eventID, author: author, channel: channel ?? "default", timestamp: timestamp, roles: roles,
            text: text, meta: meta, line: lineNumber)
    }

    private func error(_ message: String, _ id: EventID?) -> DecodeError {
        DecodeError("invalid JSON at byte \(min(i, b.count) + 1): \(message)", id: id)
    }

    private func typeError(_ field: String, _ expected: String, _ id: EventID?) -> DecodeError {
        DecodeError("field '\(field)' must be \(expected), got \(valueKindHere())", id: id)
    }

    // MARK: Fields

    private mutating func stringField(_ name: String, _ id: EventID?) throws(DecodeError) -> String {
        guard peek() == UInt8(ascii: "\"") else { throw typeError(name, "a string", id) }
        let value = try string(id)
        if lastStringHadNUL { throw DecodeError("field '\(name)' contains a NUL character (\\u0000)", id: id) }
        return value
    }

    private mutating func idField(_ id: EventID?) throws(DecodeError) -> EventID {
        switch peek() ?? 0 {
        case UInt8(ascii: "\""):
            return .string(try stringField("id", id))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let range = try number(id)
            return .number(String(decoding: b[range], as: UTF8.self))
        default:
            throw typeError("id", "a string or a number", id)
        }
    }

    private mutating func timestampField(_ id: EventID?) throws(DecodeError) -> Double {
        let seconds = try timestampValue(id)
        guard Timestamp.isEventTime(seconds) else {
            throw DecodeError("field 'ts' is out of range: events must be dated \(Timestamp.eventRangeText)", id: id)
        }
        return seconds
    }

    private mutating func timestampValue(_ id: EventID?) throws(DecodeError) -> Double {
        switch peek() ?? 0 {
        case UInt8(ascii: "\""):
            let text = try string(id)
            guard let seconds = Timestamp.parse(text) else {
                throw DecodeError("field 'ts' is not an RFC 3339 date-time: \"\(text.prefix(64))\"", id: id)
            }
            return seconds
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let range = try number(id)
            if let seconds = Self.plainDecimal(b[range]) { return seconds }
            guard let seconds = Double(String(decoding: b[range], as: UTF8.self)), seconds.isFinite else {
                throw DecodeError("field 'ts' is out of range", id: id)
            }
            return seconds
        default:
            throw typeError("ts", "a number of seconds or an RFC 3339 string", id)
        }
    }

    /// `1700000000` or `1700000000.123` (up to 6 decimals) without going through a String:
    /// one exact integer divided by a power of ten, so it rounds exactly like `Double(String)`.
    /// `nil` for anything else (signs, exponents, long fractions), which takes the general path.
    private static func plainDecimal(_ digits: Slice<UnsafeBufferPointer<UInt8>>) -> Double? {
        var value: Int64 = 0
        var scale: Int64 = 1
        var fraction = false
        for c in digits {
            if c == UInt8(ascii: ".") && !fraction {
                fraction = true
                continue
            }
            guard c >= 0x30 && c <= 0x39, value < 1 << 49 else { return nil }
            value = value * 10 + Int64(c - 0x30)
            if fraction {
                scale *= 10
                if scale > 1_000_000 { return nil }
            }
        }
        return Double(value) / Double(scale)
    }

    private mutating func rolesField(_ id: EventID?) throws(DecodeError) -> [String] {
        guard peek() == UInt8(ascii: "[") else { throw typeError("roles", "an array of strings", id) }
        i += 1
        var roles: [String] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            i += 1
            return roles
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else {
                throw DecodeError("field 'roles' must be an array of strings, found \(valueKindHere()) in it", id: id)
            }
            roles.append(try string(id))
            skipWhitespace()
            switch peek() ?? 0 {
            case UInt8(ascii: ","): i += 1
            case UInt8(ascii: "]"):
                i += 1
                return roles
            default: throw error("expected ',' or ']' in 'roles'", id)
            }
        }
    }

    // MARK: JSON values

    @inline(__always)
    private func peek() -> UInt8? { i < b.count ? b[i] : nil }

    @inline(__always)
    private mutating func skipWhitespace() {
        while i < b.count {
            switch b[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return
            }
        }
    }

    /// The fields the decoder knows; every other name is skipped.
    enum Field {
        case text, author, channel, id, ts, roles, meta, unknown
    }

    /// Reads a field name. An escaped name means what it decodes to (`"t\u0065xt"` is `text`),
    /// as it does for every other JSON reader downstream.
    private mutating func fieldName(_ id: EventID?) throws(DecodeError) -> Field {
        let start = i + 1
        var k = start
        while k < b.count {
            let c = b[k]
            if c == UInt8(ascii: "\"") {
                i = k + 1
                return Self.field(b[start..<k])
            }
            if c == UInt8(ascii: "\\") {
                var name = try string(id)
                return name.withUTF8 { Self.field($0[...]) }
            }
            if c < 0x20 {
                i = k
                throw controlCharacterError(c, id)
            }
            k += 1
        }
        i = k
        throw error("unterminated string", id)
    }

    @inline(__always)
    private static func field(_ name: Slice<UnsafeBufferPointer<UInt8>>) -> Field {
        @inline(__always) func equals(_ literal: StaticString) -> Bool {
            literal.utf8CodeUnitCount == name.count
                && memcmp(literal.utf8Start, name.base.baseAddress! + name.startIndex, name.count) == 0
        }
        switch name.count {
        case 2: return equals("id") ? .id : equals("ts") ? .ts : .unknown
        case 4: return equals("text") ? .text : equals("meta") ? .meta : .unknown
        case 5: return equals("roles") ? .roles : .unknown
        case 6: return equals("author") ? .author : .unknown
        case 7: return equals("channel") ? .channel : .unknown
        default: return .unknown
        }
    }

    private func controlCharacterError(_ c: UInt8, _ id: EventID?) -> DecodeError {
        c == 0
            ? DecodeError("NUL byte at byte \(i + 1)", id: id)
            : error("raw control character 0x\(String(c, radix: 16)) in a string (escape it)", id)
    }

    /// Reads a JSON string starting at its opening quote.
    mutating func string(_ id: EventID?) throws(DecodeError) -> String {
        lastStringHadNUL = false
        i += 1
        let start = i
        // Fast path: no escapes. Eight bytes at a time while none is a quote, a backslash or a
        // control character, then byte by byte.
        if let base = b.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 8 <= b.count && !Self.hasSpecialByte(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) {
                i += 8
            }
        }
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                let value = String(decoding: b[start..<i], as: UTF8.self)
                i += 1
                return value
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw controlCharacterError(c, id) }
            i += 1
        }
        guard i < b.count else { throw error("unterminated string", id) }
        var bytes = Array(b[start..<i])
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: bytes, as: UTF8.self)
            }
            if c < 0x20 { throw controlCharacterError(c, id) }
            if c != UInt8(ascii: "\\") {
                bytes.append(c)
                i += 1
                continue
            }
            i += 1
            guard i < b.count else { break }
            let e = b[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): bytes.append(0x22)
            case UInt8(ascii: "\\"): bytes.append(0x5C)
            case UInt8(ascii: "/"): bytes.append(0x2F)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(id)
                if (0xD800...0xDBFF).contains(scalar) {
                    guard i + 1 < b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u") else {
                        throw error(
                            "lone UTF-16 surrogate \\u\(String(scalar, radix: 16, uppercase: true)) in a string", id)
                    }
                    i += 2
                    let low = try hex4(id)
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw error("invalid UTF-16 surrogate pair in a string", id)
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw error(
                        "lone UTF-16 surrogate \\u\(String(scalar, radix: 16, uppercase: true)) in a string", id)
                }
                if scalar == 0 { lastStringHadNUL = true }
                appendUTF8(scalar, to: &bytes)
            default:
                i -= 2
                throw error("invalid escape '\\\(Character(Unicode.Scalar(e)))' in a string", id)
            }
        }
        throw error("unterminated string", id)
    }

    /// Whether any of the 8 bytes in `word` is `"`, `\\` or below 0x20 (SWAR: a byte is zero
    /// where the word equals the pattern; bytes of 0x80 and up never count as "below 0x20").
    @inline(__always)
    static func hasSpecialByte(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasZero(_ v: UInt64) -> Bool { (v &- ones) & ~v & highs != 0 }
        let quote = word ^ (0x22 &* ones)
        let backslash = word ^ (0x5C &* ones)
        let control = (word &- (0x20 &* ones)) & ~word & highs
        return hasZero(quote) || hasZero(backslash) || control != 0
    }

    private func appendUTF8(_ scalar: UInt32, to bytes: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            bytes.append(UInt8(scalar))
        case 0x80..<0x800:
            bytes.append(UInt8(0xC0 | (scalar >> 6)))
            bytes.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            bytes.append(UInt8(0xE0 | (scalar >> 12)))
            bytes.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            bytes.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            bytes.append(UInt8(0xF0 | (scalar >> 18)))
            bytes.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            bytes.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            bytes.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    private mutating func hex4(_ id: EventID?) throws(DecodeError) -> UInt32 {
        guard i + 4 <= b.count else { throw error("truncated \\u escape", id) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = b[i]
            let digit: UInt32
            switch c {
            case 0x30...0x39: digit = UInt32(c - 0x30)
            case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
            default: throw error("invalid hex digit in a \\u escape", id)
            }
            value = value << 4 | digit
            i += 1
        }
        return value
    }

    /// `number` for other readers of this module (`JSONValue`).
    mutating func numberRange(_ id: EventID?) throws(DecodeError) -> Range<Int> { try number(id) }

    /// Reads a JSON number and returns its bytes.
    private mutating func number(_ id: EventID?) throws(DecodeError) -> Range<Int> {
        let start = i
        if peek() == UInt8(ascii: "-") { i += 1 }
        guard let first = peek(), first >= 0x30 && first <= 0x39 else { throw error("invalid number", id) }
        i += 1
        if first != 0x30 { skipDigits() }
        if peek() == UInt8(ascii: ".") {
            i += 1
            guard skipDigits() > 0 else { throw error("invalid number: digits expected after '.'", id) }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            i += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { i += 1 }
            guard skipDigits() > 0 else { throw error("invalid number: digits expected in the exponent", id) }
        }
        return start..<i
    }

    @discardableResult
    private mutating func skipDigits() -> Int {
        let start = i
        while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
        return i - start
    }

    /// Skips any JSON value, checking its syntax.
    private mutating func skipValue(_ id: EventID?) throws(DecodeError) {
        var depth = 0
        // Containers are walked iteratively: `closers` remembers what each open level expects.
        var closers: [UInt8] = []
        while true {
            skipWhitespace()
            guard let c = peek() else { throw error("unexpected end of line inside a value", id) }
            switch c {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                guard depth <= Self.maxDepth else { throw error("JSON nested deeper than \(Self.maxDepth) levels", id) }
                closers.append(c == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]"))
                i += 1
                skipWhitespace()
                if peek() == closers.last {
                    i += 1
                    closers.removeLast()
                    depth -= 1
                } else {
                    if c == UInt8(ascii: "{") { try objectKey(id) }
                    continue
                }
            case UInt8(ascii: "\""): _ = try skipString(id)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try number(id)
            case UInt8(ascii: "t"): try literal("true", id)
            case UInt8(ascii: "f"): try literal("false", id)
            case UInt8(ascii: "n"): try literal("null", id)
            default: throw error("expected a JSON value, found \(describeHere())", id)
            }
            // After a value: close containers or move to the next element.
            while let closer = closers.last {
                skipWhitespace()
                guard let next = peek() else { throw error("unexpected end of line inside a value", id) }
                if next == UInt8(ascii: ",") {
                    i += 1
                    if closer == UInt8(ascii: "}") {
                        skipWhitespace()
                        try objectKey(id)
                    }
                    break
                }
                guard next == closer else {
                    throw error("expected ',' or '\(Character(Unicode.Scalar(closer)))', found \(describeHere())", id)
                }
                i += 1
                closers.removeLast()
                depth -= 1
            }
            if closers.isEmpty { return }
        }
    }

    /// Inside an object being skipped: reads `"key":`.
    private mutating func objectKey(_ id: EventID?) throws(DecodeError) {
        guard peek() == UInt8(ascii: "\"") else { throw error("expected a field name in double quotes", id) }
        _ = try skipString(id)
        skipWhitespace()
        guard peek() == UInt8(ascii: ":") else { throw error("expected ':' after a field name", id) }
        i += 1
    }

    private mutating func skipString(_ id: EventID?) throws(DecodeError) -> Bool {
        i += 1
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return true
            }
            if c < 0x20 { throw controlCharacterError(c, id) }
            if c == UInt8(ascii: "\\") {
                i += 1
                guard i < b.count else { break }
                switch b[i] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i += 1
                case UInt8(ascii: "u"):
                    i += 1
                    _ = try hex4(id)
                default:
                    throw error("invalid escape in a string", id)
                }
                continue
            }
            i += 1
        }
        throw error("unterminated string", id)
    }

    private mutating func literal(_ word: StaticString, _ id: EventID?) throws(DecodeError) {
        let count = word.utf8CodeUnitCount
        guard i + count <= b.count else { throw error("invalid literal", id) }
        for k in 0..<count where b[i + k] != word.utf8Start[k] {
            throw error("invalid literal", id)
        }
        i += count
    }

    private func describeHere() -> String {
        guard i < b.count else { return "end of line" }
        let c = b[i]
        if c == 0 { return "a NUL byte" }
        if c >= 0x20 && c < 0x7F { return "'\(Character(Unicode.Scalar(c)))'" }
        return "byte 0x\(String(c, radix: 16))"
    }

    private func valueKindHere() -> String {
        switch peek() ?? 0 {
        case UInt8(ascii: "\""): "a string"
        case UInt8(ascii: "{"): "an object"
        case UInt8(ascii: "["): "an array"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): "a boolean"
        case UInt8(ascii: "n"): "null"
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): "a number"
        default: describeHere()
        }
    }
}
