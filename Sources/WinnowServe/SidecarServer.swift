import Dispatch
import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization
import WinnowAudit
import WinnowCore
import WinnowLimits
import WinnowPipeline

#if canImport(Glibc)
    import Glibc
#endif

/// `winnow serve`: the sidecar on a Unix stream socket. Listens, answers until SIGTERM or
/// SIGINT, then drains: stops accepting, answers every request already read, commits the audit
/// trail, removes the socket file. SIGHUP reloads the wordlists and the policy.
public final class SidecarServer: Sendable {
    private let settings: ServeSettings
    private let service: SidecarService
    private let registry = ConnectionRegistry()
    private let group: MultiThreadedEventLoopGroup
    private let logger: Logger

    /// `globalSync`: with `--shared-windows global`, what this sidecar shares with the others
    /// (`GlobalLogs`: take up, then publish), run on a timer.
    public init(
        settings: ServeSettings, engines: EngineHolder, clock: ClockMode, lateTolerance: Micros, audit: AuditTrail?,
        globalSync: (@Sendable (Engine, Micros) -> Void)? = nil, logger: Logger
    ) {
        self.settings = settings
        self.logger = logger
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, settings.threads))
        service = SidecarService(
            engines: engines, clock: clock, lateTolerance: lateTolerance, audit: audit, globalSync: globalSync,
            logger: logger)
    }

    /// Refuses a socket path in use by a live server, or that is not a socket; removes a stale
    /// socket left by a dead process.
    public static func prepareSocketPath(_ path: String) throws {
        guard path.utf8.count < 108 else {
            throw ServeError("socket path \(path) is too long (\(path.utf8.count) bytes; the limit is 107)")
        }
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            throw ServeError("\(path) exists and is not a socket; refusing to replace it")
        }
        if isLive(path) {
            throw ServeError("another server is listening on \(path); stop it first or choose another --socket")
        }
        guard unlink(path) == 0 || errno == ENOENT else {
            throw ServeError("cannot remove the stale socket \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Raises the soft limit of open files to the hard one: each connection is a descriptor, and
    /// the usual soft limit (1,024) is below `--max-connections`'s default plus the rest.
    static func raiseOpenFileLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

    /// Whether something accepts connections on the socket at `path`.
    static func isLive(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (k, byte) in path.utf8.prefix(raw.count - 1).enumerated() { raw[k] = byte }
        }
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return status == 0
    }

    /// Serves until a drain completes. Throws when the socket cannot be set up.
    public func run() throws {
        Self.raiseOpenFileLimit()
        try Self.prepareSocketPath(settings.socketPath)
        let service = self.service, registry = self.registry, settings = self.settings
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .childChannelOption(ChannelOptions.maxMessagesPerRead, value: 16)
            // A client may shut its sending side and still read its answers.
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            // Reading starts once the peer's uid has been checked (ConnectionHandler).
            .childChannelOption(ChannelOptions.autoRead, value: false)
            .childChannelOption(
                ChannelOptions.writeBufferWaterMark,
                value: ChannelOptions.Types.WriteBufferWaterMark(low: 64 << 10, high: 256 << 10)
            )
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handlers = channel.pipeline.syncOperations
                    if registry.count >= settings.maxConnections {
                        service.stats.connectionRefused()
                        service.logger.warning(
                            "connection refused: too many connections", metadata: ["max": "\(settings.maxConnections)"])
                        try handlers.addHandler(
                            RefusingHandler(
                                message:
                                    "too many connections (the maximum is \(settings.maxConnections)); try again later")
                        )
                        return
                    }
                    if settings.idleTimeoutSeconds > 0 {
                        try handlers.addHandler(
                            IdleStateHandler(readTimeout: .seconds(Int64(settings.idleTimeoutSeconds))))
                    }
                    try handlers.addHandler(ByteToMessageHandler(LineFramer(maxLineBytes: settings.maxLineBytes)))
                    try handlers.addHandler(ConnectionHandler(service: service, registry: registry, settings: settings))
                }
            }
        // The socket file gets its mode from the moment it exists: no window with wider rights.
        let previousMask = umask(~settings.socketMode & 0o777)
        let server: Channel
        do {
            server = try bootstrap.bind(unixDomainSocketPath: settings.socketPath).wait()
            umask(previousMask)
        } catch {
            umask(previousMask)
            throw ServeError("cannot listen on \(settings.socketPath): \(error)")
        }
        chmod(settings.socketPath, mode_t(settings.socketMode))
        if let groupName = settings.socketGroup {
            let gid = gid_t(groupName).map { $0 } ?? getgrnam(groupName)?.pointee.gr_gid
            guard let gid, chown(settings.socketPath, uid_t.max, gid) == 0 else {
                server.close(promise: nil)
                unlink(settings.socketPath)
                throw ServeError(
                    "cannot give \(settings.socketPath) to group \(groupName): \(gid == nil ? "no such group" : String(cString: strerror(errno)))"
                )
            }
        }
        let metrics: Channel?
        do {
            metrics = try settings.metricsAddress.map {
                try MetricsEndpoint.start(
                    on: $0, group: group, maxConnections: settings.maxMetricsConnections,
                    idleTimeoutSeconds: settings.metricsIdleTimeoutSeconds, logger: logger,
                    beforeScrape: { [service] in service.queueMetrics?.refresh() })
            }
        } catch {
            // Nothing is served: leave no socket file behind.
            server.close(promise: nil)
            unlink(settings.socketPath)
            let address = settings.metricsAddress.map { "\($0.host):\($0.port)" } ?? ""
            throw ServeError("--metrics \(address): cannot listen there: \(error)")
        }
        logger.notice(
            "listening",
            metadata: [
                "socket": "\(settings.socketPath)", "mode": "\(String(settings.socketMode, radix: 8))",
                "config": "\(service.engines.configuration.hash)", "audit": "\(service.auditEnabled ? "on" : "off")",
            ])

        let done = DispatchSemaphore(value: 0)
        let stopping = Atomic<Bool>(false)
        let signals = DispatchQueue(label: "winnow.signals")
        var sources: [DispatchSourceSignal] = []
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: signals)
            source.setEventHandler { [logger] in
                guard !stopping.exchange(true, ordering: .relaxed) else { return }
                logger.notice(
                    "draining",
                    metadata: [
                        "signal": "\(signalNumber == SIGTERM ? "TERM" : "INT")", "connections": "\(registry.count)",
                    ])
                service.draining.store(true, ordering: .relaxed)
                server.close().whenComplete { _ in registry.drainAll { done.signal() } }
            }
            source.resume()
            sources.append(source)
        }
        signal(SIGHUP, SIG_IGN)
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: signals)
        hangup.setEventHandler { [logger] in
            do {
                let configuration = try service.engines.reload()
                service.configurationChanged(configuration)
                logger.notice("reloaded on SIGHUP", metadata: ["config": "\(configuration.hash)"])
            } catch {
                logger.error(
                    "reload on SIGHUP refused; the running configuration stays", metadata: ["error": "\(error)"])
            }
        }
        hangup.resume()
        sources.append(hangup)

        done.wait()
        service.close()
        try? metrics?.close().wait()
        unlink(settings.socketPath)
        try? group.syncShutdownGracefully()
        logger.notice("stopped")
        withExtendedLifetime(sources) {}
    }
}
