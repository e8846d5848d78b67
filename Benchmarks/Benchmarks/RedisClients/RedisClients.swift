import Benchmark
import Foundation
import NIOCore
import NIOPosix
import WinnowShared

/// Which Redis client Winnow should use, measured: hiredis (the Redis project's C client, in
/// blocking mode, as `WinnowShared.RedisConnection` uses it) against a minimal RESP client on
/// SwiftNIO (a channel to the same unix socket, a reply decoder, a promise per command; the
/// caller waits on the promise, as the window step waits for its answers). Same commands, same
/// private redis-server: a PING, the event script for one event (the sidecar's call), and for a
/// chunk of 1,000 events (the filter's call).
///
/// Run through `Benchmarks/redis-clients.sh`, which starts the private redis-server and names
/// its socket in `WINNOW_BENCH_REDIS_SOCKET`.
let benchmarks: @Sendable () -> Void = {
    guard let socket = ProcessInfo.processInfo.environment["WINNOW_BENCH_REDIS_SOCKET"],
        let address = try? SharedAddress(parsing: "unix://" + socket), let hiredis = try? RedisConnection(address),
        let sha = try? hiredis.command(["SCRIPT", "LOAD", RedisWindows.eventScript]).text,
        let nio = try? NIORESPClient(socket: socket)
    else { fatalError("no Redis at $WINNOW_BENCH_REDIS_SOCKET: run Benchmarks/redis-clients.sh") }

    /// EVALSHA of the event script for `events` events of distinct authors, author limit 5/10s.
    func eventScript(events: Int, round: Int) -> [String] {
        var command = ["EVALSHA", sha, String(4 * events)]
        var values: [String] = []
        for e in 0..<events {
            command += ["bench:p:\(e)", "bench:r:a:\(e):\(round)", "-", "-"]
            values += [String(1_000_000_000 + round), "0", "2000000", "8000000", "0", "0", "0", "0"]
        }
        return command + values
    }
    let configuration = Benchmark.Configuration(metrics: [.wallClock, .throughput], maxDuration: .seconds(3))
    for (name, events) in [("PING", 0), ("event script, 1 event", 1), ("event script, 1,000 events", 1000)] {
        Benchmark("hiredis: \(name)", configuration: configuration) { benchmark in
            var round = 0
            for _ in benchmark.scaledIterations {
                round += 1
                let reply = try hiredis.command(events == 0 ? ["PING"] : eventScript(events: events, round: round))
                blackHole(reply)
            }
        }
        Benchmark("SwiftNIO RESP: \(name)", configuration: configuration) { benchmark in
            var round = 0
            for _ in benchmark.scaledIterations {
                round += 1
                blackHole(try nio.command(events == 0 ? ["PING"] : eventScript(events: events, round: round)))
            }
        }
    }
}

/// The least a RESP client on SwiftNIO needs: encode a command as a RESP array of bulk
/// strings, decode replies, fulfil one promise per command in order.
final class NIORESPClient: @unchecked Sendable {
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let channel: Channel
    private let handler: ReplyHandler

    init(socket: String) throws {
        let handler = ReplyHandler()
        self.handler = handler
        channel = try ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(RESPDecoder()))
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .connect(unixDomainSocketPath: socket).wait()
    }

    /// Sends the command and waits for its reply (the reply's size in bytes, parsed).
    func command(_ arguments: [String]) throws -> Int {
        var buffer = channel.allocator.buffer(capacity: 64 + arguments.reduce(0) { $0 + $1.utf8.count + 16 })
        buffer.writeString("*\(arguments.count)\r\n")
        for argument in arguments {
            buffer.writeString("$\(argument.utf8.count)\r\n")
            buffer.writeString(argument)
            buffer.writeString("\r\n")
        }
        let promise = channel.eventLoop.makePromise(of: Int.self)
        channel.eventLoop.execute {
            self.handler.waiting.append(promise)
            self.channel.writeAndFlush(buffer, promise: nil)
        }
        return try promise.futureResult.wait()
    }

    final class ReplyHandler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = Int
        var waiting: CircularBuffer<EventLoopPromise<Int>> = []

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            waiting.removeFirst().succeed(unwrapInboundIn(data))
        }
    }

    /// One complete reply at a time (its length in bytes); waits for more bytes when it is not all there.
    struct RESPDecoder: ByteToMessageDecoder {
        typealias InboundOut = Int

        mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
            var view = buffer
            guard Self.skipReply(&view) else { return .needMoreData }
            let length = buffer.readableBytes - view.readableBytes
            buffer.moveReaderIndex(forwardBy: length)
            context.fireChannelRead(NIOAny(length))
            return .continue
        }

        /// Moves past one reply; false when it is not complete yet.
        static func skipReply(_ buffer: inout ByteBuffer) -> Bool {
            guard let kind = buffer.readInteger(as: UInt8.self), let line = readLine(&buffer) else { return false }
            switch kind {
            case UInt8(ascii: "$"):
                guard let count = Int(line) else { return false }
                if count < 0 { return true }
                guard buffer.readableBytes >= count + 2 else { return false }
                buffer.moveReaderIndex(forwardBy: count + 2)
                return true
            case UInt8(ascii: "*"):
                guard let count = Int(line) else { return false }
                for _ in 0..<max(0, count) where !skipReply(&buffer) { return false }
                return true
            default:  // +, -, :
                return true
            }
        }

        static func readLine(_ buffer: inout ByteBuffer) -> String? {
            guard let end = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\r")),
                end + 1 < buffer.readableBytesView.endIndex
            else { return nil }
            let line = buffer.readString(length: end - buffer.readerIndex)
            buffer.moveReaderIndex(forwardBy: 2)
            return line
        }
    }
}
