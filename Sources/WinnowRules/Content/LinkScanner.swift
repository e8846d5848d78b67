import WinnowLimits

/// Finds links in raw comment text: `http(s)://…`, `www.…`, bare `name.tld` for well-known
/// top-level domains, and disguised forms (`name . com`, `name[.]com`, `name(dot)com`,
/// `name dot com`). ASCII only: that is what a link has to be to work.
enum LinkScanner {
    struct Link {
        var range: Range<Int>
        /// Lower case, without a leading `www.`.
        var host: String
        var isDisguised: Bool
    }

    static let topLevelDomains: Set<String> = [
        "com", "net", "org", "io", "ly", "gl", "co", "ru", "info", "biz", "xyz", "me", "tv", "gg", "link", "click",
        "top",
        "site", "online", "live", "club", "shop", "store", "app", "dev", "us", "uk", "de", "fr", "cc", "to", "be", "at",
        "in", "su", "win", "vip", "pro", "fun", "icu", "cn", "tk", "ml", "ga", "cf", "gq", "ws",
    ]

    /// The site of a link's `host` (lower case, no `www.`): its registrable domain, the last two
    /// labels, or three under a country's second level (`bbc.co.uk`, `abc.net.au`) — so that
    /// `en.wikipedia.org` and `meta.stackexchange.com` count as the sites their community links to.
    /// Found from the end of the host, without splitting it (no allocation).
    static func site(of host: String) -> Substring {
        let utf8 = host.utf8
        let dot = UInt8(ascii: ".")
        guard let last = utf8.lastIndex(of: dot), let second = utf8[..<last].lastIndex(of: dot) else {
            return host[...]
        }
        let topLevel = utf8[utf8.index(after: last)...]
        let secondLevel = utf8[utf8.index(after: second)..<last]
        guard topLevel.count == 2, secondLevels.contains(where: { $0.utf8.elementsEqual(secondLevel) }) else {
            return host[utf8.index(after: second)...]
        }
        guard let third = utf8[..<second].lastIndex(of: dot) else { return host[...] }
        return host[utf8.index(after: third)...]
    }

    /// Second-level labels under which country domains register names (`co.uk`, `com.au`).
    static let secondLevels: [String] = ["co", "com", "net", "org", "gov", "ac", "edu", "ne", "or", "gob"]

    /// The 32-bit hash `CommonSites` keys a site by (never 0).
    static func siteHash(of host: String) -> UInt32 {
        var name = site(of: host)
        let hash = name.withUTF8 { StableHash.hash(UnsafeRawBufferPointer($0), seed: 0x5173) }
        return max(1, UInt32(truncatingIfNeeded: hash))
    }

    /// Whether the link at `range` of `text` names the channel `conversation` as a whole token
    /// (`…/watch?v=ID&t=2m`, `youtu.be/ID`): case-sensitive, and only for a channel id of at
    /// least `minConversationID` characters, all of them ones a URL carries as they are — a
    /// short or spelled-out name (`general`, `post12`) would be found in unrelated links.
    static func names(_ conversation: String, link range: Range<Int>, in text: UnsafeBufferPointer<UInt8>) -> Bool {
        var conversation = conversation
        return conversation.withUTF8 { id in
            guard id.count >= minConversationID, id.allSatisfy(isLabelByte), range.count > id.count else {
                return false
            }
            var k = range.lowerBound
            let last = range.upperBound - id.count
            while k <= last {
                if text[k] == id[0], k == range.lowerBound || !isLabelByte(text[k - 1]),
                    k + id.count == range.upperBound || !isLabelByte(text[k + id.count]),
                    (1..<id.count).allSatisfy({ text[k + $0] == id[$0] })
                {
                    return true
                }
                k += 1
            }
            return false
        }
    }

    /// The shortest channel id a link is checked for (`names`).
    static let minConversationID = 6

