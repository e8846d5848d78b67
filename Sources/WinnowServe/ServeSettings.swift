/// How `winnow serve` listens and what it tolerates from clients.
public struct ServeSettings: Sendable {
    public var socketPath: String
    /// Permissions of the socket file (default 0660: the owner and the group may connect).
    public var socketMode: UInt32 = 0o660
    /// Group of the socket file (name or number), when given.
    public var socketGroup: String?
    /// Peers whose uid is not in the list are refused (nil: anyone who can open the socket).
    public var allowedUIDs: Set<Int>?
    public var maxConnections = 1024
    /// Most connections one peer uid may hold at once (one client must not hold them all).
    public var maxConnectionsPerUID = 256
    /// Who may use moderator ops and `reload` (judging is for every peer let in).
    public var rights = AccessRights()
    public var maxLineBytes = 1 << 20
    /// A connection with no request for this long is closed (0: never).
    public var idleTimeoutSeconds = 300
    /// Event-loop threads (default: one per core).
    public var threads: Int
    /// `HOST:PORT` of the Prometheus endpoint, when wanted.
    public var metricsAddress: (host: String, port: Int)?
    /// Most connections to the metrics endpoint at once, and how long one may stay idle.
    public var maxMetricsConnections = 16
    public var metricsIdleTimeoutSeconds = 10

    public init(socketPath: String, threads: Int) {
        self.socketPath = socketPath
        self.threads = threads
    }
}
