import WinnowCore

/// A control op of the sidecar's protocol (a JSON object with `op`), read strictly: every field
/// has one type and one range, unknown fields are refused (a typo must not turn a timeout into
/// a ban for good), and whatever the request, its answer echoes `op` and `id` as valid JSON.
///
/// ```
/// {"op":"health"}   {"op":"stats"}   {"op":"reload"}
/// {"op":"slow_mode","channel":"c","seconds":30}    0 = off; or "reset":true = back to the policy
/// {"op":"timeout","author":"a","seconds":600}
/// {"op":"ban","author":"a"}                         for good; with "seconds": for that long
/// {"op":"unban","author":"a"}                       lifts a timeout or a ban
/// {"op":"queue","channel":"c","rule":"links","older_than":600,"limit":50,"offset":0}   open review cases (all optional)
/// {"op":"case","case":12}                           one case with its comments and decisions
/// {"op":"decide","case":12,"outcome":"remove"}      approve or remove; the first decision wins
/// {"op":"decide","case":12,"outcome":"remove","sanction":"timeout","seconds":600}   and time out (or ban) its authors
/// {"op":"decide","case":14,"outcome":"overturn"}    an appeal: uphold, or overturn (an undo in full)
/// {"op":"appeal","id":"c42","message":"…"}          appeals the verdict on comment c42 (its id)
/// {"op":"subscribe","to":"decisions","after":0}     this connection then receives each decision
/// ```
/// Every op may carry `id` (a string or a number, echoed), and the ones that change an author or
/// a channel `moderator` and `note` (strings, recorded in the audit trail).
public struct ControlRequest: Sendable, Equatable {
    public enum Command: Sendable, Equatable {
        case health, stats, reload
        /// `seconds` 0 turns slow-mode off; `nil` resets the channel to the policy.
        case slowMode(channel: String, seconds: Double?)
        case timeout(author: String, seconds: Double)
        /// `seconds` nil: for good.
        case ban(author: String, seconds: Double?)
        case unban(author: String)
        /// The open review cases, most urgent first, filtered and paged.
        /// `olderThan`: only cases open at least that many seconds.
        case queue(channel: String?, rule: String?, olderThan: Double?, limit: Int, offset: Int)
        /// One review case.
        case reviewCase(id: Int)
        /// `outcome`: `approve` or `remove` (a review case), `uphold` or `overturn` (an appeal);
        /// `sanction` (`timeout` or `ban`, for `seconds` or a ban for good) only with `remove`.
        case decide(caseID: Int, outcome: String, sanction: String?, seconds: Double?)
        /// An appeal on the verdict of the comment whose id is `comment` (the op's `id`).
        case appeal(comment: String, message: String?)
        /// The connection receives every decision after `after` (nil: from now on), and
        /// nothing else.
        case subscribe(after: Int?)
    }

    public var command: Command
    /// `"op":…` and, when the request had one, `,"id":…` — the start of every answer.
    public var answerHead: String
    public var moderator: String?
    public var note: String?

    /// The op names, for messages.
    public static let names = [
        "health", "stats", "reload", "slow_mode", "timeout", "ban", "unban", "queue", "case", "decide", "appeal",
        "subscribe",
    ]
    /// The longest appeal message, in bytes.
    public static let longestAppealMessage = 4000
    /// The longest timeout or timed ban: 100 years (`Micros.longestDuration`'s seconds).
    public static let longestPenaltySeconds = 3_153_600_000.0
    /// The longest slow-mode interval an op may set: a week.
    public static let longestSlowModeSeconds = 604_800.0

    /// Why a request was refused, with the answer head to echo.
    public struct Refusal: Error, Sendable, Equatable {
        public var answerHead: String
        public var message: String

        public init(answerHead: String, message: String) {
            self.answerHead = answerHead
            self.message = message
        }
    }

    /// A line is an op when it is a JSON object with an `"op"` key; events never need one. The
    /// cheap first look (the bytes `"op"`) keeps events off the slow path.
    public static func looksLikeOp(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard line.count >= 6 else { return false }
        var k = 0
        while k + 3 < line.count {
            if line[k] == 0x22 && line[k + 1] == 0x6F && line[k + 2] == 0x70 && line[k + 3] == 0x22 {
                guard case .object = try? JSONValue.parse(line), (try? JSONValue.parse(line))?["op"] != nil else {
                    return false
                }
                return true
            }
            k += 1
        }
        return false
    }

