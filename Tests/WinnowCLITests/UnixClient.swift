import Foundation

#if canImport(Glibc)
    import Glibc
    import WinnowTestSupport
#endif

/// A plain blocking Unix-socket client for the sidecar tests: what a bot written in any
/// language does.
final class UnixClient: @unchecked Sendable {
    let fd: Int32
    private var pending: [UInt8] = []

    init(path: String) throws {
        fd = try Self.connect(path)
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// A connected socket, or the error; never an object that owns a closed descriptor (a
    /// throwing init after `fd` was set ran `deinit`, which closed the descriptor a second time
    /// — by then maybe another test's pipe, seen as EBADF when it started a process).
    private static func connect(_ path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (k, byte) in path.utf8.prefix(raw.count - 1).enumerated() { raw[k] = byte }
        }
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard status == 0 else {
            let error = POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            close(fd)
            throw error
        }
        return fd
    }

    deinit { close(fd) }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written <= 0 { return }
            offset += written
        }
    }

    /// Shuts the sending side: the server answers what it got, then closes.
    func finishSending() { shutdown(fd, Int32(SHUT_WR)) }

    /// The next line, without its newline; nil at the end of the stream or after 20 s.
    func readLine() -> String? {
        while true {
            if let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            var buffer = [UInt8](repeating: 0, count: 65536)
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return nil }
            pending += buffer[..<count]
        }
    }

    func readLines(_ count: Int) -> [String] {
        var lines: [String] = []
        while lines.count < count, let line = readLine() { lines.append(line) }
        return lines
    }

    /// Every line until the server closes.
    func readAll() -> [String] {
        var lines: [String] = []
        while let line = readLine() { lines.append(line) }
        return lines
    }
}

/// `winnow serve` running in a folder of its own, stopped (SIGTERM) by `stop()`.
final class ServeProcess: @unchecked Sendable {
    let directory: URL
    let socket: String
    let process = Process()
    private let errors: Collector

    init(_ arguments: [String] = [], directory: URL? = nil) throws {
        self.directory = try directory ?? WinnowProcess.makeTemporaryDirectory()
        socket = self.directory.appendingPathComponent("winnow.sock").path
        process.executableURL = WinnowProcess.executable
        process.arguments = ["serve", "--socket", socket] + arguments
        process.currentDirectoryURL = self.directory
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        errors = Collector(stderr.fileHandleForReading)
        try process.run()
        // Listening once a client gets through (a stale file may be there before).
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning, Date() < deadline {
            if let probe = try? UnixClient(path: socket) {
                probe.send(#"{"op":"health"}"# + "\n")
                if probe.readLine() != nil { break }
            }
            usleep(20_000)
        }
    }

    func client() throws -> UnixClient { try UnixClient(path: socket) }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// SIGTERM, then the exit status and everything written on stderr.
    @discardableResult
    func stop() -> (status: Int32, log: String) {
        if process.isRunning { signal(SIGTERM) }
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: errors.wait(), as: UTF8.self))
    }

    func removeDirectory() { try? FileManager.default.removeItem(at: directory) }
}
