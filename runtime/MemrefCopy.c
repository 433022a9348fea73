/*===- MemrefCopy.c - the runtime function lowered kernels may call --------===
 *
 * finalize-memref-to-llvm turns a memref.copy between non-contiguous buffers
 * into a call to `memrefCopy`. Upstream defines it in
 * libmlir_c_runner_utils.so, which links all of libMLIR.so; this is the same
 * function with no dependency, so compiled kernels need only libc.
 *
 *===----------------------------------------------------------------------===*/

#include <stdint.h>
#include <string.h>

typedef struct {
  int64_t rank;
  void *descriptor;
} UnrankedMemRef;

/* A ranked descriptor: sizes[rank] then strides[rank] follow the offset. */
typedef struct {
  char *allocated;
  char *aligned;
  int64_t offset;
  int64_t sizesAndStrides[];
} StridedMemRef;

__attribute__((visibility("default"))) void
memrefCopy(int64_t elemSize, UnrankedMemRef *src, UnrankedMemRef *dst) {
  int64_t rank = src->rank;
  const StridedMemRef *from = src->descriptor;
  const StridedMemRef *to = dst->descriptor;
  const int64_t *sizes = from->sizesAndStrides;
  const int64_t *fromStrides = from->sizesAndStrides + rank;
  const int64_t *toStrides = to->sizesAndStrides + rank;
  const char *in = from->aligned + from->offset * elemSize;
  char *out = to->aligned + to->offset * elemSize;

  for (int64_t d = 0; d < rank; ++d)
    if (sizes[d] == 0)
      return;
  if (rank == 0) {
    memcpy(out, in, elemSize);
    return;
  }
  int64_t index[rank];
  memset(index, 0, sizeof(index));
  int64_t inPos = 0, outPos = 0;
  for (;;) {
    memcpy(out + outPos * elemSize, in + inPos * elemSize, elemSize);
    /* Odometer step: bump the innermost index, carrying outwards. */
    int64_t d = rank - 1;
    for (; d >= 0; --d) {
      ++index[d];
      inPos += fromStrides[d];
      outPos += toStrides[d];
      if (index[d] < sizes[d])
        break;
      inPos -= fromStrides[d] * sizes[d];
      outPos -= toStrides[d] * sizes[d];
      index[d] = 0;
    }
    if (d < 0)
      return;
  }
}
