import Foundation

/// A private `redis-server` on a unix socket in `directory` (installed by scripts/install-deps),
/// no persistence; killed when the value goes away.
final class PrivateRedis {
    let socket: String
    private let process = Process()

    init(in directory: URL) throws {
        socket = directory.appendingPathComponent("redis.sock").path
        process.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
        process.arguments = ["--port", "0", "--unixsocket", socket, "--save", "", "--appendonly", "no", "--dir", directory.path]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        for _ in 0..<300 where !FileManager.default.fileExists(atPath: socket) { usleep(10_000) }
    }

    /// As `--shared` and `--redis` take it.
    var url: String { "unix://" + socket }

    deinit {
        // SIGKILL: a child started from a test thread may inherit a mask that blocks SIGTERM.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
