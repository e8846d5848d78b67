import ArgumentParser

@main
struct Winnow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "winnow",
        abstract: "Real-time moderation and antispam filter for comment streams.",
        discussion: """
            Reads comment events as NDJSON and answers each with a verdict: allow, flag, censor, \
            hold, reject, timeout, ban, or error for a line that cannot be read. See README.md.
            """,
        version: "0.1.0",
        subcommands: [
            Filter.self, Serve.self, Consume.self, Route.self, Replay.self, Audit.self, Wordlists.self, Config.self,
            Train.self,
            Classify.self, Model.self, Queue.self,
        ],
        defaultSubcommand: nil
    )
}