    /// The links of `text`, looked for from `start` on: no link may begin before it (see
    /// `start(before:in:)`).
    static func links(in text: UnsafeBufferPointer<UInt8>, from start: Int = 0) -> [Link] {
        var links: [Link] = []
        let n = text.count
        var k = start
        while k < n {
            // Only a position that starts a word can start a link.
            guard isLabelByte(text[k]), k == 0 || !isLabelByte(text[k - 1]) && text[k - 1] != UInt8(ascii: "@") else {
                k += 1
                continue
            }
            // Most words are followed by a space or punctuation that cannot continue a link.
            var end = k
            while end < n && isLabelByte(text[end]) { end += 1 }
            if !mayContinueLink(text, at: end) {
                k = end
                continue
            }
            let (link, resume) = link(in: text, at: k)
            if let link {
                links.append(link)
                k = link.range.upperBound
            } else {
                k = max(resume, end)
            }
        }
        return links
    }

    /// Where a scan may start when `hint` is where the text's first link hint is
    /// (`TextStats.firstLinkHint`): every link holds a hint, and a link that holds this one
    /// starts at most one label before it, past spaces and opening brackets (`a . com`,
    /// `a[.]com`, `a (dot) com`, `https://…`). Scanning from here finds what scanning from the
    /// start finds: a scan skips a word's inside, and no link starts before.
    static func start(before hint: Int, in text: UnsafeBufferPointer<UInt8>) -> Int {
        var k = hint
        while k > 0,
            text[k - 1] == UInt8(ascii: " ") || text[k - 1] == UInt8(ascii: "[")
                || text[k - 1] == UInt8(ascii: "(") || text[k - 1] == UInt8(ascii: "{")
        {
            k -= 1
        }
        while k > 0 && isLabelByte(text[k - 1]) { k -= 1 }
        return k
    }

