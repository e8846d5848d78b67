import WinnowLimits

/// A copy the flood rule counted in a campaign (`WindowEvent.countedCopy`), as instances that
/// share campaigns tell each other (`WindowFeed`): its fingerprint (`Fingerprint.packed`),
/// whether it carried a spam signal, and the time it was judged at (whole milliseconds: that is
/// what the log keeps).
public struct CampaignCopy: Sendable, Equatable {
    public var fingerprint: UInt64
    public var spamSignal: Bool
    public var time: Micros

    public init(fingerprint: UInt64, spamSignal: Bool, time: Micros) {
        self.fingerprint = fingerprint
        self.spamSignal = spamSignal
        self.time = time - time % 1000
    }
}
