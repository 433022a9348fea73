/*===- Allocator.h - the runtime's caching allocator -----------------------===*/

#ifndef MLJIT_RUNTIME_ALLOCATOR_H
#define MLJIT_RUNTIME_ALLOCATOR_H

#include <stddef.h>

/* `size` bytes aligned to `alignment` (a power of two); null when out of
 * memory. Freed blocks of 64 KiB and more are kept for reuse. */
void *mljit_alloc(size_t size, size_t alignment);
void mljit_free(void *pointer);

/* Bytes held for reuse. */
size_t mljit_cached_bytes(void);

#endif
