import ArgumentParser

#if canImport(Glibc)
    import Glibc
#endif

/// Every command names itself (`commandName:`): a name derived from the type costs
/// ArgumentParser a `String(describing:)` of it, 37M instructions of every run's start-up for
/// the 26 commands that had none.
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

    /// Every command starts with SIGTERM and SIGINT deliverable: a parent may have started it
    /// with them blocked (posix_spawn hands its signal mask down, and Foundation's `Process`
    /// does), and then `filter` would never stop on them, nor `consume` finish its batch.
    static func main() {
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGTERM)
        sigaddset(&stopSignals, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil)
        main(nil)
    }
}
