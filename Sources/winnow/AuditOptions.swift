import ArgumentParser
import Foundation
import WinnowAudit
import WinnowConfig
import WinnowMatch

/// `--audit PATH`, `--no-audit` and how the trail is kept, shared by the commands that judge
/// events (`filter`, `replay`).
struct AuditOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The audit trail: an SQLite file, created when missing.", valueName: "path"))
    var audit = "winnow-audit.sqlite"

    @Flag(help: "Keep no audit trail.")
    var noAudit = false

    @Option(help: "What the audit trail keeps of each comment: `full` (the text) or `hash` (only its SHA-256).")
    var auditText: AuditTextMode = .full

    @Option(
        help: """
            `group` (default): a verdict is written only after the audit transaction holding it has committed; \
            `async`: verdicts are written first and committed right after (lower latency; a crash can lose the \
            audit rows of the last batch).
            """)
    var auditCommit: AuditCommitMode = .group

    /// What a run stopped by an audit failure says of the verdicts it had not written yet.
    var stoppedMessage: String {
        switch auditCommit {
        case .group:
            "winnow: stopped: the verdicts of the batch that could not be recorded were not released, nor any after it"
        case .async:
            "winnow: stopped: the verdicts of the batch that could not be recorded were released without their audit rows; none after it was released"
        }
    }

    /// Opens the trail and registers the configuration in force, or stops with the reason and
    /// exit status 1 (unwritable path, foreign or newer file, another writer holding it).
    func open(source: String, configuration: AuditedConfiguration) throws -> AuditTrail? {
        guard !noAudit else { return nil }
        do throws(AuditError) {
            let store = try AuditStore(path: audit)
            return try AuditTrail(
                store: store, configuration: configuration, source: source, textMode: auditText, commitMode: auditCommit
            )
        } catch {
            printError("winnow: \(error.message)")
            printError(
                "winnow: nothing was read; give another --audit PATH, or --no-audit to run without an audit trail")
            throw ExitCode(1)
        }
    }
}

extension AuditTextMode: ExpressibleByArgument {}
extension AuditCommitMode: ExpressibleByArgument {}

extension AuditedConfiguration {
    /// The lists (each file by its SHA-256) and the configuration in force with the flags
    /// applied, plus the policy file as written when there is one.
    init(stopwords: StopwordSet, configuration: Configuration, policyFile: String?) {
        let lists = stopwords.lists.map { list in
            let bytes = FileManager.default.contents(atPath: list.path).map { [UInt8]($0) } ?? []
            return "\(ContentHash.sha256(bytes))  \(list.name)  \(list.path)"
        }
        var policy = configuration.summary
        let overrides = configuration.policy.categoryActions.sorted { $0.key < $1.key }
        for (category, action) in overrides { policy += "\ncategory \(category) -> \(action?.rawValue ?? "allow")" }
        if let policyFile {
            let text =
                FileManager.default.contents(atPath: policyFile).map { String(decoding: $0, as: UTF8.self) } ?? ""
            policy += "\npolicy file \(policyFile):\n\(text)"
        }
        self.init(
            wordlists: lists.joined(separator: "\n"), policy: policy, retention: configuration.audit,
            queue: configuration.queue
        )
    }
}
