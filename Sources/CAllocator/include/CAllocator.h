#ifndef LESIONTRACK_CALLOCATOR_H
#define LESIONTRACK_CALLOCATOR_H

/* Settings of the C allocator for a process that labels scan after scan, allocating and
   freeing the same working memory each time. glibc only; elsewhere they do nothing and
   return 0. */

/* Keeps freed memory for reuse instead of returning it to the system after every scan:
   memory given back and taken again must be faulted in and cleared by the kernel page by
   page, which costs more than labelling a lesion-sized volume. Blocks under 32 MiB come
   from the heap, and up to 64 MiB of free heap is kept. All threads share that heap, so
   lt_allocator_release_freed_memory can return all of it: call this first thing in `main`,
   before other threads allocate. Returns 1 when applied. */
int lt_allocator_keep_freed_memory(void);

/* Returns the free heap memory it can to the system (glibc's malloc_trim). */
void lt_allocator_release_freed_memory(void);

#endif
