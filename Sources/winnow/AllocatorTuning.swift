#if canImport(Glibc)
    import CPlatform
#endif

/// glibc's allocator hands freed memory at the top of the heap back to the kernel as soon as
/// 128 KiB are free, and the next batch faults the same pages in again (measured: 104k page
/// faults and 10% of the CPU time of a 1M-event `winnow filter` run; 14k with this tuning).
/// The pipeline's peak is bounded by its batches, so keeping freed memory is cheap.
///
/// Setting the trim threshold also stops glibc from raising its mmap threshold as large blocks
/// are freed, so every block of 128 KiB or more — a batch's arrays in `consume` — would be
/// mapped and unmapped each time, its pages faulted in again (measured: 131k page faults and
/// 0.5 s of system time for 200,000 events of `consume`, against 15k for `filter`). Blocks up
/// to 32 MiB (glibc's own ceiling for that threshold) come from the heap instead.
enum AllocatorTuning {
    static func keepFreedMemory() {
        #if canImport(Glibc)
            _ = mallopt(M_TRIM_THRESHOLD, 256 << 20)
            _ = mallopt(M_MMAP_THRESHOLD, 32 << 20)
        #endif
    }
}
