import Foundation
import WinnowAudit
import WinnowCore
import WinnowIO
import WinnowLimits
import WinnowPipeline

/// Carries out the sidecar's control ops (`ControlRequest` says what they are and reads them).
/// Runs on the connection's judging queue, so the events a client sends after an op are judged
/// with the op in force: a `reload` answered `ok` is the configuration in force, a ban answered
/// `ok` is recorded in the audit trail and holds. An op that changes an author or a channel is
/// answered only once its audit row has committed, like a verdict; if it cannot be recorded, it
/// is not applied.
enum ControlOp {
    /// The answer line to one op line from `peer`, who holds `rights`.
    static func handle(
        _ line: UnsafeBufferPointer<UInt8>, service: SidecarService, peer: PeerCredentials?, rights: AccessRights.Held,
        sink: FeedSink? = nil
    ) -> [UInt8] {
        let request: ControlRequest
        switch ControlRequest.parse(line) {
        case .success(let parsed): request = parsed
        case .failure(let refusal):
            service.stats.recordOpRefused()
            return ControlRequest.refusal(refusal)
        }
        func fail(_ message: String) -> [UInt8] {
            service.stats.recordOpRefused()
            return ControlRequest.refusal(.init(answerHead: request.answerHead, message: message))
        }
        let by = peer?.description ?? "an unknown peer"
        switch request.command {
        case .health:
            return request.answer(
                #","ok":true,"draining":\#(service.draining.load(ordering: .relaxed)),"connections":\#(service.stats.connections)"#
            )
        case .stats:
            let engine = service.engines.engine
            return request.answer(
                #","ok":true,\#(service.stats.jsonMembers()),"config":\#(JSONText.quoted(service.engines.configuration.hash))"#
                    + #","tracked_authors":\#(engine.state.authors.trackedKeys),"slow_mode_overrides":\#(engine.state.slowModeOverrides.count)"#
            )
        case .reload:
            guard rights.reload else {
                service.logger.warning("reload refused: no right", metadata: ["by": "\(by)"])
                return fail("\(by) may not reload (see --reload-uid, --reload-group)")
            }
            do {
                let configuration = try service.engines.reload()
                service.configurationChanged(configuration)
                service.logger.notice("reloaded", metadata: ["config": "\(configuration.hash)", "by": "\(by)"])
                return request.answer(#","ok":true,"config":\#(JSONText.quoted(configuration.hash))"#)
            } catch {
                service.logger.error("reload refused; the running configuration stays", metadata: ["error": "\(error)"])
                return fail("reload refused, the running configuration stays: \(error)")
            }
        case .slowMode, .timeout, .ban, .unban:
            guard rights.moderate else {
                service.logger.warning(
                    "op refused: no right", metadata: ["op": "\(request.answerHead)", "by": "\(by)"])
                return fail("\(by) may not use moderator ops (see --ops-uid, --ops-group)")
            }
            return moderate(request, line: line, service: service, peer: peer)
        case .queue, .reviewCase, .decide, .appeal, .subscribe:
            guard let review = service.review, let feed = service.decisions else {
                return fail("the review queue lives in the audit trail: this sidecar runs with --no-audit")
            }
            if case .decide = request.command, !rights.moderate {
                service.logger.warning("decide refused: no right", metadata: ["by": "\(by)"])
                return fail("\(by) may not use moderator ops (see --ops-uid, --ops-group)")
            }
            do throws(AuditError) {
                return try ReviewOp.handle(
                    request, review: review, feed: feed, follower: service.follower, peer: peer, sink: sink)
            } catch {
                return fail(error.message)
            }
        }
    }

    /// A moderator op: recorded, then applied, then answered.
    private static func moderate(
        _ request: ControlRequest, line: UnsafeBufferPointer<UInt8>, service: SidecarService, peer: PeerCredentials?
    ) -> [UInt8] {
        let engine = service.engines.engine
        let now = Micros(seconds: Date().timeIntervalSince1970)
        let by = peer?.description ?? "an unknown peer"
        let requestText = String(decoding: line, as: UTF8.self)
        switch request.command {
        case .slowMode(let channel, let seconds):
            let setting: SlowModeOverrides.Setting? = seconds.map { $0 == 0 ? .off : .on(Micros(seconds: $0)) }
            let state = seconds.map { $0 == 0 ? "off" : DurationText.describe(Micros(seconds: $0)) } ?? "policy"
            let answer = request.answer(
                #","ok":true,"channel":\#(JSONText.quoted(channel)),"slow_mode":\#(JSONText.quoted(state))"#)
            let record = opRecord(
                author: nil, channel: channel, action: .allow, penalty: nil, request: requestText, peer: peer)
            if let failure = service.recordOp(record, answer: answer) {
                return ControlRequest.refusal(
                    .init(
                        answerHead: request.answerHead,
                        message: "not applied: the audit trail could not record it: \(failure)"))
            }
            engine.state.overrideSlowMode(setting, channel: BehaviorState.channelKey(channel))
            service.logger.notice(
                "slow_mode", metadata: ["channel": "\(channel)", "slow_mode": "\(state)", "by": "\(by)"])
            return answer
        case .timeout(let author, let seconds), .ban(let author, let seconds?):
            let kind: Penalty.Kind = if case .timeout = request.command { .timeout } else { .ban }
            return penalize(
                kind, author: author, until: now + Micros(seconds: seconds), request, requestText, service, peer, now)
        case .ban(let author, nil):
            return penalize(.ban, author: author, until: Penalty.forever, request, requestText, service, peer, now)
        case .unban(let author):
            return penalize(.none, author: author, until: 0, request, requestText, service, peer, now)
        default:
            preconditionFailure("not a moderator op")
        }
    }

    private static func penalize(
        _ kind: Penalty.Kind, author: String, until: Micros, _ request: ControlRequest, _ requestText: String,
        _ service: SidecarService, _ peer: PeerCredentials?, _ now: Micros
    ) -> [UInt8] {
        let engine = service.engines.engine
        let previous = engine.penalty(of: author, at: now)
        let was = previous.map { $0.kind == .ban ? "ban" : "timeout" } ?? "none"
        // To the millisecond, as the penalty is kept and as verdicts give it.
        let untilText =
            kind == .none
            ? ""
            : until == Penalty.forever
                ? #","until":null"# : #","until":\#(JSONText.number(Double(until / 1000) / 1000))"#
        let answer = request.answer(#","ok":true,"author":\#(JSONText.quoted(author))\#(untilText),"was":"\#(was)""#)
        let action: Action = kind == .ban ? .ban : kind == .timeout ? .timeout : .allow
        // An unban is kept as an `unban` row: the author's ledger replays it.
        let penalty = AuthorPenalty(
            action: action, until: kind == .none || until == Penalty.forever ? nil : until.seconds)
        let record = opRecord(
            author: author, channel: nil, action: action, penalty: penalty, request: requestText, peer: peer)
        if let failure = service.recordOp(record, answer: answer) {
            return ControlRequest.refusal(
                .init(
                    answerHead: request.answerHead,
                    message: "not applied: the audit trail could not record it: \(failure)"))
        }
        guard engine.setPenalty(kind, author: author, at: now, until: until) != nil else {
            return ControlRequest.refusal(
                .init(
                    answerHead: request.answerHead,
                    message: "the author table is full of authors under a penalty; nothing changed"))
        }
        service.logger.notice(
            "\(kind == .none ? "unban" : kind == .ban ? "ban" : "timeout")",
            metadata: [
                "author": "\(author)", "by": "\(peer?.description ?? "?")",
            ])
        return answer
    }

    private static func opRecord(
        author: String?, channel: String?, action: Action, penalty: AuthorPenalty?, request: String,
        peer: PeerCredentials?
    ) -> AuditRecord {
        var record = AuditRecord(
            eventID: nil, line: 0, author: author, channel: channel, timestamp: Date().timeIntervalSince1970,
            text: request,
            action: action, penalty: penalty)
        record.peerUID = peer?.uid
        record.peerPID = peer?.pid
        return record
    }
}
