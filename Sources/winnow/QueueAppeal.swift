import ArgumentParser
import WinnowAudit

extension Queue {
    /// `winnow queue appeal`: an author asks for a past verdict to be looked at again.
    struct Appeal: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "appeal",
            abstract: "Appeal a past verdict (removed, timed out, banned): a case at the head of the queue.",
            discussion: """
                A moderator decides it with `winnow queue decide ID uphold|overturn`; overturn \
                undoes the verdict in full. One appeal per verdict is open at a time.
                """)

        @OptionGroup var trail: Trail
        @Argument(help: "The id of the comment whose verdict is appealed.") var comment: String
        @Option(help: "The author's message to the moderators.") var message: String?

        func run() throws {
            let queue = try trail.open()
            do throws(AuditError) {
                let opened = try queue.appeal(comment, message: message, at: Queue.now())
                print("case \(opened.id): appeal on comment \(comment) (\(opened.rule ?? "-")), open")
            } catch { throw Queue.fail(error) }
        }
    }
}
