/// Reads the plain-text wordlist format (see README.md, "Wordlists").
///
/// Every problem is collected with its line number rather than stopping at the first, so that
/// `winnow wordlists check` can list them all.
public enum WordlistParser {
    public static func parse(
        _ text: String, name: String, language: String, path: String
    ) -> (list: Wordlist, errors: [WordlistError]) {
        var errors: [WordlistError] = []
        var entries: [WordlistEntry] = []
        var category: String?
        var severity = 3
        var action = ListAction.flag
        var note: String?
        var description: String?
        var seenKeys: Set<String> = []
        var actionLine = 0

        func fail(_ line: Int, _ message: String) {
            errors.append(WordlistError(path: path, line: line, message: message))
        }

        let stem = name.split(separator: "/").last.map(String.init) ?? name
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Substring(rawLine)
            if lineNumber == 1, line.hasPrefix("\u{FEFF}") { line = line.dropFirst() }
            let trimmed = line.trimmingWhitespace()
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }

            if trimmed.hasPrefix("@") {
                guard let colon = trimmed.firstIndex(of: ":") else {
                    fail(lineNumber, "a setting needs a colon: '@key: value'")
                    continue
                }
                let key = String(trimmed[trimmed.index(after: trimmed.startIndex)..<colon]).trimmingWhitespace()
                let value = String(trimmed[trimmed.index(after: colon)...].trimmingWhitespace())
                if !seenKeys.insert(String(key)).inserted {
                    fail(lineNumber, "setting '@\(key)' is given twice")
                    continue
                }
                switch key {
                case "category":
                    if value.isEmpty || value.contains(where: { $0 == " " || $0 == "=" }) {
                        fail(lineNumber, "@category must be one word, got '\(value)'")
                    } else {
                        category = value
                    }
                case "severity":
                    if let number = Int(value), (1...5).contains(number) {
                        severity = number
                    } else {
                        fail(lineNumber, "@severity must be an integer from 1 to 5, got '\(value)'")
                    }
                case "action":
                    if let parsed = ListAction(rawValue: value) {
                        action = parsed
                        actionLine = lineNumber
                    } else {
                        let allowed = ListAction.allCases.map(\.rawValue).joined(separator: ", ")
                        fail(lineNumber, "@action must be one of \(allowed), got '\(value)'")
                    }
                case "note":
                    note = value.isEmpty ? nil : value
                case "description":
                    description = value
                default:
                    fail(lineNumber, "unknown setting '@\(key)' (known: category, severity, action, note, description)")
                }
                continue
            }

            switch parseEntry(trimmed, line: lineNumber) {
            case .success(let entry): entries.append(entry)
            case .failure(let message): fail(lineNumber, message.text)
            }
        }

        if action == .annotate && note == nil {
            fail(actionLine, "@action: annotate needs a '@note:' with the help text to attach")
        }
        let settings = Wordlist.Settings(
            category: category ?? stem, severity: severity, action: action, note: note, description: description)
        return (Wordlist(name: name, language: language, path: path, settings: settings, entries: entries), errors)
    }

    struct Message: Error {
        let text: String
        init(_ text: String) { self.text = text }
    }

    static func parseEntry(_ line: Substring, line lineNumber: Int) -> Result<WordlistEntry, Message> {
        var text = line
        let isAllow = text.hasPrefix("!")
        if isAllow { text = text.dropFirst().trimmingWhitespace() }

        if text.hasPrefix("/") {
            // Raw pattern: up to the last slash; anything after it may only be a comment.
            guard let close = text.lastIndex(of: "/"), close > text.startIndex else {
                return .failure(Message("a pattern must end with '/': /pattern/"))
            }
            let rest = text[text.index(after: close)...].trimmingWhitespace()
            guard rest.isEmpty || rest.hasPrefix("#") else {
                return .failure(Message("unexpected text after the closing '/' of a pattern: '\(rest)'"))
            }
            let body = String(text[text.index(after: text.startIndex)..<close])
            guard !body.isEmpty else { return .failure(Message("empty pattern '//'")) }
            let term = String(text[text.startIndex...close])
            return .success(WordlistEntry(term: term, body: body, kind: .pattern, isAllow: isAllow, line: lineNumber))
        }

        // Inline comment: " #" and everything after it.
        if let hash = text.range(of: " #") { text = text[..<hash.lowerBound].trimmingWhitespace() }
        guard !text.isEmpty else { return .failure(Message("'!' must be followed by an entry")) }
        let term = String(text)
        let leading = text.hasPrefix("*")
        let trailing = text.count > 1 && text.hasSuffix("*")
        var body = text
        if leading { body = body.dropFirst() }
        if trailing { body = body.dropLast() }
        body = body.trimmingWhitespace()
        guard body.contains(where: { $0.isLetter || $0.isNumber }) else {
            return .failure(Message("entry '\(term)' has no letters or digits to match"))
        }
        let kind: WordlistEntry.Kind =
            switch (leading, trailing) {
            case (false, false): .word
            case (false, true): .prefix
            case (true, false): .suffix
            case (true, true): .infix
            }
        return .success(WordlistEntry(term: term, body: String(body), kind: kind, isAllow: isAllow, line: lineNumber))
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return self[endIndex...] }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return self[first...last]
    }
}

extension String {
    func trimmingWhitespace() -> Substring { self[...].trimmingWhitespace() }
}
