import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// Who is at the other end of a Unix-socket connection, as the kernel says (SO_PEERCRED):
/// logged, recorded with each audited event, and checked against the allow-list.
public struct PeerCredentials: Sendable, Equatable, CustomStringConvertible {
    public var uid: Int
    public var gid: Int
    public var pid: Int

    public var description: String { "uid \(uid) pid \(pid)" }

    static func of(_ channel: Channel) -> EventLoopFuture<PeerCredentials?> {
        guard let provider = channel as? SocketOptionProvider else { return channel.eventLoop.makeSucceededFuture(nil) }
        let future: EventLoopFuture<KernelCredentials> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
        return future.map { (credentials: KernelCredentials) -> PeerCredentials? in
            PeerCredentials(uid: Int(credentials.uid), gid: Int(credentials.gid), pid: Int(credentials.pid))
        }.recover { _ in nil }
    }
}

/// Linux's `struct ucred` (which Glibc's module map leaves out without _GNU_SOURCE): same layout.
struct KernelCredentials: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}
