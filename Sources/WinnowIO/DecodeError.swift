import WinnowCore

/// Why an input line could not become an event. Its message is written for the person who
/// produced the line; the verdict carries it along with the line number.
public struct DecodeError: Error, Sendable, Equatable {
    public var message: String
    /// The event's id when it could be read before the problem was found.
    public var id: EventID?

    public init(_ message: String, id: EventID? = nil) {
        self.message = message
        self.id = id
    }
}
