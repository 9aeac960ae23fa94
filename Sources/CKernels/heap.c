// glibc's allocator options (HeapTuning.swift): mallopt is declared in
// <malloc.h>, outside Swift's Glibc module.
#include "ckernels.h"

#include <stdlib.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

int s2s_keep_freed_buffers(void) {
#if defined(__GLIBC__)
    if (getenv("MALLOC_MMAP_THRESHOLD_") || getenv("MALLOC_TRIM_THRESHOLD_")) return 0;  // the user's choice
    return mallopt(M_MMAP_THRESHOLD, 32 << 20) && mallopt(M_TRIM_THRESHOLD, 1 << 30);
#else
    return 0;
#endif
}
