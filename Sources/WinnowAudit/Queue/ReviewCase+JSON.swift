import WinnowCore

/// The review queue's JSON, one shape for `winnow queue --json`, the decision feed and the
/// sidecar's ops.
extension ReviewCase {
    /// One case with its comments, decisions and its authors' records:
    /// `"case":{…},"comments":[…],"decisions":[…],"authors":[…]` inside an object
    /// (`queue show --json`, the `case` op).
    public static func detailMembers(
        _ found: ReviewCase, _ comments: [CaseComment], _ decisions: [CaseDecision], authors: [AuthorRecord] = []
    ) -> String {
        let ids = comments.map { $0.eventID ?? "" }
        return #""case":\#(found.json),"comments":[\#(comments.map(\.json).joined(separator: ","))]"#
            + #","decisions":[\#(decisions.map { $0.json(comments: ids) }.joined(separator: ","))]"#
            + #","authors":[\#(authors.map(\.json).joined(separator: ","))]"#
    }

    public static func detailJSON(
        _ found: ReviewCase, _ comments: [CaseComment], _ decisions: [CaseDecision], authors: [AuthorRecord] = []
    ) -> String { "{" + detailMembers(found, comments, decisions, authors: authors) + "}" }

    public var json: String {
        var out: [UInt8] = []
        appendJSON(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The case's JSON object appended to `out`, field by field as bytes (a page of the queue
    /// is 50 of these: concatenating string literals made most of the `queue` op's time).
    public func appendJSON(to out: inout [UInt8]) {
        out.reserveCapacity(out.count + 360 + (firstText?.utf8.count ?? 0) + (message?.utf8.count ?? 0))
        func raw(_ text: StaticString) { JSONText.append(text, to: &out) }
        func field(_ name: StaticString, _ value: String?) {
            raw(name)
            JSONText.append(quoted: value, to: &out)
        }
        func field(_ name: StaticString, _ value: Int) {
            raw(name)
            JSONText.append(integer: value, to: &out)
        }
        func field(_ name: StaticString, _ value: Double?) {
            raw(name)
            JSONText.append(number: value, to: &out)
        }
        field(#"{"case":"#, id)
        field(#","status":"#, status)
        field(#","severity":"#, severity)
        field(#","rule":"#, rule)
        field(#","channel":"#, channel)
        field(#","comments":"#, comments)
        field(#","authors":"#, authors)
        field(#","opened_at":"#, openedAt)
        field(#","last_at":"#, lastAt)
        field(#","decided_at":"#, decidedAt)
        field(#","decided_by":"#, decidedBy)
        field(#","note":"#, note)
        field(#","first_author":"#, firstAuthor)
        field(#","first_text":"#, firstText)
        field(#","kind":"#, kind)
        field(#","message":"#, message)
        raw("}")
    }
}

extension CaseComment {
    /// With its verdict embedded as JSON, as it was released.
    public var json: String {
        func quoted(_ value: String?) -> String { value.map(JSONText.quoted) ?? "null" }
        return #"{"seq":\#(seq),"id":\#(quoted(eventID)),"author":\#(quoted(author)),"channel":\#(quoted(channel))"#
            + #","ts":\#(JSONText.number(timestamp)),"text":\#(quoted(text)),"verdict":\#(verdict)}"#
    }
}

extension CaseDecision {
    /// `id`: the decision's number in the feed (`decisions.id`); `comments`: the case's comment ids.
    public func json(id: Int? = nil, comments: [String]) -> String {
        (id.map { #"{"decision":\#($0),"# } ?? "{")
            + #""case":\#(caseID),"outcome":\#(JSONText.quoted(outcome.rawValue))"#
            + #","moderator":\#(JSONText.quoted(moderator)),"note":\#(note.map(JSONText.quoted) ?? "null")"#
            + #","at":\#(JSONText.number(at)),"comments":[\#(comments.map(JSONText.quoted).joined(separator: ","))]"#
            + (sanction.map { #","sanction":{"kind":"\#($0.name)","seconds":\#(JSONText.number($0.seconds))}"# } ?? "")
            + "}"
    }
}

extension ReviewQueue.Label {
    /// An event with its label (`"label":1` for remove and uphold, 0 for approve and overturn), as `winnow train` reads
    /// it: `winnow train labels.ndjson --label label --positive 1 --negative 0`.
    public var json: String {
        func quoted(_ value: String?) -> String { value.map(JSONText.quoted) ?? "null" }
        return #"{"id":\#(quoted(eventID)),"author":\#(quoted(author)),"channel":\#(quoted(channel))"#
            + #","ts":\#(JSONText.number(timestamp)),"text":\#(quoted(text)),"label":\#(outcome.confirmsVerdict ? 1 : 0)"#
            + #","outcome":\#(JSONText.quoted(outcome.rawValue)),"case":\#(caseID),"rule":\#(quoted(rule))"#
            + #","moderator":\#(JSONText.quoted(moderator)),"decided_at":\#(JSONText.number(decidedAt))}"#
    }
}

extension AuthorRecord {
    public var json: String {
        #"{"author":\#(JSONText.quoted(author)),"strikes":\#(strikes),"timeouts":\#(timeouts),"bans":\#(bans)"#
            + #","undone":\#(undone),"recent":[\#(recent.map(\.json).joined(separator: ","))]}"#
    }
}
