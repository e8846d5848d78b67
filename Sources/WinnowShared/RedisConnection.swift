import CHiredis

#if canImport(Glibc)
    import Glibc
#endif

/// One blocking connection to Redis, through hiredis (the Redis project's own C client). Not
/// thread-safe: each thread that talks to Redis holds its own.
///
/// Blocking fits where Winnow decides: the window step runs in order on one thread and waits
/// for its answers anyway; `pipeline` sends a whole batch's commands in one round trip. After a
/// connection error the context is dropped and the next call connects again.
public final class RedisConnection {
    public let address: SharedAddress
    private let timeout: timeval
    private var context: UnsafeMutablePointer<redisContext>?

    /// Connects at once: an unreachable Redis is reported here, with the address.
    ///
    /// hiredis writes with plain `write`: a Redis that went away would kill the process with
    /// SIGPIPE. Winnow ignores SIGPIPE anyway (a closed stdout ends it quietly), so this does too.
    public init(_ address: SharedAddress, timeoutMilliseconds: Int = 500) throws(SharedError) {
        signal(SIGPIPE, SIG_IGN)
        self.address = address
        timeout = timeval(tv_sec: timeoutMilliseconds / 1000, tv_usec: (timeoutMilliseconds % 1000) * 1000)
        try connect()
    }

    deinit {
        if let context { redisFree(context) }
    }

    /// Whether the last call left a usable connection.
    public var isConnected: Bool { context != nil }

    private func connect() throws(SharedError) {
        let made: UnsafeMutablePointer<redisContext>?
        switch address {
        case .tcp(let host, let port): made = redisConnectWithTimeout(host, Int32(port), timeout)
        case .unix(let path): made = redisConnectUnixWithTimeout(path, timeout)
        }
        guard let made else { throw SharedError("\(address): cannot allocate a connection") }
        if made.pointee.err != 0 {
            let message = Self.errorText(made)
            redisFree(made)
            throw SharedError("\(address): \(message)")
        }
        // Reads and writes give up after the timeout instead of stalling the stream.
        _ = redisSetTimeout(made, timeout)
        context = made
    }

    /// Sends one command and waits for its reply. An error reply is a value (`.error`), not a
    /// throw; a broken connection throws.
    public func command(_ arguments: [String]) throws(SharedError) -> RedisReply {
        try send([arguments.map(\.utf8)])[0]
    }

    /// `command` with arguments as bytes (values that are not text, or are already bytes).
    public func command(bytes arguments: [[UInt8]]) throws(SharedError) -> RedisReply {
        try send([arguments])[0]
    }

    /// Sends every command, then reads the replies in order: one round trip for all.
    public func pipeline(_ commands: [[String]]) throws(SharedError) -> [RedisReply] {
        try send(commands.map { $0.map(\.utf8) })
    }

    /// `pipeline` with arguments as bytes.
    public func pipeline(bytes commands: [[[UInt8]]]) throws(SharedError) -> [RedisReply] {
        try send(commands)
    }

    private func send<Argument: Collection<UInt8>>(_ commands: [[Argument]]) throws(SharedError) -> [RedisReply] {
        if context == nil { try connect() }
        guard let context else { throw SharedError("\(address): not connected") }
        for arguments in commands {
            let status = Self.withArgv(arguments) { argc, argv, lengths in
                redisAppendCommandArgv(context, argc, argv, lengths)
            }
            guard status == REDIS_OK else { throw dropConnection() }
        }
        var replies: [RedisReply] = []
        replies.reserveCapacity(commands.count)
        for _ in commands {
            var raw: UnsafeMutableRawPointer?
            guard redisGetReply(context, &raw) == REDIS_OK, let raw else { throw dropConnection() }
            replies.append(RedisReply(raw.assumingMemoryBound(to: redisReply.self)))
            freeReplyObject(raw)
        }
        return replies
    }

    /// Forgets a broken connection (hiredis cannot use it again) and describes what broke.
    private func dropConnection() -> SharedError {
        guard let context else { return SharedError("\(address): not connected") }
        let message = Self.errorText(context)
        redisFree(context)
        self.context = nil
        return SharedError("\(address): \(message)")
    }

    private static func errorText(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            let end = bytes.firstIndex(of: 0) ?? bytes.count
            let text = String(decoding: bytes[..<end], as: UTF8.self)
            return text.isEmpty ? "connection error \(context.pointee.err)" : text
        }
    }

    /// The arguments as hiredis wants them: one buffer, pointers and lengths into it.
    private static func withArgv<Argument: Collection<UInt8>, R>(
        _ arguments: [Argument], _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> R
    ) -> R {
        var bytes: [UInt8] = []
        var lengths: [Int] = []
        // Sized once: an answer's arguments are a batch's verdicts, hundreds of kilobytes.
        bytes.reserveCapacity(arguments.reduce(1) { $0 + $1.count })
        lengths.reserveCapacity(arguments.count)
        for argument in arguments {
            bytes.append(contentsOf: argument)
            lengths.append(argument.count)
        }
        if bytes.isEmpty { bytes.append(0) }
        return bytes.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            var pointers: [UnsafePointer<CChar>?] = []
            var offset = 0
            for length in lengths {
                pointers.append(base + offset)
                offset += length
            }
            return pointers.withUnsafeMutableBufferPointer { argv in
                lengths.withUnsafeBufferPointer { body(Int32(arguments.count), argv.baseAddress!, $0.baseAddress!) }
            }
        }
    }
}

/// A reply from Redis, copied out of hiredis' memory.
public enum RedisReply: Equatable, Sendable {
    case bulk([UInt8])
    case status(String)
    case integer(Int64)
    case array([RedisReply])
    case null
    case error(String)

    init(_ reply: UnsafeMutablePointer<redisReply>) {
        let r = reply.pointee
        func text() -> [UInt8] {
            guard let str = r.str else { return [] }
            return Array(UnsafeRawBufferPointer(start: str, count: Int(r.len)))
        }
        switch r.type {
        case REDIS_REPLY_STRING: self = .bulk(text())
        case REDIS_REPLY_STATUS: self = .status(String(decoding: text(), as: UTF8.self))
        case REDIS_REPLY_ERROR: self = .error(String(decoding: text(), as: UTF8.self))
        case REDIS_REPLY_INTEGER: self = .integer(r.integer)
        case REDIS_REPLY_ARRAY:
            self = .array((0..<Int(r.elements)).map { RedisReply(r.element[$0]!) })
        default: self = .null
        }
    }

    /// A bulk or status reply as text.
    public var text: String? {
        switch self {
        case .bulk(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .status(let text): return text
        default: return nil
        }
    }
}
