import Foundation
import WinnowAudit
import WinnowCore
import WinnowIO
import WinnowPipeline

/// The review queue's ops on the sidecar: `queue` (open cases, paged), `case` (one case),
/// `decide` (the first decision wins; carried into the authors' state before the answer),
/// `appeal` (a case on one past verdict), `subscribe` (the decision feed).
enum ReviewOp {
    static func handle(
        _ request: ControlRequest, review: ReviewAccess, feed: DecisionFeed, follower: DecisionFollower?,
        peer: PeerCredentials?, sink: FeedSink?
    ) throws(AuditError) -> [UInt8] {
        let now = Date().timeIntervalSince1970
        switch request.command {
        case .queue(let channel, let rule, let olderThan, let limit, let offset):
            var filter = ReviewQueue.Filter()
            filter.channel = channel
            filter.rule = rule
            filter.olderThan = olderThan
            filter.limit = limit
            filter.offset = offset
            let cases = try review.with { queue throws(AuditError) in try queue.list(filter, now: now) }
            var page: [UInt8] = []
            page.reserveCapacity(cases.count * 400)
            for (k, found) in cases.enumerated() {
                if k > 0 { page.append(UInt8(ascii: ",")) }
                found.appendJSON(to: &page)
            }
            return request.answer(#","ok":true,"cases":["#, bytes: page, trail: "]")
        case .reviewCase(let id):
            let shown = try review.with {
                queue throws(AuditError) -> ((ReviewCase, [CaseComment], [CaseDecision]), [AuthorRecord])? in
                guard let found = try queue.show(id) else { return nil }
                return (found, try queue.history(ofCase: id))
            }
            guard let ((found, comments, decisions), authors) = shown else { throw AuditError("no case \(id)") }
            return request.answer(
                #","ok":true,"# + ReviewCase.detailMembers(found, comments, decisions, authors: authors))
        case .decide(let id, let outcome, let sanctionName, let seconds):
            let moderator = request.moderator ?? peer.map { "uid \($0.uid)" } ?? "unknown"
            let sanction = Sanction(name: sanctionName, seconds: seconds)
            let (result, comments) = try review.with { queue throws(AuditError) in
                (
                    try queue.decide(
                        id, CaseOutcome(rawValue: outcome)!, sanction: sanction, moderator: moderator,
                        note: request.note, at: now, peerUID: peer?.uid),
                    try queue.commentIDs(of: id)
                )
            }
            switch result {
            case .decided(let decision):
                // Carried into the authors' state before the answer: what it changed is in it.
                let changes = try follower?.catchUp().values.flatMap { $0 } ?? []
                let changeList = changes.map {
                    #"{"author":\#(JSONText.quoted($0.author)),"change":\#(JSONText.quoted($0.change)),"why":\#(JSONText.quoted($0.why))}"#
                }
                return request.answer(
                    #","ok":true,"case":\#(id),"outcome":\#(JSONText.quoted(decision.outcome.rawValue))"#
                        + #","moderator":\#(JSONText.quoted(moderator)),"comments":[\#(comments.map(JSONText.quoted).joined(separator: ","))]"#
                        + #","changes":[\#(changeList.joined(separator: ","))]"#)
            case .alreadyDecided(let standing):
                throw AuditError(
                    "case \(id) was already decided by \(standing.moderator) at \(JSONText.number(standing.at)): "
                        + standing.outcome.rawValue)
            }
        case .appeal(let comment, let message):
            let opened = try review.with { queue throws(AuditError) in
                try queue.appeal(comment, message: message, at: now)
            }
            return request.answer(#","ok":true,"case":\#(opened.id),"status":"open""#)
        case .subscribe(let after):
            guard let sink else { throw AuditError("this connection cannot subscribe") }
            var from = after ?? 0
            if after == nil { from = try review.with { queue throws(AuditError) in try queue.latestDecision() } }
            feed.add(sink, after: from)
            sink.subscribed()
            return request.answer(#","ok":true,"to":"decisions","after":\#(from)"#)
        default:
            preconditionFailure("not a review op")
        }
    }
}
