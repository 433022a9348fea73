/*===- Parallel.h - the runtime's own parallel loop ------------------------===
 *
 * Runtime functions (BLAS calls) split work over the same thread pool the
 * compiled kernels' OpenMP loops run on, so only one pool is ever busy.
 *
 *===----------------------------------------------------------------------===*/

#ifndef MLJIT_RUNTIME_PARALLEL_H
#define MLJIT_RUNTIME_PARALLEL_H

#include <stdint.h>

typedef void (*RangeBody)(int64_t begin, int64_t end, void *context);

/* Runs body over [0, count) cut into one contiguous block per pool thread
 * (on the calling thread alone inside a parallel region or a busy pool). */
void mljit_parallel_for(int64_t count, RangeBody body, void *context);

/* Threads a parallel loop started now would get. */
int mljit_pool_threads(void);

/* Whether the calling thread is running a parallel loop's body. */
int mljit_in_parallel_region(void);

#endif
