import Foundation
import Synchronization

/// `winnow serve --shared ADDRESS --shared-windows global`: sidecars that a client feeds by
/// author (`RoutedClient`: each author's events always to the same sidecar) keep every window
/// to themselves, as partition owners do, and share only what is global — timeouts and bans,
/// flood campaigns, channels' counts — through the logs (`GlobalLogs`: take up, then publish),
/// on this timer's thread, every `interval`.
final class GlobalLogsTimer: Sendable {
    private let stopped = Atomic<Bool>(false)

    /// Runs `tick` every `interval` seconds until `stop()`.
    func start(every interval: Double, _ tick: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            while !stopped.load(ordering: .relaxed) {
                Thread.sleep(forTimeInterval: interval)
                tick()
            }
        }
        thread.name = "winnow.global-logs"
        thread.start()
    }

    func stop() { stopped.store(true, ordering: .relaxed) }
}
