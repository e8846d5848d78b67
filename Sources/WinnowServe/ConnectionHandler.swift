import Dispatch
import Logging
import NIOConcurrencyHelpers
import NIOCore
import Synchronization
import WinnowCore

/// One client connection: frames arrive in order, each gets exactly one answer line, written
/// in the order the requests came even when some answers wait (for the audit commit, for a
/// reload). Requests are judged off the event loop, on the connection's own serial queue (a
/// long comment holds up its own connection, not the loop's others), in the order they came.
/// Never buffers without bound: past `maxOutstanding` unanswered requests, or while the client
/// does not read its answers, reading from it pauses.
final class ConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = LineFramer.Frame
    typealias OutboundOut = ByteBuffer

    private let service: SidecarService
    private let registry: ConnectionRegistry
    private let settings: ServeSettings
    private var context: ChannelHandlerContext?
    private var peer: PeerCredentials?
    private var rights = AccessRights.Held(moderate: false, reload: false)
    /// Lines read since the last `channelReadComplete`, judged as one batch on `judging`.
    private var unjudged: [(request: Int, line: ByteBuffer)] = []
    /// The connection's requests, judged in order, one at a time, on the shared pool's threads.
    private let judging = DispatchQueue(label: "winnow.connection", target: ConnectionHandler.judgingPool)
    /// The threads every connection's judging runs on.
    static let judgingPool = DispatchQueue(label: "winnow.judge", attributes: .concurrent)
    /// Requests numbered as they come; answers written from `nextToWrite` on, in order.
    private var nextRequest = 0
    private var nextToWrite = 0
    private var ready: [Int: [UInt8]] = [:]
    /// Nothing is read before the peer is known and allowed (`autoRead` starts off).
    private var readingPaused = true
    private var peerChecked = false
    private var draining = false
    /// Requests read but not answered yet, past which reading pauses.
    static let maxOutstanding = 4096
    /// Where the decision feed reaches this connection (made once the channel is active).
    private var sink: FeedSink?
    /// Subscribed to the decision feed: further lines are each answered with an error (requests
    /// go on another connection), the connection does not idle out, and decision lines follow
    /// the answers it owed.
    private var feedMode = false
    /// Decision lines waiting for the answers before them.
    private var pushed: [[UInt8]] = []

    init(service: SidecarService, registry: ConnectionRegistry, settings: ServeSettings) {
        self.service = service
        self.registry = registry
        self.settings = settings
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    private var channelID: ObjectIdentifier? { context.map { ObjectIdentifier($0.channel) } }

    func channelActive(context: ChannelHandlerContext) {
        service.stats.connectionOpened()
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let loop = context.eventLoop
        registry.add(context.channel, drain: { loop.execute { bound.value.beginDrain() } })
        sink = FeedSink(
            push: { line in loop.execute { bound.value.push(line) } },
            subscribed: { loop.execute { bound.value.enterFeedMode() } })
        PeerCredentials.of(context.channel).whenSuccess { peer in
            let handler = bound.value
            handler.peer = peer
            if let allowed = handler.settings.allowedUIDs, !allowed.contains(peer?.uid ?? -1) {
                handler.service.logger.warning(
                    "connection refused: uid not allowed", metadata: ["peer": "\(peer?.description ?? "unknown")"])
                handler.refuse(
                    "uid \(peer.map { String($0.uid) } ?? "unknown") may not use this socket (see --allow-uid)")
                return
            }
            if !handler.registry.admit(
                handler.channelID, uid: peer?.uid ?? -1, limit: handler.settings.maxConnectionsPerUID)
            {
                handler.service.stats.connectionRefused()
                handler.service.logger.warning(
                    "connection refused: too many connections of one uid",
                    metadata: [
                        "peer": "\(peer?.description ?? "unknown")", "max": "\(handler.settings.maxConnectionsPerUID)",
                    ])
                handler.refuse(
                    "uid \(peer.map { String($0.uid) } ?? "unknown") has \(handler.settings.maxConnectionsPerUID) connections open already (see --max-connections-per-uid)"
                )
                return
            }
            handler.rights = handler.settings.rights.held(by: peer)
            handler.service.logger.info("connection opened", metadata: ["peer": "\(peer?.description ?? "unknown")"])
            handler.peerChecked = true
            handler.resumeReading()
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        sink?.isOpen.store(false, ordering: .relaxed)
        service.stats.connectionClosed()
        registry.remove(context.channel)
        registry.release(channelID)
        service.logger.info(
            "connection closed",
            metadata: [
                "peer": "\(peer?.description ?? "unknown")", "requests": "\(nextRequest)",
                "unanswered": "\(nextRequest - nextToWrite)",
            ])
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !draining else { return }
        let request = nextRequest
        nextRequest += 1
        // Requests are the connection's lines: the first is line 1.
        let lineNumber = request + 1
        switch unwrapInboundIn(data) {
        case .tooLong(let size):
            let message =
                "line is longer than the maximum of \(settings.maxLineBytes) bytes (\(size)+ bytes); see --max-line-bytes"
            complete(
                request,
                Array(
                    (#"{"id":\#(lineNumber),"action":"error","reasons":[],"line":\#(lineNumber),"error":\#(JSONText.quoted(message))}"#
                        + "\n").utf8))
        case .line where feedMode:
            let message = "this connection is subscribed to decisions; send requests on another connection"
            complete(
                request,
                Array(
                    (#"{"id":\#(lineNumber),"action":"error","reasons":[],"line":\#(lineNumber),"error":\#(JSONText.quoted(message))}"#
                        + "\n").utf8))
        case .line(let line):
            unjudged.append((request, line))
        }
        if nextRequest - nextToWrite >= Self.maxOutstanding { pauseReading() }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        judgeUnjudged(context: context)
        context.flush()
        context.fireChannelReadComplete()
    }

    /// Hands the lines read so far to the connection's judging queue, as one batch.
    private func judgeUnjudged(context: ChannelHandlerContext) {
        guard !unjudged.isEmpty else { return }
        let batch = unjudged
        unjudged.removeAll(keepingCapacity: true)
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let loop = context.eventLoop
        let service = self.service, peer = self.peer, rights = self.rights, sink = self.sink
        judging.async {
            for (request, line) in batch {
                line.withUnsafeReadableBytes { bytes in
                    service.handle(bytes, number: request + 1, peer: peer, rights: rights, sink: sink) { answer in
                        loop.execute { bound.value.complete(request, answer) }
                    }
                }
            }
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        // A client that does not read its answers is paused, not buffered for.
        if context.channel.isWritable { resumeReading() } else { pauseReading() }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The client sent its last request and shut its side: answer everything, then close.
        if let channelEvent = event as? ChannelEvent, channelEvent == .inputClosed {
            // A last line without its newline may have just been read.
            judgeUnjudged(context: context)
            draining = true
            if nextToWrite == nextRequest { closeAfterWrites() }
            return
        }
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read, nextRequest == nextToWrite, !feedMode {
            refuse("idle for \(settings.idleTimeoutSeconds) s; closing (see --idle-timeout)")
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A client that hangs up mid-line, or any other socket error: this connection only.
        service.logger.debug("connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    /// Writes the answers that are next in order.
    private func complete(_ request: Int, _ answer: [UInt8]) {
        guard let context else { return }
        ready[request] = answer
        var wrote = false
        while let next = ready.removeValue(forKey: nextToWrite) {
            var buffer = context.channel.allocator.buffer(capacity: next.count)
            buffer.writeBytes(next)
            context.write(wrapOutboundOut(buffer), promise: nil)
            nextToWrite += 1
            wrote = true
        }
        if wrote { context.flush() }
        writePushed()
        if nextRequest - nextToWrite < Self.maxOutstanding / 2, context.channel.isWritable { resumeReading() }
        if draining && nextToWrite == nextRequest { closeAfterWrites() }
    }

    /// A decision line for a subscribed connection: written once every answer it owes is.
    private func push(_ line: [UInt8]) {
        pushed.append(line)
        writePushed()
    }

    private func writePushed() {
        guard !pushed.isEmpty, nextToWrite == nextRequest, let context else { return }
        for line in pushed {
            var buffer = context.channel.allocator.buffer(capacity: line.count)
            buffer.writeBytes(line)
            context.write(wrapOutboundOut(buffer), promise: nil)
        }
        pushed.removeAll()
        context.flush()
    }

    /// After a `subscribe` op: the connection is the feed's from now on.
    private func enterFeedMode() { feedMode = true }

    /// Closes once every answer written so far has left (a plain close would drop the writes
    /// still waiting for the socket).
    private func closeAfterWrites() {
        guard let context else { return }
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(capacity: 0))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    private func pauseReading() {
        guard !readingPaused, let context else { return }
        readingPaused = true
        context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
    }

    private func resumeReading() {
        guard readingPaused, peerChecked, !draining, let context else { return }
        readingPaused = false
        context.channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
        context.read()
    }

    /// Reads what the client has already sent for a moment longer (it is in the socket's
    /// buffer), then stops reading and closes once every request read is answered.
    func beginDrain() {
        guard let context, !draining else { return }
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: Self.drainGrace) {
            let handler = bound.value
            guard let context = handler.context, !handler.draining else { return }
            handler.draining = true
            handler.readingPaused = true
            context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
            if handler.nextToWrite == handler.nextRequest { handler.closeAfterWrites() }
        }
    }

    /// How long a draining connection still reads what its client already sent.
    static let drainGrace = TimeAmount.milliseconds(200)

    /// One error line, then the connection closes.
    private func refuse(_ message: String) {
        guard let context else { return }
        draining = true
        var buffer = context.channel.allocator.buffer(capacity: 128)
        buffer.writeString(#"{"error":\#(JSONText.quoted(message))}"# + "\n")
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in closeGently(channel) }
    }
}

/// Ends a connection after an error line without losing it: the sending side is shut first,
/// so the client reads the line and then the end; the connection closes when the client does,
/// or a second later. (A plain close with the client's request still unread can reset the
/// connection before the client has read the answer.)
func closeGently(_ channel: Channel) {
    channel.close(mode: .output, promise: nil)
    channel.eventLoop.scheduleTask(in: .seconds(1)) { channel.close(promise: nil) }
}

/// Answers a connection over the limit with one error line and closes it.
final class RefusingHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let message: String

    init(message: String) { self.message = message }

    func channelActive(context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: 128)
        buffer.writeString(#"{"error":\#(JSONText.quoted(message))}"# + "\n")
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in closeGently(channel) }
    }
}

/// The open connections, for the connection limits and for draining.
final class ConnectionRegistry: Sendable {
    private let open = NIOLockedValueBox<[ObjectIdentifier: @Sendable () -> Void]>([:])
    private let empty = NIOLockedValueBox<[@Sendable () -> Void]>([])
    /// Connections admitted per peer uid, and the uid of each.
    private let perUID = NIOLockedValueBox<(counts: [Int: Int], uidOf: [ObjectIdentifier: Int])>(([:], [:]))

    /// Counts a connection of `uid` unless that uid has `limit` open already.
    func admit(_ channel: ObjectIdentifier?, uid: Int, limit: Int) -> Bool {
        guard let channel else { return false }
        return perUID.withLockedValue { state in
            guard state.counts[uid, default: 0] < limit else { return false }
            state.counts[uid, default: 0] += 1
            state.uidOf[channel] = uid
            return true
        }
    }

    /// Forgets an admitted connection (nothing happens for one never admitted).
    func release(_ channel: ObjectIdentifier?) {
        guard let channel else { return }
        perUID.withLockedValue { state in
            guard let uid = state.uidOf.removeValue(forKey: channel) else { return }
            state.counts[uid, default: 1] -= 1
            if state.counts[uid] == 0 { state.counts[uid] = nil }
        }
    }

    var count: Int { open.withLockedValue { $0.count } }

    func add(_ channel: Channel, drain: @escaping @Sendable () -> Void) {
        open.withLockedValue { $0[ObjectIdentifier(channel)] = drain }
    }

    func remove(_ channel: Channel) {
        let waiting: [@Sendable () -> Void] = open.withLockedValue { connections in
            connections[ObjectIdentifier(channel)] = nil
            guard connections.isEmpty else { return [] }
            return empty.withLockedValue { waiting in
                defer { waiting.removeAll() }
                return waiting
            }
        }
        for callback in waiting { callback() }
    }

    /// Asks every connection to drain; `done` runs once none is left.
    func drainAll(done: @escaping @Sendable () -> Void) {
        let drains: [@Sendable () -> Void]? = open.withLockedValue { connections in
            if connections.isEmpty { return nil }
            empty.withLockedValue { $0.append(done) }
            return Array(connections.values)
        }
        guard let drains else { return done() }
        for drain in drains { drain() }
    }
}
