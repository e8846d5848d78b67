import Synchronization

/// A connection's end of the decision feed: where decision lines go once it subscribed.
final class FeedSink: Sendable {
    /// Writes one line to the connection (on its event loop), after the answers it owes.
    let push: @Sendable ([UInt8]) -> Void
    /// The subscription is answered: the connection stops reading requests and no longer idles out.
    let subscribed: @Sendable () -> Void
    /// Cleared when the connection closes: the feed then drops it.
    let isOpen = Atomic<Bool>(true)

    init(push: @escaping @Sendable ([UInt8]) -> Void, subscribed: @escaping @Sendable () -> Void) {
        self.push = push
        self.subscribed = subscribed
    }
}
