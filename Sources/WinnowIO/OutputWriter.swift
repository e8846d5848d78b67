#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes whole buffers to a file descriptor, retrying partial writes and interruptions.
public struct OutputWriter: Sendable {
    /// The reader went away (`winnow filter … | head`): stop quietly.
    public struct Closed: Error {}
    /// Any other write failure (a full disk, say), with the system's message.
    public struct Failed: Error, CustomStringConvertible {
        public let code: Int32
        public var description: String { String(cString: strerror(code)) }
    }

    private let fd: Int32

    public init(fd: Int32) {
        self.fd = fd
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard var p = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let n = Glibc.write(fd, p, remaining)
            if n >= 0 {
                p += n
                remaining -= n
                continue
            }
            switch errno {
            case EINTR, EAGAIN: continue
            case EPIPE: throw Closed()
            default: throw Failed(code: errno)
            }
        }
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }
}
