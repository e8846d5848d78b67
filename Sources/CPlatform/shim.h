// What Swift's Glibc module does not export: glibc's allocator tuning (mallopt) and the
// compiler's cache prefetch.
#if defined(__linux__)
#include <malloc.h>
#endif

/// Starts loading the cache line of `address` (for reading); never faults.
static inline void winnow_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}
