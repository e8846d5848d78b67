import CPlatform
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A fixed array of 64-bit atomics over memory a `MappedMemory` owns: a view, copied freely
/// and retaining nothing, valid while its owner lives.
struct AtomicWords: @unchecked Sendable {
    private let base: UnsafeMutablePointer<Atomic<UInt64>>
    let count: Int

    /// The words of `memory` (an all-zero word is a valid `Atomic<UInt64>(0)`).
    init(in memory: borrowing MappedMemory) {
        count = memory.bytes / MemoryLayout<UInt64>.stride
        base = memory.bound(to: Atomic<UInt64>.self, count: count)
    }

    @inline(__always)
    func load(_ index: Int) -> UInt64 { base[index].load(ordering: .acquiring) }

    /// Adds one to word `index` (a counter); returns the value before.
    @inline(__always)
    @discardableResult
    func increment(_ index: Int) -> UInt64 { base[index].wrappingAdd(1, ordering: .relaxed).oldValue }

    /// Starts loading the cache line of word `index`.
    @inline(__always)
    func prefetch(_ index: Int) { winnow_prefetch(UnsafeRawPointer(base + index)) }

    @inline(__always)
    func store(_ index: Int, _ value: UInt64) { base[index].store(value, ordering: .releasing) }

    /// Replaces `expected` with `desired`; returns the value found.
    @inline(__always)
    func compareExchange(_ index: Int, expected: UInt64, desired: UInt64) -> (exchanged: Bool, original: UInt64) {
        base[index].compareExchange(expected: expected, desired: desired, ordering: .acquiringAndReleasing)
    }

    /// Applies `transform` to the word until no other thread got in between (a CAS loop);
    /// returns the old and the new value. `transform` returning `nil` leaves the word as it is.
    @inline(__always)
    func update(_ index: Int, _ transform: (UInt64) -> UInt64?) -> (old: UInt64, new: UInt64) {
        var current = load(index)
        while true {
            guard let next = transform(current) else { return (current, current) }
            let result = compareExchange(index, expected: current, desired: next)
            if result.exchanged { return (current, next) }
            current = result.original
        }
    }
}
