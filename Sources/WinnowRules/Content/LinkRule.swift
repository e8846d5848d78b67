import WinnowCore
import WinnowSettings
import WinnowLimits
import WinnowText

/// **links** and **mentions**: too many links or mentions in one comment, link shorteners,
/// disguised links (`example . com`, `example[.]com`, `example dot com`), and links from
/// authors first seen moments ago. The scan of the text is stateless (`scan`); the newcomer
/// check needs the author's window (`evaluateNewcomer`).
public struct LinkRule: Sendable, Equatable {
    public static let name = "links"
    public static let mentionsName = "mentions"

    public var enabled: Bool
    public var maxLinks: Int
    public var maxMentions: Int
    /// A link from an author first seen less than this long ago (0: off).
    public var newAuthorWindow: Micros
    /// What a newcomer's link asks for when nothing else in the comment looks like spam (a
    /// shortener, a disguised link, too many links or mentions, a spam-list phrase, a spam score
    /// of the classifier): on real civil comments — Stack Exchange answers citing Wikipedia, a
    /// fan's first comment with the video's link — it is the only sign 2–5% of the time, so
    /// alone it is shown to moderators, not removed. With a sign, `action`.
    public var newAuthorAloneAction: RuleAction
    /// What too many mentions ask for when nothing else in the comment looks like spam (a
    /// shortener, a disguised link, too many links, a spam-list phrase, a spam score of the
    /// classifier): on real civil tweets a reply chain names six people or more (Davidson et
    /// al.'s "neither" tweets: 21 of 4,163 held for it alone), so alone it is shown to
    /// moderators, not removed. With a sign, `action`.
    public var mentionsAloneAction: RuleAction
    public var shorteners: Set<String>
    public var action: RuleAction
    public var dryRun: Bool

    public init(
        enabled: Bool = true, maxLinks: Int = 2, maxMentions: Int = 5, newAuthorWindow: Micros = 600 * Micros.perSecond,
        shorteners: Set<String> = LinkRule.defaultShorteners, action: RuleAction = .hold,
        newAuthorAloneAction: RuleAction = .flag, mentionsAloneAction: RuleAction = .flag, dryRun: Bool = false
    ) {
        self.enabled = enabled
        self.maxLinks = maxLinks
        self.maxMentions = maxMentions
        self.newAuthorWindow = newAuthorWindow
        self.shorteners = shorteners
        self.action = action
        self.newAuthorAloneAction = newAuthorAloneAction
        self.mentionsAloneAction = mentionsAloneAction
        self.dryRun = dryRun
    }

    public static let defaultShorteners: Set<String> = [
        // Not t.co: Twitter wraps every link in it, so it says nothing about the link.
        "bit.ly", "tinyurl.com", "goo.gl", "ow.ly", "is.gd", "buff.ly", "cutt.ly", "rb.gy", "shorturl.at",
        "tiny.cc", "t.ly", "rebrand.ly", "bl.ink", "s.id", "v.gd", "shorte.st", "adf.ly", "bitly.com", "lnkd.in",
        "qr.ae", "soo.gd", "clck.ru", "tinyurl.ru", "u.to",
    ]

    /// Reports too many links or mentions, shorteners and disguised links; returns the number
    /// of links, for the newcomer check.
    /// `bytes` is the comment's UTF-8; `folded`, when given, its folded view: a text that is not
    /// plain ASCII is scanned there, so that links written in full-width or look-alike letters
    /// (`ｅｂａｙ．ｃｏｍ`) are found, with their places in the original text.
    public func scan(
        _ bytes: UnsafeBufferPointer<UInt8>, folded: TextView? = nil, stats: TextStats, into reasons: inout [Reason]
    ) -> Int {
        guard enabled else { return 0 }
        if stats.mentions > maxMentions {
            reasons.append(
                Reason(
                    rule: Self.mentionsName, action: action, message: "\(stats.mentions) mentions",
                    limit: "at most \(maxMentions) mentions", count: stats.mentions, dryRun: dryRun))
        }
        var links: [LinkScanner.Link]
        if let folded, !folded.mapsOneToOne, folded.count > 0 {
            links = folded.withBytes { LinkScanner.links(in: $0) }
            for k in links.indices { links[k].range = folded.originalRange(of: links[k].range) }
        } else {
            guard let hint = stats.firstLinkHint else { return 0 }
            links = LinkScanner.links(in: bytes, from: LinkScanner.start(before: hint, in: bytes))
        }
        // Links come in text order: spans are counted on from the previous one, not from the start.
        var scalarsBefore = 0
        var counted = 0
        var listed = 0
        var more: (count: Int, ranges: [Range<Int>]) = (0, [])
        for link in links {
            // `host` is lower case already.
            let message =
                link.isDisguised ? "a disguised link" : shorteners.contains(link.host) ? "a link shortener" : nil
            guard let message else { continue }
            guard listed < Self.maxListed else {
                more.count += 1
                more.ranges.append(link.range)
                continue
            }
            listed += 1
            scalarsBefore += UTF8Scalars.count(bytes, counted..<link.range.lowerBound)
            counted = link.range.lowerBound
            let span = TextSpan(start: scalarsBefore, end: scalarsBefore + UTF8Scalars.count(bytes, link.range))
            reasons.append(reason(message: message, term: link.host, bytes: bytes, range: link.range, span: span))
        }
        if more.count > 0 {
            var summary = Reason(
                rule: Self.name, action: action, message: "and \(more.count) more disguised links or link shorteners",
                count: more.count, dryRun: dryRun)
            summary.moreRanges = more.ranges
            reasons.append(summary)
        }
        if links.count > maxLinks {
            reasons.append(
                Reason(
                    rule: Self.name, action: action, message: "\(links.count) links",
                    limit: "at most \(maxLinks) links",
                    count: links.count, dryRun: dryRun))
        }
        return links.count
    }