    public static func parse(_ line: UnsafeBufferPointer<UInt8>) -> Result<ControlRequest, Refusal> {
        let value: JSONValue
        do {
            value = try JSONValue.parse(line)
        } catch {
            return .failure(Refusal(answerHead: #""op":null"#, message: error.message))
        }
        guard case .object = value, let op = value["op"] else {
            return .failure(Refusal(answerHead: #""op":null"#, message: "an op is a JSON object with \"op\""))
        }
        // Only a string op is echoed as given: anything else is refused below, and its echo
        // could be any JSON (a huge number that some readers cannot read back).
        var head = #""op":null"#
        if case .string = op { head = #""op":"# + op.encoded }
        if let id = value["id"] {
            switch id {
            case .string:
                head += #","id":"# + id.encoded
            case .number:
                guard id.double != nil else {
                    return .failure(Refusal(answerHead: head, message: "\"id\" must be a string or a finite number"))
                }
                head += #","id":"# + id.encoded
            default:
                return .failure(
                    Refusal(answerHead: head, message: "\"id\" must be a string or a number, not \(id.kind)"))
            }
        }
        do throws(Refusal) {
            return .success(try read(value, op: op, head: head))
        } catch {
            return .failure(error)
        }
    }

    public static func parse(_ text: String) -> Result<ControlRequest, Refusal> {
        var text = text
        return text.withUTF8 { parse($0) }
    }

    private static func read(_ value: JSONValue, op: JSONValue, head: String) throws(Refusal) -> ControlRequest {
        func refuse(_ message: String) -> Refusal { Refusal(answerHead: head, message: message) }
        guard case .string(let name) = op else {
            throw refuse("\"op\" must be a string (ops: \(names.joined(separator: ", ")))")
        }
        let common = ["op", "id"]
        let attributed = common + ["moderator", "note"]
        let allowed: [String]
        switch name {
        case "health", "stats", "reload": allowed = common
        case "slow_mode": allowed = attributed + ["channel", "seconds", "reset"]
        case "timeout", "ban": allowed = attributed + ["author", "seconds"]
        case "unban": allowed = attributed + ["author"]
        case "queue": allowed = common + ["channel", "rule", "older_than", "limit", "offset"]
        case "case": allowed = common + ["case"]
        case "decide": allowed = attributed + ["case", "outcome", "sanction", "seconds"]
        case "appeal": allowed = common + ["message"]
        case "subscribe": allowed = common + ["to", "after"]
        default: throw refuse("unknown op '\(name)' (ops: \(names.joined(separator: ", ")))")
        }
        guard case .object(let members) = value else { throw refuse("an op is a JSON object") }
        if let unknown = members.first(where: { !allowed.contains($0.key) }) {
            throw refuse("\(name) takes no field '\(unknown.key)' (fields: \(allowed.joined(separator: ", ")))")
        }
        func text(_ key: String, required: Bool) throws(Refusal) -> String? {
            guard let field = value[key] else {
                if required { throw refuse("\(name) needs \"\(key)\", a non-empty string") }
                return nil
            }
            guard case .string(let text) = field, !text.isEmpty else {
                throw refuse(
                    "\"\(key)\" must be a non-empty string, not \(field.kind == "a string" ? "an empty one" : field.kind)"
                )
            }
            return text
        }
        func seconds(_ range: ClosedRange<Double>) throws(Refusal) -> Double? {
            guard let field = value["seconds"] else { return nil }
            guard let seconds = field.double, range.contains(seconds) else {
                throw refuse(
                    "\"seconds\" must be a number from \(JSONText.number(range.lowerBound)) to \(JSONText.number(range.upperBound)), not \(field.encoded.prefix(40))"
                )
            }
            return seconds
        }
        func integer(_ key: String, _ range: ClosedRange<Int>, required: Bool) throws(Refusal) -> Int? {
            guard let field = value[key] else {
                if required { throw refuse("\(name) needs \"\(key)\", a whole number") }
                return nil
            }
            guard let number = field.double, number.rounded() == number, number >= Double(range.lowerBound),
                number <= Double(range.upperBound)
            else {
                throw refuse(
                    "\"\(key)\" must be a whole number from \(range.lowerBound) to \(range.upperBound), not \(field.encoded.prefix(40))"
                )
            }
            return Int(number)
        }
        let command: Command
        switch name {
        case "queue":
            var olderThan: Double?
            if let field = value["older_than"] {
                guard let seconds = field.double, seconds >= 0, seconds <= longestPenaltySeconds else {
                    throw refuse(
                        "\"older_than\" must be a number of seconds from 0 to \(Int(longestPenaltySeconds)), not \(field.encoded.prefix(40))"
                    )
                }
                olderThan = seconds
            }
            command = .queue(
                channel: try text("channel", required: false), rule: try text("rule", required: false),
                olderThan: olderThan, limit: try integer("limit", 1...1000, required: false) ?? 50,
                offset: try integer("offset", 0...Int(Int32.max), required: false) ?? 0)
        case "case": command = .reviewCase(id: try integer("case", 1...Int(Int64.max >> 11), required: true)!)
        case "decide":
            let id = try integer("case", 1...Int(Int64.max >> 11), required: true)!
            let outcome = try text("outcome", required: true)!
            guard ["approve", "remove", "uphold", "overturn"].contains(outcome) else {
                throw refuse("\"outcome\" must be approve, remove, uphold or overturn, not '\(outcome.prefix(40))'")
            }
            let sanction = try text("sanction", required: false)
            if let sanction, sanction != "timeout" && sanction != "ban" {
                throw refuse("\"sanction\" must be timeout or ban, not '\(sanction.prefix(40))'")
            }
            if sanction != nil && outcome != "remove" {
                throw refuse("a sanction goes with \"outcome\": \"remove\"")
            }
            let length = try seconds(1...longestPenaltySeconds)
            if length != nil && sanction == nil { throw refuse("\"seconds\" goes with a \"sanction\"") }
            if sanction == "timeout" && length == nil {
                throw refuse("a timeout needs \"seconds\", a number from 1 to \(Int(longestPenaltySeconds))")
            }
            command = .decide(caseID: id, outcome: outcome, sanction: sanction, seconds: length)
        case "appeal":
            let comment: String
            switch value["id"] {
            case .string(let text)? where !text.isEmpty: comment = text
            case .number(let literal)?: comment = literal
            default: throw refuse("appeal needs \"id\": the id of the comment whose verdict is appealed")
            }
            let message = try text("message", required: false)
            if let message, message.utf8.count > longestAppealMessage {
                throw refuse("\"message\" is longer than \(longestAppealMessage) bytes")
            }
            command = .appeal(comment: comment, message: message)
        case "subscribe":
            guard let to = try text("to", required: true), to == "decisions" else {
                throw refuse("subscribe needs \"to\": \"decisions\" (the only feed)")
            }
            command = .subscribe(after: try integer("after", 0...Int(Int64.max >> 11), required: false))
        case "health": command = .health
        case "stats": command = .stats
        case "reload": command = .reload
        case "slow_mode":
            let channel = try text("channel", required: true)!
            let interval = try seconds(0...longestSlowModeSeconds)
            switch (value["reset"], interval) {
            case (nil, let interval?): command = .slowMode(channel: channel, seconds: interval)
            case (.bool(true)?, nil): command = .slowMode(channel: channel, seconds: nil)
            case (let reset?, _) where reset != .bool(true):
                throw refuse("\"reset\" can only be true, not \(reset.encoded.prefix(40))")
            default:
                throw refuse(
                    "slow_mode needs \"seconds\" (0 to \(Int(longestSlowModeSeconds)); 0 turns it off) or \"reset\": true, not both"
                )
            }
        case "timeout":
            let author = try text("author", required: true)!
            guard let seconds = try seconds(1...longestPenaltySeconds) else {
                throw refuse("timeout needs \"seconds\", a number from 1 to \(Int(longestPenaltySeconds))")
            }
            command = .timeout(author: author, seconds: seconds)
        case "ban":
            command = .ban(author: try text("author", required: true)!, seconds: try seconds(1...longestPenaltySeconds))
        default: command = .unban(author: try text("author", required: true)!)
        }
        return ControlRequest(
            command: command, answerHead: head, moderator: try text("moderator", required: false),
            note: try text("note", required: false))
    }

    /// An answer line: the head, `members` (each starting with a comma), a newline.
    public func answer(_ members: String) -> [UInt8] { Self.answer(head: answerHead, members) }

    public static func answer(head: String, _ members: String) -> [UInt8] { Array(("{" + head + members + "}\n").utf8) }

    /// The answer whose members after `lead` are JSON already written as bytes (a page of
    /// review cases: 16 KB, copied once instead of through three strings).
    public func answer(_ lead: String, bytes members: [UInt8], trail: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(answerHead.utf8.count + lead.utf8.count + members.count + trail.utf8.count + 3)
        out.append(UInt8(ascii: "{"))
        out.append(contentsOf: answerHead.utf8)
        out.append(contentsOf: lead.utf8)
        out.append(contentsOf: members)
        out.append(contentsOf: trail.utf8)
        out.append(contentsOf: "}\n".utf8)
        return out
    }

    /// The answer refusing a request.
    public static func refusal(_ refusal: Refusal) -> [UInt8] {
        answer(head: refusal.answerHead, #","ok":false,"error":\#(JSONText.quoted(refusal.message))"#)
    }
}
