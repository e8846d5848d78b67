/// One comment to moderate, as decoded from an input line.
public struct Event: Sendable {
    public var id: EventID
    public var author: String
    public var channel: String
    /// Seconds since the Unix epoch; `nil` when the input had no `ts` (the wall clock stands in).
    public var timestamp: Double?
    public var roles: [String]
    public var text: String
    /// The `meta` value exactly as it appeared in the input (JSON bytes), echoed in the verdict.
    public var meta: [UInt8]?
    /// 1-based line number in the input stream.
    public var line: Int

    public init(
        id: EventID, author: String, channel: String = "default", timestamp: Double? = nil,
        roles: [String] = [], text: String, meta: [UInt8]? = nil, line: Int
    ) {
        self.id = id
        self.author = author
        self.channel = channel
        self.timestamp = timestamp
        self.roles = roles
        self.text = text
        self.meta = meta
        self.line = line
    }
}
