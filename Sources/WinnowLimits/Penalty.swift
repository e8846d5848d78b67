/// A timeout or ban: in force until `until`, which is `Penalty.forever` for a ban without end.
public struct Penalty: Equatable, Sendable {
    public enum Kind: UInt64, Sendable {
        case none = 0
        case timeout = 1
        case ban = 2
    }

    public var kind: Kind
    public var until: Micros
    /// Timeouts given to the author so far (while tracked), which lead to a ban.
    public var timeouts: Int

    public static let forever: Micros = (1 << 46) - 1

    public init(kind: Kind, until: Micros, timeouts: Int) {
        self.kind = kind
        self.until = until
        self.timeouts = timeouts
    }

    /// Layout: `[kind: 2 | timeouts: 14 | until in milliseconds: 46]` (46 bits of milliseconds
    /// reach the year 4200).
    public init(packed: UInt64) {
        kind = Kind(rawValue: packed >> 62) ?? .none
        timeouts = Int(packed >> 46 & 0x3FFF)
        let millis = Micros(packed & ((1 << 46) - 1))
        until = millis == Self.forever ? Self.forever : millis * 1000
    }

    public var packed: UInt64 {
        let millis = until == Self.forever ? Self.forever : min(Self.forever - 1, max(0, until / 1000))
        return kind.rawValue << 62 | UInt64(min(timeouts, 0x3FFF)) << 46 | UInt64(millis)
    }

    public func isActive(at now: Micros) -> Bool { kind != .none && (until == Self.forever || until > now) }
}
