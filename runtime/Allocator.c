/*===- Allocator.c - a caching allocator for kernels and their results -----===
 *
 * A buffer of megabytes freed to glibc goes back to the kernel (munmap, or a
 * heap trim), and the next one is faulted in and zeroed page by page: on a
 * memory-bound kernel that costs more than the kernel itself. Large blocks
 * freed here are kept, at most CACHE_ENTRIES of them and MLJIT_CACHE_BYTES
 * bytes in all (default 1 GiB), and handed out again to requests of about
 * their size; the least recently freed are returned to the system first.
 *
 * Compiled kernels allocate through the generic entry points of
 * finalize-memref-to-llvm{use-generic-functions}; the Python call path
 * allocates results here too.
 *
 *===----------------------------------------------------------------------===*/

#include "Allocator.h"
#include "Guard.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#define EXPORT __attribute__((visibility("default")))
#define MIN_CACHED (64 << 10)
#define CACHE_ENTRIES 64
#define DEFAULT_CACHE_BYTES ((size_t)1 << 30)

/* Stored right before every pointer handed out. */
typedef struct {
  void *base;      /* what malloc returned */
  size_t capacity; /* usable bytes from the handed-out pointer */
} Header;

static struct {
  void *pointer;
  size_t capacity;
} cache[CACHE_ENTRIES]; /* oldest first */
static int cached;
static size_t cached_bytes;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t configured = PTHREAD_ONCE_INIT;
static size_t cache_limit = DEFAULT_CACHE_BYTES;

static void configure(void) {
  const char *limit = getenv("MLJIT_CACHE_BYTES");
  if (limit && *limit)
    cache_limit = strtoull(limit, 0, 10);
}

static Header *header_of(void *pointer) { return (Header *)pointer - 1; }

/* Capacity classes: page multiples, so near sizes share blocks. */
static size_t capacity_for(size_t size) {
  return size < MIN_CACHED ? size : (size + 4095) & ~(size_t)4095;
}

static void *fresh(size_t capacity, size_t alignment) {
  if (alignment < sizeof(Header))
    alignment = sizeof(Header);
  if (capacity > SIZE_MAX - alignment - sizeof(Header))
    return 0;
  char *base = malloc(capacity + alignment + sizeof(Header));
  if (!base)
    return 0;
  uintptr_t start = (uintptr_t)(base + sizeof(Header));
  char *pointer = (char *)((start + alignment - 1) & ~(uintptr_t)(alignment - 1));
  header_of(pointer)->base = base;
  header_of(pointer)->capacity = capacity;
  return pointer;
}

/* Best fit among cached blocks wasting at most an eighth of the block. */
static void *reuse(size_t capacity, size_t alignment) {
  int best = -1;
  for (int i = 0; i < cached; ++i) {
    size_t have = cache[i].capacity;
    if (have >= capacity && have - capacity <= have / 8 &&
        ((uintptr_t)cache[i].pointer & (alignment - 1)) == 0 &&
        (best < 0 || have < cache[best].capacity))
      best = i;
  }
  if (best < 0)
    return 0;
  void *pointer = cache[best].pointer;
  cached_bytes -= cache[best].capacity;
  for (int i = best + 1; i < cached; ++i)
    cache[i - 1] = cache[i];
  --cached;
  return pointer;
}

EXPORT void *mljit_alloc(size_t size, size_t alignment) {
  if (alignment == 0 || (alignment & (alignment - 1)))
    return 0;
  size_t capacity = capacity_for(size ? size : 1);
  if (capacity >= MIN_CACHED) {
    pthread_once(&configured, configure);
    pthread_mutex_lock(&lock);
    void *pointer = reuse(capacity, alignment);
    pthread_mutex_unlock(&lock);
    if (pointer)
      return pointer;
  }
  return fresh(capacity, alignment);
}

EXPORT void mljit_free(void *pointer) {
  if (!pointer)
    return;
  Header header = *header_of(pointer);
  if (header.capacity < MIN_CACHED || header.capacity > cache_limit) {
    free(header.base);
    return;
  }
  void *evicted[CACHE_ENTRIES + 1];
  int evictions = 0;
  pthread_mutex_lock(&lock);
  while (cached > 0 && (cached == CACHE_ENTRIES ||
                        cached_bytes + header.capacity > cache_limit)) {
    evicted[evictions++] = header_of(cache[0].pointer)->base;
    cached_bytes -= cache[0].capacity;
    for (int i = 1; i < cached; ++i)
      cache[i - 1] = cache[i];
    --cached;
  }
  cache[cached].pointer = pointer;
  cache[cached].capacity = header.capacity;
  ++cached;
  cached_bytes += header.capacity;
  pthread_mutex_unlock(&lock);
  for (int i = 0; i < evictions; ++i)
    free(evicted[i]);
}

EXPORT size_t mljit_cached_bytes(void) {
  pthread_mutex_lock(&lock);
  size_t bytes = cached_bytes;
  pthread_mutex_unlock(&lock);
  return bytes;
}

/* The generic allocation functions of finalize-memref-to-llvm: compiled
 * code never sees a null pointer. */
EXPORT void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment,
                                                size_t size) {
  void *pointer = mljit_alloc(size, alignment);
  if (!pointer)
    mljit_out_of_memory(size);
  return pointer;
}

EXPORT void *_mlir_memref_to_llvm_alloc(size_t size) {
  return _mlir_memref_to_llvm_aligned_alloc(16, size);
}

EXPORT void _mlir_memref_to_llvm_free(void *pointer) { mljit_free(pointer); }
