import CPlatform

/// Cache prefetches for the sequential window step, which walks events whose memory other
/// threads wrote: started a few events ahead, the misses overlap instead of stalling one after
/// the other.
public enum Prefetch {
    /// Starts loading the storage of the array stored at `address` (its count and first
    /// elements), reading only the array's one stored word: no retain, which would itself
    /// touch the storage. On a platform where an array is not that one word the hint is merely
    /// useless, since a prefetch never faults.
    @inline(__always)
    public static func arrayStorage<Element>(at address: UnsafePointer<[Element]>) {
        guard MemoryLayout<[Element]>.size == MemoryLayout<UnsafeRawPointer>.size else { return }
        winnow_prefetch(UnsafeRawPointer(address).load(as: UnsafeRawPointer.self))
    }

    /// Starts loading the cache lines of the value at `address`.
    @inline(__always)
    public static func lines<T>(of address: UnsafePointer<T>) {
        let start = UnsafeRawPointer(address)
        var offset = 0
        while offset < MemoryLayout<T>.size {
            winnow_prefetch(start + offset)
            offset += 64
        }
        // The last byte may sit on one line more.
        winnow_prefetch(start + MemoryLayout<T>.size - 1)
    }
}