    /// Too many mentions with nothing besides them that looks like spam (`corroborated`) ask for
    /// `mentionsAloneAction` instead of `action`: the content step knows only once the
    /// classifier has scored the comment.
    public func settleMentions(_ reasons: inout [Reason], corroborated: Bool) {
        guard !corroborated, mentionsAloneAction != action,
            let k = reasons.firstIndex(where: { $0.rule == Self.mentionsName })
        else { return }
        reasons[k].action = mentionsAloneAction
    }

    /// Reports a link from an author first seen less than `newAuthorWindow` ago — unless
    /// Winnow itself had not been watching that long when the author first came. `corroborated`:
    /// something else in the comment looks like spam (`action`; else `newAuthorAloneAction`).
    public func evaluateNewcomer(
        _ context: WindowContext, links: Int, corroborated: Bool, into reasons: inout [Reason]
    ) {
        guard enabled, links > 0, newAuthorWindow > 0, !context.isExempt, let author = context.author else { return }
        let firstSeen = Micros(bitPattern: context.state.authors.load(author, AuthorWord.firstSeen))
        guard firstSeen - context.watchingSince >= newAuthorWindow, context.now - firstSeen < newAuthorWindow else {
            return
        }
        reasons.append(
            Reason(
                rule: Self.name, action: corroborated ? action : newAuthorAloneAction,
                message: "a link from an author first seen \(DurationText.describe(context.now - firstSeen)) ago",
                limit: "new authors: \(DurationText.describe(newAuthorWindow))", dryRun: dryRun))
    }

    /// Disguised links and shorteners listed one by one in a verdict; past these, one reason
    /// counts the rest (a comment of a million links gets a verdict of a few kilobytes).
    public static let maxListed = 20

    private func reason(
        message: String, term: String, bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, span: TextSpan
    ) -> Reason {
        Reason(
            rule: Self.name, action: action, term: term,
            match: String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self),
            span: span, utf8Range: range, message: message, dryRun: dryRun)
    }
}

extension LinkRule: SettingsSection {
    public static let section = "links"
    public static let about = [
        "links and mentions: too many, link shorteners, disguised links, links from new authors.",
        "A new author's link is held when something else in the comment looks like spam (a",
        "shortener, a disguised link, too many links or mentions, a spam-list phrase, a spam score",
        "of at least 0.5), and only flagged (new_author_alone) when the link is the only sign;",
        "too many mentions likewise (mentions_alone) unless something besides them looks like spam.",
    ]
    public static var settings: [RuleSetting<Self>] {
        [
            .enabled(\.enabled),
            .int("max_links", \.maxLinks, in: 0...1000, "most links in one comment"),
            .int("max_mentions", \.maxMentions, in: 0...1000, "most @mentions in one comment"),
            .duration(
                "new_author_window", \.newAuthorWindow, "an author first seen less than this ago is new (0s: off)"),
            // `annotate`: a newcomer's link alone is allowed, with the reason noted.
            .choice(
                "new_author_alone", \.newAuthorAloneAction, of: [.annotate] + RuleAction.ruleChoices,
                "what a new author's link asks for when nothing else looks like spam"),
            .choice(
                "mentions_alone", \.mentionsAloneAction, of: [.annotate] + RuleAction.ruleChoices,
                "what too many mentions ask for when nothing else looks like spam"),
            .words("shorteners", \.shorteners, lowercased: true, "link-shortener domains"),
            .action(\.action), .dryRun(\.dryRun),
        ]
    }
    public var summary: String {
        Self.summaryLine(
            enabled: enabled,
            "at most \(maxLinks) links, \(maxMentions) mentions, \(shorteners.count) shorteners, new authors "
                + (newAuthorWindow == 0 ? "off" : DurationText.describe(newAuthorWindow))
                + " (alone: \(newAuthorAloneAction.rawValue); mentions alone: \(mentionsAloneAction.rawValue))",
            action: action.rawValue, dryRun: dryRun)
    }
}

extension LinkRule: ContentRule {
    public var isActive: Bool { enabled }
    public var needsStats: Bool { true }

    /// Leaves the link count for the classifier and the newcomer check.
    @inlinable
    public func evaluate(_ comment: inout AnalyzedComment, into reasons: inout [Reason]) {
        guard let stats = comment.stats else { return }
        comment.links = scan(comment.original, folded: comment.folded, stats: stats, into: &reasons)
    }

    /// The newcomer check, the link rule's window half.
    public var newcomer: Newcomer { Newcomer(rule: self) }

    /// A link from an author first seen a moment ago (`evaluateNewcomer`).
    public struct Newcomer: WindowRule {
        public static var name: String { LinkRule.name }
        public let rule: LinkRule
        public var isActive: Bool { rule.enabled && rule.newAuthorWindow > 0 }
        @inlinable
        public func evaluate(_ event: inout WindowEvent, into reasons: inout [Reason]) {
            rule.evaluateNewcomer(event.context, links: event.links, corroborated: event.looksLikeSpam, into: &reasons)
        }
    }
}
