import WinnowText

/// What a comment looks like, beyond its words, as five coarse features: how many links and
/// mentions, how long, how much of it is capitals, how much symbols and emoji. Buckets, not
/// numbers: a linear model weighs "two links" once, not per link.
public struct Shape: Sendable, Equatable {
    public var links: Int
    public var mentions: Int
    /// UTF-8 bytes of the comment.
    public var length: Int
    public var letters: Int
    public var uppercase: Int
    public var visible: Int
    public var symbols: Int

    public init(links: Int, mentions: Int, length: Int, letters: Int, uppercase: Int, visible: Int, symbols: Int) {
        self.links = links
        self.mentions = mentions
        self.length = length
        self.letters = letters
        self.uppercase = uppercase
        self.visible = visible
        self.symbols = symbols
    }

    /// From the text statistics the engine computes anyway, and the number of links found.
    public init(stats: TextStats, links: Int, length: Int) {
        self.init(
            links: links, mentions: stats.mentions, length: length, letters: stats.letters, uppercase: stats.uppercase,
            visible: stats.visible, symbols: stats.symbols)
    }

    /// The feature names, in their fixed order (without the `s:` prefix).
    public var names: [String] {
        let lengthBucket = min(10, (length + 1).bitWidth - (length + 1).leadingZeroBitCount - 1)
        let caps: String
        if letters == 0 { caps = "none" }
        else if 20 * uppercase < letters { caps = "0" }
        else if 5 * uppercase < letters { caps = "1" }
        else if 2 * uppercase < letters { caps = "2" }
        else if 5 * uppercase < 4 * letters { caps = "3" }
        else { caps = "4" }
        let sym: String
        if visible == 0 { sym = "none" }
        else if 20 * symbols < visible { sym = "0" }
        else if 20 * symbols < 3 * visible { sym = "1" }
        else if 10 * symbols < 3 * visible { sym = "2" }
        else { sym = "3" }
        return ["links=\(min(links, 3))", "ment=\(min(mentions, 2))", "len=\(lengthBucket)", "caps=\(caps)", "sym=\(sym)"]
    }
}
