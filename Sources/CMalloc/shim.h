// glibc's allocator tuning (mallopt), which Glibc's Swift module does not export.
#if defined(__linux__)
#include <malloc.h>
#endif
