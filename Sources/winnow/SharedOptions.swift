import ArgumentParser
import WinnowPipeline
import WinnowShared

extension SharedFailurePolicy: ExpressibleByArgument {}

/// `--shared` and what to do while it is unreachable, for the commands that judge events
/// (`filter`, `replay`, `serve`). Option groups are validated by ArgumentParser itself.
struct SharedOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Keep rate limits, timeouts and bans in this Redis, shared by every instance pointed at it: redis://HOST:PORT or unix:///PATH.",
        valueName: "address"))
    var shared: String?

    @Option(help: "While the shared Redis is unreachable: `open` judges on this instance's own windows, `closed` holds every event.")
    var sharedFailure: SharedFailurePolicy = .open

    func validate() throws {
        if let shared { _ = try parse(shared) }
    }

    private func parse(_ text: String) throws -> SharedAddress {
        do throws(SharedError) {
            return try SharedAddress(parsing: text)
        } catch {
            throw ValidationError("--shared \(error.message)")
        }
    }

    /// Connects (an unreachable Redis at start-up stops the run with exit status 1: a typo in
    /// the address should not quietly run alone) and loads the scripts.
    func link() throws -> SharedLink? {
        guard let shared else { return nil }
        let address = try parse(shared)
        do throws(SharedError) {
            let store = try RedisWindows(address)
            return SharedLink(store: store, policy: sharedFailure) { printError("winnow: \($0)") }
        } catch {
            printError("winnow: --shared: \(error.message)")
            throw ExitCode(1)
        }
    }
}
