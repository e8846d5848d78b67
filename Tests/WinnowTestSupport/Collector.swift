import Foundation

/// Reads a file handle to its end on a background thread, so that a test can write to a
/// process or a pipeline and read its output at once without either side blocking.
public final class Collector: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    public init(_ handle: FileHandle) {
        Thread {
            self.data = handle.readDataToEndOfFile()
            self.done.signal()
        }.start()
    }

    /// Everything read, once the other end has closed.
    public func wait() -> Data {
        done.wait()
        return data
    }
}
