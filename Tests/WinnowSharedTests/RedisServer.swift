import Foundation
import WinnowShared

/// A private `redis-server` for one test: its own unix socket in a temporary folder, no
/// persistence, stopped when the value goes away. Real Redis, not a stand-in.
final class RedisServer {
    let folder: URL
    let socket: String
    private let process = Process()
    private let ownsFolder: Bool

    /// `replacing`: start on the socket of a server that was killed (a restarted Redis).
    /// `persistent`: an append-only file written at every command (`appendfsync always`), read
    /// back by a restarted server: what a Redis that restarts keeps.
    init(replacing previous: RedisServer? = nil, persistent: Bool = false) throws {
        folder = previous?.folder ?? FileManager.default.temporaryDirectory.appendingPathComponent("winnow-redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        ownsFolder = previous == nil
        socket = folder.appendingPathComponent("redis.sock").path
        guard let binary = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].first(where: FileManager.default.isExecutableFile)
        else {
            throw SharedError("redis-server is not installed (scripts/install-deps installs it)")
        }
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "--port", "0", "--unixsocket", socket, "--unixsocketperm", "700", "--save", "",
            "--appendonly", persistent ? "yes" : "no", "--appendfsync", "always",
            "--dir", folder.path, "--loglevel", "warning",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Ready when the socket answers.
        for _ in 0..<500 {
            if let connection = try? RedisConnection(address), (try? connection.command(["PING"])) == .status("PONG") { return }
            usleep(10_000)
        }
        throw SharedError("redis-server did not start on \(socket)")
    }

    var address: SharedAddress { .unix(path: socket) }

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
