#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Anonymous memory, zero until touched (a table sized for a million authors costs memory only
/// as authors arrive), owned by this value and unmapped exactly once, when it goes.
///
/// Non-copyable so that a double free cannot be written: the window tables and indexes are
/// plain copyable views over it (`AtomicWords`, `WindowTable`, …) that retain nothing — a class
/// there cost the workers an atomic reference-count update per call on a count both cores
/// shared — and whoever keeps the owner (`BehaviorState`) keeps the memory alive for them.
public struct MappedMemory: ~Copyable, @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let bytes: Int

    /// `hugePages`: advise the kernel to back it with huge pages (random access over tens of
    /// megabytes: they spare a TLB miss on most lookups).
    init(bytes: Int, hugePages: Bool = false) {
        precondition(bytes > 0)
        guard let raw = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), raw != MAP_FAILED
        else {
            fatalError("cannot map \(bytes) bytes for the window state")
        }
        #if os(Linux)
            if hugePages { _ = madvise(raw, bytes, 14) }  // MADV_HUGEPAGE
        #endif
        base = raw
        self.bytes = bytes
    }

    /// Memory for `count` atomic words (`AtomicWords(in:)`).
    init(words count: Int) {
        self.init(bytes: count * MemoryLayout<UInt64>.stride, hugePages: true)
    }

    deinit { munmap(base, bytes) }

    /// The memory as `count` zeroed values of `type`; valid while this owner lives.
    func bound<T: ~Copyable>(to type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        precondition(count * MemoryLayout<T>.stride <= bytes)
        return base.bindMemory(to: T.self, capacity: count)
    }
}
