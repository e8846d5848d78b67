import WinnowCore

/// A JSON value read strictly, for the few messages that are not events (the sidecar's control
/// ops): every type stays what it was written as — `"600"` is a string, `true` is not 1 — and
/// numbers keep their text so they can be echoed exactly.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number as written (valid JSON number syntax).
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in the order written; a repeated key keeps its last value, as JSON readers do.
    case object([(key: String, value: JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.array(let x), .array(let y)): x == y
        case (.object(let x), .object(let y)):
            x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    /// Nesting deeper than this is refused (the parser recurses).
    public static let maxDepth = 64

    /// Reads one JSON value filling the whole line (white space around it allowed).
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(DecodeError) -> JSONValue {
        if let bad = firstInvalidUTF8(bytes) { throw DecodeError("invalid UTF-8 at byte \(bad + 1)") }
        var reader = Reader(scanner: JSONScanner(bytes: bytes))
        let value = try reader.value(depth: 0)
        reader.skipWhitespace()
        guard reader.scanner.i == bytes.count else { throw reader.error("unexpected text after the JSON value") }
        return value
    }

    public static func parse(_ text: String) throws(DecodeError) -> JSONValue {
        var text = text
        return try text.withUTF8 { bytes in Result { () throws(DecodeError) in try parse(bytes) } }.get()
    }

    /// The value of `key` in an object (the last one written), `nil` when absent or not an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.key == key }?.value
    }

    /// The value as compact JSON text.
    public var encoded: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .number(let text): text
        case .string(let text): JSONText.quoted(text)
        case .array(let items): "[" + items.map(\.encoded).joined(separator: ",") + "]"
        case .object(let members):
            "{" + members.map { JSONText.quoted($0.key) + ":" + $0.value.encoded }.joined(separator: ",") + "}"
        }
    }

    /// What kind of value this is, in words for error messages.
    public var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    private struct Reader {
        var scanner: JSONScanner

        mutating func skipWhitespace() {
            while scanner.i < scanner.b.count {
                switch scanner.b[scanner.i] {
                case 0x20, 0x09, 0x0A, 0x0D: scanner.i += 1
                default: return
                }
            }
        }

        func error(_ message: String) -> DecodeError {
            DecodeError("invalid JSON at byte \(min(scanner.i, scanner.b.count) + 1): \(message)")
        }

        mutating func value(depth: Int) throws(DecodeError) -> JSONValue {
            guard depth < JSONValue.maxDepth else { throw error("nested deeper than \(JSONValue.maxDepth) levels") }
            skipWhitespace()
            guard scanner.i < scanner.b.count else { throw error("expected a value, found the end of the line") }
            switch scanner.b[scanner.i] {
            case UInt8(ascii: "{"):
                scanner.i += 1
                var members: [(key: String, value: JSONValue)] = []
                skipWhitespace()
                if scanner.i < scanner.b.count, scanner.b[scanner.i] == UInt8(ascii: "}") {
                    scanner.i += 1
                    return .object(members)
                }
                while true {
                    skipWhitespace()
                    guard scanner.i < scanner.b.count, scanner.b[scanner.i] == UInt8(ascii: "\"") else {
                        throw error("expected a field name in double quotes")
                    }
                    let key = try scanner.string(nil)
                    skipWhitespace()
                    guard scanner.i < scanner.b.count, scanner.b[scanner.i] == UInt8(ascii: ":") else {
                        throw error("expected ':' after a field name")
                    }
                    scanner.i += 1
                    let member = try value(depth: depth + 1)
                    members.removeAll { $0.key == key }
                    members.append((key, member))
                    skipWhitespace()
                    guard scanner.i < scanner.b.count else { throw error("unexpected end of line inside an object") }
                    let c = scanner.b[scanner.i]
                    scanner.i += 1
                    if c == UInt8(ascii: ",") { continue }
                    if c == UInt8(ascii: "}") { return .object(members) }
                    scanner.i -= 1
                    throw error("expected ',' or '}' in an object")
                }
            case UInt8(ascii: "["):
                scanner.i += 1
                var items: [JSONValue] = []
                skipWhitespace()
                if scanner.i < scanner.b.count, scanner.b[scanner.i] == UInt8(ascii: "]") {
                    scanner.i += 1
                    return .array(items)
                }
                while true {
                    items.append(try value(depth: depth + 1))
                    skipWhitespace()
                    guard scanner.i < scanner.b.count else { throw error("unexpected end of line inside an array") }
                    let c = scanner.b[scanner.i]
                    scanner.i += 1
                    if c == UInt8(ascii: ",") { continue }
                    if c == UInt8(ascii: "]") { return .array(items) }
                    scanner.i -= 1
                    throw error("expected ',' or ']' in an array")
                }
            case UInt8(ascii: "\""):
                let text = try scanner.string(nil)
                return .string(text)
            case UInt8(ascii: "t"):
                try literal("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try literal("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try literal("null")
                return .null
            default:
                let range = try scanner.numberRange(nil)
                return .number(String(decoding: scanner.b[range], as: UTF8.self))
            }
        }

        mutating func literal(_ word: StaticString) throws(DecodeError) {
            let count = word.utf8CodeUnitCount
            guard scanner.i + count <= scanner.b.count,
                (0..<count).allSatisfy({ scanner.b[scanner.i + $0] == word.utf8Start[$0] })
            else { throw error("expected a JSON value") }
            scanner.i += count
        }
    }
}

extension JSONValue {
    /// A number's value, when it is one and finite.
    public var double: Double? {
        guard case .number(let text) = self, let value = Double(text), value.isFinite else { return nil }
        return value
    }
}
