import Foundation
import Testing

/// The Python client (`clients/python`) against a real `winnow serve`: its own unittest suite,
/// run with the binary these tests built, so that `swift test` (and CI) tests it on every change.
@Suite("The Python client library")
struct ClientLibraryTests {
    @Test("clients/python/tests pass against the built winnow serve")
    func pythonClient() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-m", "unittest", "discover", "-s", "clients/python/tests", "-v"]
        process.currentDirectoryURL = WinnowProcess.repository
        var environment = ProcessInfo.processInfo.environment
        environment["WINNOW_BIN"] = WinnowProcess.executable.path
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("Ran 16 tests"), "\(text)")
    }
}
