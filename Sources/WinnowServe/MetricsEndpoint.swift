import NIOConcurrencyHelpers
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import CoreMetrics
import Prometheus

/// The Prometheus text endpoint (`--metrics HOST:PORT`): `GET /metrics` answers with every
/// metric the sidecar keeps through swift-metrics; anything else is a 404.
public enum MetricsEndpoint {
    /// The registry behind swift-metrics; the command bootstraps `MetricsSystem` with it.
    public static let registry = PrometheusCollectorRegistry()

    /// The request-duration histogram's upper bounds: 10 µs to 1 s, about three per decade.
    public static let requestDurationBuckets: [Duration] = [
        .microseconds(10), .microseconds(25), .microseconds(50), .microseconds(100), .microseconds(250),
        .microseconds(500), .milliseconds(1), .microseconds(2_500), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
    ]

    /// Every metric the sidecar keeps, with its `# HELP` text.
    public static let help: [String: String] = [
        "winnow_events_total": "Events judged.",
        "winnow_verdicts_total": "Verdicts given, by action.",
        "winnow_reasons_total": "Reasons given, by rule.",
        "winnow_request_duration_seconds": "Time from a request line read to its answer ready, in seconds.",
        "winnow_open_connections": "Connections open on the socket.",
        "winnow_unreadable_lines_total": "Request lines that could not be read as an event or an op.",
        "winnow_ops_total": "Control ops received, refused ones included.",
        "winnow_ops_refused_total": "Control ops refused (bad request or no right to use them).",
        "winnow_shared_reachable": "1 while the shared store answers, 0 during an outage.",
        "winnow_shared_unavailable_events_total":
            "Events judged under the failure policy while the shared store was unreachable.",
        "winnow_queue_open_cases": "Review cases waiting for a decision.",
        "winnow_queue_oldest_open_seconds": "How long the oldest open review case has waited, in seconds.",
        "winnow_queue_decision_seconds": "Time from a review case's opening to a moderator's decision, in seconds.",
        "winnow_queue_decisions_total":
            "Review cases closed since the sidecar started, by outcome (expired: by expiry).",
        "winnow_queue_sla_misses_total":
            "Review cases decided later than queue.sla, or expired, since the sidecar started.",
    ]

    /// swift-metrics' factory over `registry`, with help texts and the request-duration buckets.
    public static var factory: any MetricsFactory {
        DescribedMetricsFactory(
            registry: registry, help: help,
            durationBuckets: [
                "winnow_request_duration_seconds": requestDurationBuckets,
                "winnow_queue_decision_seconds": QueueMetrics.decisionBuckets,
            ])
    }

    /// Listens on `address`. The port is reachable by users the socket's permissions keep out,
    /// so it holds at most `maxConnections` at once (one more is closed at once) and closes a
    /// connection idle for `idleTimeoutSeconds`: it cannot use up the sidecar's file descriptors.
    /// `beforeScrape` brings figures kept elsewhere (the review queue's) up to date.
    static func start(
        on address: (host: String, port: Int), group: EventLoopGroup, maxConnections: Int, idleTimeoutSeconds: Int,
        logger: Logger, beforeScrape: @escaping @Sendable () -> Void = {}
    ) throws -> Channel {
        let open = NIOLockedValueBox(0)
        let channel = try ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let admitted = open.withLockedValue { count in
                    guard count < maxConnections else { return false }
                    count += 1
                    return true
                }
                guard admitted else { return channel.close() }
                channel.closeFuture.whenComplete { _ in open.withLockedValue { $0 -= 1 } }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        IdleStateHandler(allTimeout: .seconds(Int64(idleTimeoutSeconds))))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(MetricsHandler(beforeScrape: beforeScrape))
                }
            }
            .bind(host: address.host, port: address.port).wait()
        logger.notice("metrics", metadata: ["address": "http://\(address.host):\(address.port)/metrics"])
        return channel
    }

    final class MetricsHandler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        private var path = ""
        private let beforeScrape: @Sendable () -> Void

        init(beforeScrape: @escaping @Sendable () -> Void) { self.beforeScrape = beforeScrape }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if event is IdleStateHandler.IdleStateEvent {
                context.close(promise: nil)
                return
            }
            context.fireUserInboundEventTriggered(event)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head): path = head.uri
            case .body: break
            case .end:
                let found = path == "/metrics"
                if found { beforeScrape() }
                let body = found ? MetricsEndpoint.registry.emitToBuffer() : Array("not found; try /metrics\n".utf8)
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: found ? "text/plain; version=0.0.4" : "text/plain")
                headers.add(name: "Content-Length", value: String(body.count))
                context.write(
                    wrapOutboundOut(
                        .head(HTTPResponseHead(version: .http1_1, status: found ? .ok : .notFound, headers: headers))),
                    promise: nil)
                var buffer = context.channel.allocator.buffer(capacity: body.count)
                buffer.writeBytes(body)
                context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
