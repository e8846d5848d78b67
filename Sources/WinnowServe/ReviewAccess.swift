import Foundation
import WinnowAudit

/// The sidecar's connection to the review queue in its audit trail, for the `queue`, `case` and
/// `decide` ops: opened on first use, one op at a time (an SQLite connection serves one thread).
final class ReviewAccess: @unchecked Sendable {
    private let path: String
    private let lock = NSLock()
    private var queue: ReviewQueue?

    init(path: String) { self.path = path }

    func with<T>(_ body: (ReviewQueue) throws(AuditError) -> T) throws(AuditError) -> T {
        lock.lock()
        defer { lock.unlock() }
        if queue == nil { queue = try ReviewQueue(path: path, checkpoints: false) }
        return try body(queue!)
    }
}
