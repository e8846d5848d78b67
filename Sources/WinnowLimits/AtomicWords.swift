import CPlatform
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A fixed array of 64-bit atomics in anonymous memory. The pages are zero until touched, so a
/// table sized for a million authors costs memory only as authors arrive.
///
/// A value that refers to memory it does not own, like an `UnsafeMutablePointer`: whoever
/// allocates it calls `deallocate()` (the window state does, in its `deinit`). Being a plain
/// value, copying it or calling it retains nothing — a class here cost the workers and the
/// window step an atomic reference-count update per call, on a count both cores shared.
struct AtomicWords: @unchecked Sendable {
    private let base: UnsafeMutablePointer<Atomic<UInt64>>
    let count: Int

    init(count: Int) {
        precondition(count > 0)
        let bytes = count * MemoryLayout<UInt64>.stride
        let raw = Self.mapZeroed(bytes: bytes)
        #if os(Linux)
            // Random access over tens of megabytes: huge pages spare a TLB miss on most lookups.
            _ = madvise(raw, bytes, 14)  // MADV_HUGEPAGE
        #endif
        // An all-zero word is a valid `Atomic<UInt64>(0)`.
        base = raw.bindMemory(to: Atomic<UInt64>.self, capacity: count)
        self.count = count
    }

    /// Gives the memory back; no copy of this value may be used afterwards.
    func deallocate() { munmap(UnsafeMutableRawPointer(base), count * MemoryLayout<UInt64>.stride) }

    /// `count` zeroed values of `type` in anonymous memory (pages touched only when used),
    /// given back with `release`.
    static func zeroedMemory<T>(count: Int, of type: T.Type) -> UnsafeMutablePointer<T> {
        mapZeroed(bytes: count * MemoryLayout<T>.stride).bindMemory(to: T.self, capacity: count)
    }

    static func release<T>(_ memory: UnsafeMutablePointer<T>, count: Int) {
        munmap(UnsafeMutableRawPointer(memory), count * MemoryLayout<T>.stride)
    }

    /// Anonymous memory, zero until touched.
    private static func mapZeroed(bytes: Int) -> UnsafeMutableRawPointer {
        guard let raw = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), raw != MAP_FAILED
        else {
            fatalError("cannot map \(bytes) bytes for the window table")
        }
        return raw
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
