import Foundation
import WinnowShared

/// A private `redis-server` on a unix socket in `directory` (installed by scripts/install-deps),
/// no persistence; killed when the value goes away.
final class PrivateRedis {
    let socket: String
    private let process = Process()

    init(in directory: URL) throws {
        socket = directory.appendingPathComponent("redis.sock").path
        process.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
        process.arguments = [
            "--port", "0", "--unixsocket", socket, "--save", "", "--appendonly", "no", "--dir", directory.path,
        ]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Ready when it answers (the socket file can appear a moment before it accepts).
        let address = SharedAddress.unix(path: socket)
        for _ in 0..<1000 {
            if let connection = try? RedisConnection(address), (try? connection.command(["PING"])) == .status("PONG") {
                return
            }
            usleep(10_000)
        }
        throw SharedError("redis-server did not start on \(socket)")
    }

    /// As `--shared` and `--redis` take it.
    var url: String { "unix://" + socket }

    /// Stops it as a crash would. SIGKILL: a child started from a test thread may inherit a
    /// mask that blocks SIGTERM.
    func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { kill() }
}
