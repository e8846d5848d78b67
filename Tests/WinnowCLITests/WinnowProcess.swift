import Foundation
import WinnowTestSupport

/// Runs the built `winnow` binary as a user would, with real pipes.
enum WinnowProcess {
    /// The test binary and `winnow` are built into the same folder.
    static let executable: URL = {
        let testBinary = URL(
            fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                ?? CommandLine.arguments[0])
        var folder = testBinary.deletingLastPathComponent()
        // On Linux the tests run from `<build>/winnowPackageTests.xctest`; elsewhere from a bundle.
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("winnow").path), folder.path != "/"
        {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appendingPathComponent("winnow")
    }()

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    struct Result {
        var status: Int32
        var stdout: [UInt8]
        var stderr: String
        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// A loopback TCP port free a moment ago (the kernel's pick): tests that listen in parallel
    /// collided when they derived their ports from the process id alike.
    static func freePort() -> Int {
        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(holder) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(holder, pointer, length) == 0 && getsockname(holder, pointer, &length) == 0
            }
        }
        precondition(bound, "no free loopback port")
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A new empty folder: each run gets its own working directory, so that the default audit
    /// file of one run never meets another's.
    static func makeTemporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Starts winnow with `arguments` in the background, in `directory`; its messages go to
    /// `log` (a file: a pipe nobody reads until it exits could fill and block it), or nowhere.
    static func start(_ arguments: [String], in directory: URL, log: URL? = nil) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        if let log {
            FileManager.default.createFile(atPath: log.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: log)
        } else {
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        return process
    }

    /// Runs winnow with `arguments`, feeding `input` on stdin, in `directory` (by default a new
    /// temporary folder, removed afterwards).
    static func run(
        _ arguments: [String], input: [UInt8] = [], environment: [String: String]? = nil, in directory: URL? = nil,
        executable: URL = WinnowProcess.executable
    ) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let workingDirectory = try directory ?? makeTemporaryDirectory()
        defer { if directory == nil { try? FileManager.default.removeItem(at: workingDirectory) } }
        process.currentDirectoryURL = workingDirectory
        if let environment { process.environment = environment }
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // winnow may stop before reading all of its input: an error for the feeder, not a signal.
        signal(SIGPIPE, SIG_IGN)
        let feeder = Thread {
            try? stdin.fileHandleForWriting.write(contentsOf: Data(input))
            try? stdin.fileHandleForWriting.close()
        }
        feeder.start()
        let errors = Collector(stderr.fileHandleForReading)
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: Array(output),
            stderr: String(decoding: errors.wait(), as: UTF8.self))
    }
}
