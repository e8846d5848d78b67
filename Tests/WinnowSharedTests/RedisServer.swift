import Foundation
import WinnowShared

/// A private `redis-server` for one test: its own unix socket in a temporary folder, no
/// persistence, stopped when the value goes away. Real Redis, not a stand-in.
final class RedisServer {
    let folder: URL
    let socket: String
    /// With `loopbackTCP`: the port on 127.0.0.1 it also listens on.
    let port: Int?
    private let process = Process()
    private let ownsFolder: Bool

    /// `replacing`: start on the socket of a server that was killed (a restarted Redis).
    /// `persistent`: an append-only file written at every command (`appendfsync always`), read
    /// back by a restarted server: what a Redis that restarts keeps.
    init(replacing previous: RedisServer? = nil, persistent: Bool = false, loopbackTCP: Bool = false) throws {
        folder =
            previous?.folder
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("winnow-redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        ownsFolder = previous == nil
        socket = folder.appendingPathComponent("redis.sock").path
        port = loopbackTCP ? try Self.freePort() : nil
        guard
            let binary = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].first(
                where: FileManager.default.isExecutableFile)
        else {
            throw SharedError("redis-server is not installed (scripts/install-deps installs it)")
        }
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "--port", String(port ?? 0), "--bind", "127.0.0.1", "--unixsocket", socket, "--unixsocketperm", "700",
            "--save", "",
            "--appendonly", persistent ? "yes" : "no", "--appendfsync", "always",
            "--dir", folder.path, "--loglevel", "warning",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Ready when the socket answers.
        for _ in 0..<500 {
            if let connection = try? RedisConnection(address), (try? connection.command(["PING"])) == .status("PONG") {
                return
            }
            usleep(10_000)
        }
        throw SharedError("redis-server did not start on \(socket)")
    }

    var address: SharedAddress { .unix(path: socket) }

    /// A port on 127.0.0.1 that nothing listens on now (the kernel's choice for port 0).
    static func freePort() throws -> Int {
        let fd = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw SharedError("no free port on 127.0.0.1") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Stops the server (as a crash would: SIGKILL) and waits for it.
    func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit {
        kill()
        if ownsFolder { try? FileManager.default.removeItem(at: folder) }
    }
}
