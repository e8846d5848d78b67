import Foundation
import Synchronization
import WinnowLimits
import WinnowPipeline

/// `winnow serve --shared ADDRESS --shared-windows global`: sidecars that a client feeds by
/// author (`RoutedClient`: each author's events always to the same sidecar) keep every window
/// to themselves, as partition owners do, and share only what is global — timeouts and bans,
/// flood campaigns, channels' counts — through the logs (`GlobalLogs`, given here as `sync`:
/// take up, then publish), every `interval` on a thread of its own, under the window step's
/// lock (what it takes up lands between two events, never inside one's window step).
final class GlobalLogsTimer: Sendable {
    private let sync: @Sendable (Engine, Micros) -> Void
    private let stopped = Atomic<Bool>(false)

    init(sync: @escaping @Sendable (Engine, Micros) -> Void) {
        self.sync = sync
    }

    /// Every `interval` seconds until `stop()`: `apply` runs its argument with the engine in
    /// force and the window step's time, under the window step's lock.
    func start(interval: Double, apply: @escaping @Sendable (_ step: (Engine, Micros) -> Void) -> Void) {
        let thread = Thread { [self] in
            while !stopped.load(ordering: .relaxed) {
                Thread.sleep(forTimeInterval: interval)
                apply { engine, now in sync(engine, now) }
            }
        }
        thread.name = "winnow.global-logs"
        thread.start()
    }

    func stop() { stopped.store(true, ordering: .relaxed) }
}