    /// Whether what follows a word at `k` can continue a link: `.`, `:` (a scheme), `[ ( {`, or
    /// spaces then `. [ ( { d D` (a disguised dot).
    @inline(__always)
    private static func mayContinueLink(_ text: UnsafeBufferPointer<UInt8>, at k: Int) -> Bool {
        var k = k
        guard k < text.count else { return false }
        switch text[k] {
        case UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: "("), UInt8(ascii: "{"): return true
        case UInt8(ascii: " "): break
        default: return false
        }
        while k < text.count && text[k] == UInt8(ascii: " ") { k += 1 }
        guard k < text.count else { return false }
        switch text[k] {
        case UInt8(ascii: "."), UInt8(ascii: "["), UInt8(ascii: "("), UInt8(ascii: "{"), UInt8(ascii: "d"),
            UInt8(ascii: "D"):
            return true
        default: return false
        }
    }

    /// The link starting at `start`, if any; otherwise where the scan may go on without missing
    /// one. Every start inside a chain of labels reaches the same last label (the same top-level
    /// domain), so after a chain that is not a link only a later `www` label or the last label
    /// (`x.http://…`) can start one: the scan resumes there, not at each label, which keeps it
    /// linear in the length of the text.
    private static func link(in text: UnsafeBufferPointer<UInt8>, at start: Int) -> (link: Link?, resume: Int) {
        let n = text.count
        var k = start
        // Scheme.
        for scheme: StaticString in ["https://", "http://"]
        where text[k] | 0x20 == UInt8(ascii: "h") && hasPrefix(text, at: k, scheme) {
            k += scheme.utf8CodeUnitCount
            let hostStart = k
            while k < n && (isLabelByte(text[k]) || text[k] == UInt8(ascii: ".")) { k += 1 }
            guard k > hostStart else { return (nil, hostStart) }
            let host = string(text, hostStart..<k).lowercased()
            while k < n && !isSpace(text[k]) { k += 1 }
            return (
                Link(
                    range: start..<k, host: host.hasPrefix("www.") ? String(host.dropFirst(4)) : host,
                    isDisguised: false), k
            )
        }
        // Labels separated by dots, or by disguised dots. Most words are followed by neither.
        var firstEnd = k
        while firstEnd < n && isLabelByte(text[firstEnd]) { firstEnd += 1 }
        guard firstEnd > k else { return (nil, k + 1) }
        let dotted = firstEnd + 1 < n && text[firstEnd] == UInt8(ascii: ".") && isLabelByte(text[firstEnd + 1])
        guard dotted || disguisedDot(text, at: firstEnd) != nil else { return (nil, firstEnd) }
        var labels: [Range<Int>] = []
        var disguised = false
        while true {
            let labelStart = k
            while k < n && isLabelByte(text[k]) { k += 1 }
            guard k > labelStart else { break }
            labels.append(labelStart..<k)
            if k < n && text[k] == UInt8(ascii: ".") && k + 1 < n && isLabelByte(text[k + 1]) {
                k += 1
                continue
            }
            if let after = disguisedDot(text, at: k) {
                disguised = true
                k = after
                continue
            }
            break
        }
        func isWWW(_ label: Range<Int>) -> Bool { label.count == 3 && hasPrefix(text, at: label.lowerBound, "www") }
        func resume() -> Int {
            labels.dropFirst().first(where: isWWW)?.lowerBound
                ?? (labels.count >= 2 ? labels[labels.count - 1].lowerBound : firstEnd)
        }
        guard labels.count >= 2 else { return (nil, resume()) }
        let www = isWWW(labels[0])
        guard www || topLevelDomains.contains(string(text, labels[labels.count - 1]).lowercased()) else {
            return (nil, resume())
        }
        var host = labels.map { string(text, $0) }.joined(separator: ".").lowercased()
        if www { host.removeFirst(4) }
        var end = labels[labels.count - 1].upperBound
        if !disguised, end < n, text[end] == UInt8(ascii: "/") {
            while end < n && !isSpace(text[end]) { end += 1 }
        }
        return (Link(range: start..<end, host: host, isDisguised: disguised), end)
    }

    /// After a label: ` . `, `[.]`, `(.)`, `(dot)`, `[dot]`, ` dot ` followed by a label;
    /// returns where the next label starts.
    private static func disguisedDot(_ text: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
        let n = text.count
        var k = start
        var spaces = 0
        while k < n && text[k] == UInt8(ascii: " ") {
            k += 1
            spaces += 1
        }
        // Every disguised dot starts with one of these.
        guard k < n else { return nil }
        switch text[k] | 0x20 {
        case UInt8(ascii: "["), UInt8(ascii: "("), UInt8(ascii: "{"), UInt8(ascii: "d"), UInt8(ascii: "."): break
        default: return nil
        }
        var matched = false
        let forms: [(StaticString, needsSpaces: Bool)] = [
            ("[.]", false), ("(.)", false), ("(dot)", false), ("[dot]", false), ("{dot}", false), ("dot", true),
            (".", true),
        ]
        for (form, needsSpaces) in forms where hasPrefix(text, at: k, form) {
            // A plain `.` or `dot` counts only with spaces around it.
            if needsSpaces && spaces == 0 { continue }
            k += form.utf8CodeUnitCount
            matched = true
            break
        }
        guard matched else { return nil }
        while k < n && text[k] == UInt8(ascii: " ") { k += 1 }
        guard k < n, isLabelByte(text[k]) else { return nil }
        // The next label must be a known top-level domain, or this is just a sentence.
        var end = k
        while end < n && isLabelByte(text[end]) { end += 1 }
        guard topLevelDomains.contains(string(text, k..<end).lowercased()) else { return nil }
        guard end == n || !isLabelByte(text[end]) else { return nil }
        return k
    }

    @inline(__always) static func isLabelByte(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "-")
            || c == UInt8(ascii: "_")
    }

    @inline(__always) private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0D) }

    /// Whether `text` holds `prefix` (lower-case ASCII) at `k`, ignoring case.
    private static func hasPrefix(
        _ text: UnsafeBufferPointer<UInt8>, at k: Int, _ prefix: StaticString, caseInsensitive: Bool = true
    ) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard k + count <= text.count else { return false }
        let p = prefix.utf8Start
        for j in 0..<count {
            var c = text[k + j]
            if caseInsensitive && c >= 0x41 && c <= 0x5A { c |= 0x20 }
            if c != p[j] { return false }
        }
        return true
    }

    private static func string(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: text[range]), as: UTF8.self)
    }
}
