/// Where the shared Redis is: `redis://HOST:PORT` (port 6379 when left out) or `unix:///PATH`.
public enum SharedAddress: Equatable, Sendable, CustomStringConvertible {
    case tcp(host: String, port: Int)
    case unix(path: String)

    public init(parsing text: String) throws(SharedError) {
        if text.hasPrefix("unix://") {
            let path = String(text.dropFirst("unix://".count))
            guard path.hasPrefix("/") else {
                throw SharedError("'\(text)': a unix socket address needs an absolute path (unix:///run/redis.sock)")
            }
            self = .unix(path: path)
            return
        }
        guard text.hasPrefix("redis://") else {
            throw SharedError("'\(text)': expected redis://HOST:PORT or unix:///PATH")
        }
        let rest = text.dropFirst("redis://".count).split(
            separator: "/", maxSplits: 1, omittingEmptySubsequences: false)[0]
        guard !rest.isEmpty else { throw SharedError("'\(text)': no host") }
        if let colon = rest.lastIndex(of: ":"), !rest.hasSuffix("]") {
            guard let port = Int(rest[rest.index(after: colon)...]), (1...65_535).contains(port) else {
                throw SharedError("'\(text)': the port must be a number from 1 to 65535")
            }
            let host = String(rest[..<colon]).trimmingBrackets
            guard !host.isEmpty else { throw SharedError("'\(text)': no host") }
            self = .tcp(host: host, port: port)
        } else {
            self = .tcp(host: String(rest).trimmingBrackets, port: 6379)
        }
    }

    public var description: String {
        switch self {
        case .tcp(let host, let port): return "redis://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        case .unix(let path): return "unix://\(path)"
        }
    }
}

extension String {
    fileprivate var trimmingBrackets: String {
        hasPrefix("[") && hasSuffix("]") ? String(dropFirst().dropLast()) : self
    }
}

/// A problem with the shared store: unreachable, a protocol error, an error reply.
public struct SharedError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
