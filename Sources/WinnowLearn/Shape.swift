/// What a comment looks like, beyond its words, as five coarse features: how many links and
/// mentions, how long, how much of it is capitals, how much symbols and emoji (counted by
/// `ShapeScan`). Buckets, not numbers: a linear model weighs "two links" once, not per link.
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

    /// The feature names, in their fixed order (without the `s:` prefix).
    public var names: [String] {
        let (links, mentions, length, caps, symbols) = indices
        return [
            Self.linkNames[links], Self.mentionNames[mentions], Self.lengthNames[length], Self.capsNames[caps],
            Self.symbolNames[symbols],
        ]
    }

    /// Which name of each of the five features: indices into `linkNames`, `mentionNames`,
    /// `lengthNames`, `capsNames`, `symbolNames` (the hasher keeps their hashes ready).
    public var indices: (links: Int, mentions: Int, length: Int, caps: Int, symbols: Int) {
        let lengthBucket = min(10, (length + 1).bitWidth - (length + 1).leadingZeroBitCount - 1)
        let caps: Int
        if letters == 0 {
            caps = 0
        } else if 20 * uppercase < letters {
            caps = 1
        } else if 5 * uppercase < letters {
            caps = 2
        } else if 2 * uppercase < letters {
            caps = 3
        } else if 5 * uppercase < 4 * letters {
            caps = 4
        } else {
            caps = 5
        }
        let sym: Int
        if visible == 0 {
            sym = 0
        } else if 20 * symbols < visible {
            sym = 1
        } else if 20 * symbols < 3 * visible {
            sym = 2
        } else if 10 * symbols < 3 * visible {
            sym = 3
        } else {
            sym = 4
        }
        return (min(links, 3), min(mentions, 2), lengthBucket, caps, sym)
    }

    /// The value of shape feature `k` (`names`' order): an index into `allNames[k]`.
    public func index(_ k: Int) -> Int {
        let (links, mentions, length, caps, symbols) = indices
        return [links, mentions, length, caps, symbols][k]
    }

    /// Every name of each of the five features.
    public static let allNames = [linkNames, mentionNames, lengthNames, capsNames, symbolNames]

    public static let linkNames = (0...3).map { "links=\($0)" }
    public static let mentionNames = (0...2).map { "ment=\($0)" }
    public static let lengthNames = (0...10).map { "len=\($0)" }
    public static let capsNames = ["caps=none"] + (0...4).map { "caps=\($0)" }
    public static let symbolNames = ["sym=none"] + (0...3).map { "sym=\($0)" }
}
