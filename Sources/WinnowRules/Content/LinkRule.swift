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
    /// Established authors (past the newcomer window) who linked to a site within
    /// `commonSiteWindow` that make it one the community links to: a newcomer's link to it is
    /// then no sign by itself (0: off). On real civil text the newcomers' links mostly go where
    /// everyone's do — Stack Exchange's own pages and Wikipedia, Twitter's `t.co`.
    public var commonSiteAuthors: Int
    public var commonSiteWindow: Micros
    public var shorteners: Set<String>
    public var action: RuleAction
    public var dryRun: Bool

    public init(
        enabled: Bool = true, maxLinks: Int = 2, maxMentions: Int = 5, newAuthorWindow: Micros = 600 * Micros.perSecond,
        shorteners: Set<String> = LinkRule.defaultShorteners, action: RuleAction = .hold,
        newAuthorAloneAction: RuleAction = .flag, mentionsAloneAction: RuleAction = .flag, commonSiteAuthors: Int = 3,
        commonSiteWindow: Micros = 30 * 86_400 * Micros.perSecond, dryRun: Bool = false
    ) {
        self.commonSiteAuthors = commonSiteAuthors
        self.commonSiteWindow = commonSiteWindow
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
    /// of links that lead away from the conversation and the site they all go to
    /// (`LinkScanner.siteHash`; 0: none, or several), for the newcomer check and flood.
    /// `conversation`: the comment's channel. A link that names it (`youtu.be/KQ6zr6kCPj8` under
    /// the video `KQ6zr6kCPj8`) points back at the page the comment is on — a fan sharing the
    /// video, a timestamp — not away from it: it counts towards `maxLinks`, never as a newcomer's
    /// link (11 of the 11 newcomer links among the YouTube Spam Collection's ham rows).
    /// `bytes` is the comment's UTF-8; `folded`, when given, its folded view: a text that is not
    /// plain ASCII is scanned there, so that links written in full-width or look-alike letters
    /// (`ｅｂａｙ．ｃｏｍ`) are found, with their places in the original text.
    public func scan(
        _ bytes: UnsafeBufferPointer<UInt8>, folded: TextView? = nil, stats: TextStats, conversation: String = "",
        into reasons: inout [Reason]
    ) -> (links: Int, site: UInt32) {
        guard enabled else { return (0, 0) }
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
            guard let hint = stats.firstLinkHint else { return (0, 0) }
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
        // The links leading away, and the one site they all go to (0: several), in one pass.
        var away = 0
        var first: String?
        var site: UInt32 = 0
        for link in links where !LinkScanner.names(conversation, link: link.range, in: bytes) {
            away += 1
            guard let host = first else {
                first = link.host
                site = LinkScanner.siteHash(of: link.host)
                continue
            }
            if site != 0, link.host != host, LinkScanner.siteHash(of: link.host) != site { site = 0 }
        }
        return (away, site)
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
    /// Winnow itself had not been watching that long when the author first came, or, with
    /// nothing else that looks like spam, the link goes to a site established authors link to
    /// (`commonSiteAuthors`). `corroborated`: something else in the comment looks like spam
    /// (`action`; else `newAuthorAloneAction`). `site`: where every link goes (0: several
    /// sites). An established author's link counts towards its site's commonness.
    public func evaluateNewcomer(
        _ context: WindowContext, links: Int, site: UInt32, corroborated: Bool, into reasons: inout [Reason]
    ) {
        guard enabled, links > 0, newAuthorWindow > 0, !context.isExempt, let author = context.author else { return }
        let firstSeen = Micros(bitPattern: context.state.authors.load(author, AuthorWord.firstSeen))
        let tracksSites = site != 0 && commonSiteAuthors > 0
        let hour = context.now / (3600 * Micros.perSecond)
        let windowHours = max(1, commonSiteWindow / (3600 * Micros.perSecond))
        guard firstSeen - context.watchingSince >= newAuthorWindow, context.now - firstSeen < newAuthorWindow else {
            if tracksSites {
                context.state.commonSites.record(
                    site: site, author: context.authorKey, hour: hour, windowHours: windowHours)
            }
            return
        }
        if tracksSites, !corroborated,
            context.state.commonSites.authors(site: site, hour: hour, windowHours: windowHours) >= commonSiteAuthors
        {
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
        "of at least 0.8), and only flagged (new_author_alone) when the link is the only sign —",
        "not at all when it goes to a site common_site_authors established authors linked to;",
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
            .int(
                "common_site_authors", \.commonSiteAuthors, in: 0...255,
                "established authors linking to a site within common_site_window that make a new author's link to it no sign (0: off)"
            ),
            .duration(
                "common_site_window", \.commonSiteWindow, in: 3600 * Micros.perSecond...365 * 86_400 * Micros.perSecond,
                "how far back established authors' links make a site common"),
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
        (comment.links, comment.linkSite) = scan(
            comment.original, folded: comment.folded, stats: stats, conversation: comment.conversation,
            into: &reasons)
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
            rule.evaluateNewcomer(
                event.context, links: event.links, site: event.linkSite, corroborated: event.looksLikeSpam,
                into: &reasons)
        }
    }
}
