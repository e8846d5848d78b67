#if canImport(Glibc)
    import CPlatform
#endif

/// glibc's allocator hands freed memory at the top of the heap back to the kernel as soon as
/// 128 KiB are free, and the next batch faults the same pages in again (measured: 104k page
/// faults and 10% of the CPU time of a 1M-event `winnow filter` run; 14k with this tuning).
/// The pipeline's peak is bounded by its batches, so keeping freed memory is cheap.
enum AllocatorTuning {
    static func keepFreedMemory() {
        #if canImport(Glibc)
            _ = mallopt(M_TRIM_THRESHOLD, 256 << 20)
        #endif
    }
}
