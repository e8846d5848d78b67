/// A Redis stream that instances append to and each reads from where it stopped, skipping its
/// own entries: the penalty and window logs of `--shared-windows global` (`PenaltyFeed`,
/// `WindowFeed`). An entry's `o` field names the instance that wrote it.
struct SharedLog {
    let key: String
    let origin: String
    /// The id of the last entry read.
    private(set) var position: String

    init(key: String, origin: String, position: String = "0-0") {
        self.key = key
        self.origin = origin
        self.position = position
    }

    /// The entries other instances added since the last read, in order, each as its fields
    /// by name: several reads of `count` when that many are waiting (the whole log at start).
    mutating func readOthers(_ redis: RedisConnection, count: Int) throws(SharedError) -> [[String: RedisReply]] {
        var found: [[String: RedisReply]] = []
        while true {
            let reply = try redis.command(["XREAD", "COUNT", String(count), "STREAMS", key, position])
            guard case .array(let streams) = reply, case .array(let pair)? = streams.first, pair.count == 2,
                case .array(let entries) = pair[1]
            else {
                if case .error(let message) = reply { throw SharedError("\(redis.address): XREAD \(key): \(message)") }
                return found  // nothing new (a null reply)
            }
            for entry in entries {
                guard case .array(let parts) = entry, parts.count == 2, let id = parts[0].text,
                    case .array(let list) = parts[1]
                else { continue }
                position = id
                var fields: [String: RedisReply] = [:]
                var k = 0
                while k + 1 < list.count {
                    if let name = list[k].text { fields[name] = list[k + 1] }
                    k += 2
                }
                if fields["o"]?.text != origin { found.append(fields) }
            }
            if entries.count < count { return found }
        }
    }
}
