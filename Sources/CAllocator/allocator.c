#include "CAllocator.h"

/* Any C library header defines __GLIBC__ under glibc. */
#include <stdlib.h>

#if defined(__GLIBC__)
#include <malloc.h>

int lt_allocator_keep_freed_memory(void) {
    /* One heap for all threads (small blocks still come from each thread's cache), so that
       malloc_trim can give all of it back: it does not shrink the heaps of other arenas. */
    int one = mallopt(M_ARENA_MAX, 1);
    int kept = mallopt(M_TRIM_THRESHOLD, 64 << 20);
    /* 32 MiB is the largest mmap threshold glibc accepts on 64-bit systems. */
    int heap = mallopt(M_MMAP_THRESHOLD, 32 << 20);
    return one && kept && heap;
}

void lt_allocator_release_freed_memory(void) { malloc_trim(0); }

#else

int lt_allocator_keep_freed_memory(void) { return 0; }
void lt_allocator_release_freed_memory(void) {}

#endif
