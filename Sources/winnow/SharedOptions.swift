import ArgumentParser
import WinnowPipeline
import WinnowShared

extension SharedFailurePolicy: ExpressibleByArgument {}
extension SharedScope: ExpressibleByArgument {}

/// `--shared` and what to do while it is unreachable, for the commands that judge events
/// (`filter`, `replay`, `serve`). Option groups are validated by ArgumentParser itself.
struct SharedOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Keep rate limits, timeouts and bans in this Redis, shared by every instance pointed at it: redis://HOST:PORT or unix:///PATH.",
            valueName: "address"))
    var shared: String?

    @Option(
        help:
            "While the shared Redis is unreachable: `open` judges on this instance's own windows, `closed` holds every event."
    )
    var sharedFailure: SharedFailurePolicy = .open

    @Option(
        help:
            "What Redis decides: `all` (rate limits, slow-mode, repeat, flood, strikes, penalties), `limits` (rate limits, strikes, penalties; slow-mode, repeat and flood per instance, far less work for Redis), or, for `consume` owning partitions of a stream partitioned by author and `serve` sidecars a client feeds by author, `global` (timeouts, bans, flood campaigns and channel-wide counts, shared once per batch or every 100 ms; every other window on the instance)."
    )
    var sharedWindows: SharedScope = .all

    @Option(
        help: ArgumentHelp(
            "Events of an author far below the limits let through here without asking Redis (at most this many after each answer, for a second; 0: ask for every event). Instances may together overshoot a limit by (instances - 1) x N.",
            valueName: "N"))
    var sharedLocalAllowance = 4

    @Option(
        help: ArgumentHelp(
            "How long to wait for the shared Redis's answer before taking it as unreachable (--shared-failure decides then).",
            valueName: "ms"))
    var sharedTimeout = 500

    /// With `--shared-windows global`: the penalty and window logs, connected (exit status 1
    /// when they cannot be reached at start-up).
    func feeds(origin: String) throws -> (penalties: PenaltyFeed, windows: WindowFeed)? {
        guard let shared, sharedWindows == .global else { return nil }
        let address = try parse(shared)
        do throws(SharedError) {
            return (try PenaltyFeed(address, origin: origin), try WindowFeed(address, origin: origin))
        } catch {
            printError("winnow: --shared: \(error.message)")
            throw ExitCode(1)
        }
    }

    func validate() throws {
        if let shared { _ = try parse(shared) }
        guard (0...1000).contains(sharedLocalAllowance) else {
            throw ValidationError("--shared-local-allowance must be between 0 and 1000")
        }
    }

    private func parse(_ text: String) throws -> SharedAddress {
        do throws(SharedError) {
            return try SharedAddress(parsing: text)
        } catch {
            throw ValidationError("--shared \(error.message)")
        }
    }

    /// Connects (an unreachable Redis at start-up stops the run with exit status 1: a typo in
    /// the address should not quietly run alone) and loads the scripts. None for `global`
    /// (`feeds`), which `consume` and `serve` take.
    func link(allowingGlobal: Bool = false) throws -> SharedLink? {
        guard let shared else { return nil }
        if sharedWindows == .global {
            guard allowingGlobal else {
                throw ValidationError(
                    "--shared-windows global is for `winnow consume` owning partitions and `winnow serve` fed by author (docs/scale-out.md)"
                )
            }
            return nil
        }
        let address = try parse(shared)
        guard (1...600_000).contains(sharedTimeout) else {
            throw ValidationError("--shared-timeout takes 1 to 600000 milliseconds, not \(sharedTimeout)")
        }
        do throws(SharedError) {
            let store = try RedisWindows(address, timeoutMilliseconds: sharedTimeout)
            return SharedLink(
                store: store, policy: sharedFailure, scope: sharedWindows, localAllowance: sharedLocalAllowance
            ) {
                printError("winnow: \($0)")
            }
        } catch {
            printError("winnow: --shared: \(error.message)")
            throw ExitCode(1)
        }
    }
}
