import Foundation
import WinnowAudit
import WinnowCore
import WinnowLimits
import WinnowPipeline

/// Control messages on the same protocol: a JSON object with `op`, answered with one line that
/// repeats the `op` (and the request's `id`, when it has one) and says `ok`.
///
/// ```
/// {"op":"health"}                                   {"op":"stats"}
/// {"op":"reload"}                                   rebuild wordlists and policy from the files
/// {"op":"slow_mode","channel":"c","seconds":30}     on (30 s), 0 = off, "reset":true = back to the policy
/// {"op":"timeout","author":"a","seconds":600}       {"op":"ban","author":"a"} (optional "seconds")
/// {"op":"unban","author":"a"}                       lifts a timeout or a ban
/// ```
enum ControlOp {
    static let names = ["health", "stats", "reload", "slow_mode", "timeout", "ban", "unban"]

    /// A line is an op when it has an `"op"` key; events never need one. A cheap first look
    /// (the bytes `"op"`) keeps events off the slow path.
    static func looksLikeOp(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard line.count >= 6 else { return false }
        let needle: (UInt8, UInt8, UInt8, UInt8) = (0x22, 0x6F, 0x70, 0x22)  // "op"
        for k in 0..<(line.count - 3) where line[k] == needle.0 && line[k + 1] == needle.1 && line[k + 2] == needle.2
            && line[k + 3] == needle.3
        {
            return (try? JSONSerialization.jsonObject(with: Data(buffer: line)) as? [String: Any])?["op"] != nil
        }
        return false
    }

    static func handle(_ line: UnsafeBufferPointer<UInt8>, service: SidecarService, peer: PeerCredentials?,
                       respond: @escaping @Sendable ([UInt8]) -> Void) {
        let request = (try? JSONSerialization.jsonObject(with: Data(buffer: line)) as? [String: Any]) ?? [:]
        let op = request["op"] as? String ?? "\(request["op"] ?? "")"
        let idMember = request["id"].map { id in #","id":\#(id is String ? JSONText.quoted(id as! String) : "\(id)")"# } ?? ""
        let head = #"{"op":\#(JSONText.quoted(op))"# + idMember
        @Sendable func answer(_ members: String) -> [UInt8] { Array((head + members + "}\n").utf8) }
        @Sendable func fail(_ message: String) { respond(answer(#","ok":false,"error":\#(JSONText.quoted(message))"#)) }
        let engine = service.engines.engine
        let now = Micros(seconds: Date().timeIntervalSince1970)

        switch op {
        case "health":
            respond(answer(#","ok":true,"draining":\#(service.draining.load(ordering: .relaxed)),"connections":\#(service.stats.connections)"#))
        case "stats":
            respond(answer(#","ok":true,\#(service.stats.jsonMembers()),"config":\#(JSONText.quoted(service.engines.configuration.hash))"#
                + #","tracked_authors":\#(engine.state.authors.trackedKeys),"slow_mode_overrides":\#(engine.state.slowModeOverrides.count)"#))
        case "reload":
            // In the background: the connection keeps being answered in order meanwhile.
            Thread {
                do {
                    let configuration = try service.engines.reload()
                    service.configurationChanged(configuration)
                    service.logger.notice("reloaded", metadata: ["config": "\(configuration.hash)", "by": "\(peer?.description ?? "?")"])
                    respond(answer(#","ok":true,"config":\#(JSONText.quoted(configuration.hash))"#))
                } catch {
                    service.logger.error("reload refused; the running configuration stays", metadata: ["error": "\(error)"])
                    fail("reload refused, the running configuration stays: \(error)")
                }
            }.start()
        case "slow_mode":
            guard let channel = request["channel"] as? String else { return fail("slow_mode needs \"channel\"") }
            let key = BehaviorState.channelKey(channel)
            if request["reset"] as? Bool == true {
                engine.state.overrideSlowMode(nil, channel: key)
                respond(answer(#","ok":true,"channel":\#(JSONText.quoted(channel)),"slow_mode":"policy""#))
            } else if let seconds = (request["seconds"] as? NSNumber)?.doubleValue, seconds >= 0, seconds <= 86_400 * 7 {
                engine.state.overrideSlowMode(seconds == 0 ? .off : .on(Micros(seconds: seconds)), channel: key)
                let state = seconds == 0 ? "off" : DurationText.describe(Micros(seconds: seconds))
                respond(answer(#","ok":true,"channel":\#(JSONText.quoted(channel)),"slow_mode":\#(JSONText.quoted(state))"#))
            } else {
                fail("slow_mode needs \"seconds\" (0 to 604800; 0 turns it off) or \"reset\": true")
            }
        case "timeout", "ban", "unban":
            guard let author = request["author"] as? String else { return fail("\(op) needs \"author\"") }
            let seconds = (request["seconds"] as? NSNumber)?.doubleValue
            if let seconds, !(seconds > 0) { return fail("\"seconds\" must be more than 0") }
            if op == "timeout" && seconds == nil { return fail("timeout needs \"seconds\"") }
            let kind: Penalty.Kind = op == "timeout" ? .timeout : op == "ban" ? .ban : .none
            let until = seconds.map { now + Micros(seconds: $0) } ?? Penalty.forever
            guard let previous = engine.setPenalty(kind, author: author, at: now, until: until) else {
                return fail("the author table is full of authors under a penalty; nothing changed")
            }
            let was = previous.isActive(at: now) ? (previous.kind == .ban ? "ban" : "timeout") : "none"
            let untilText = kind == .none ? "" : until == Penalty.forever ? #","until":null"# : #","until":\#(JSONText.number(until.seconds))"#
            let reply = answer(#","ok":true,"author":\#(JSONText.quoted(author))\#(untilText),"was":"\#(was)""#)
            let action: Action = kind == .ban ? .ban : kind == .timeout ? .timeout : .allow
            service.auditOp(
                author: author, action: action,
                penalty: kind == .none ? nil : AuthorPenalty(action: action, until: until == Penalty.forever ? nil : until.seconds),
                request: String(decoding: line, as: UTF8.self), answer: reply, peer: peer)
            service.logger.notice("\(op)", metadata: ["author": "\(author)", "by": "\(peer?.description ?? "?")"])
            respond(reply)
        default:
            fail("unknown op '\(op)' (ops: \(names.joined(separator: ", ")))")
        }
    }
}
