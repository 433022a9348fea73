/*===- MixedProducts.c - float64 by float32 products ----------------------===
 *
 * `_mlir_ciface_mljit_gemm_f64_f32(A, B, C, beta)` computes C = A @ B +
 * beta * C for float64 A and C and a float32 B, reading B's float32 as
 * stored. NumPy model code that computes in float64 (a `/ np.sqrt(d)` does
 * it) multiplies float32 weights by float64 activations; casting a weight
 * first writes and reads back twice its bytes, and a decode step's
 * products (one row, or a few) do nothing else but read their weight.
 * ml-fold-casts-into-products makes such products read the float32 weight,
 * ml-matmul-to-blas calls this function for them.
 *
 * B is read once, along its rows: contiguous reads, which the hardware
 * prefetches (B's rows in a model's weights are a multiple of 4 KiB apart,
 * so reading down its columns misses the cache at every row). One row of A
 * (a decode step): each thread reads a contiguous share of B's rows into
 * partial sums. More rows: each thread takes a range of C's columns and
 * packs chunks of B into cache-line strips for tiles of 4 rows. Exact
 * float32 -> float64 conversion and float64 multiply-adds: the products
 * NumPy sums, summed in another order.
 *
 *===----------------------------------------------------------------------===*/

#include "Parallel.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

/* The vector helpers below are static and inlined: no ABI to keep. */
#pragma GCC diagnostic ignored "-Wpsabi"

#define EXPORT __attribute__((visibility("default")))

/* Columns of C per unit of work split over the threads. Vectors of four
 * float64: GCC widens four float32 with one instruction (eight take four). */
enum { SPLIT = 64, LANES = 4 };
/* Rows of A summed together, rows of B per packed chunk, and columns of a
 * single row's sums kept at once (16 KiB, on the stack). */
enum { BLOCK_ROWS = 16, DEPTH = 128, ROW_PANEL = 2048 };
/* Below this many multiply-adds a product runs on one thread. */
#define PARALLEL_MIN_WORK (1 << 18)

typedef double f64x4 __attribute__((vector_size(LANES * sizeof(double))));
typedef float f32x4 __attribute__((vector_size(LANES * sizeof(float))));

typedef struct {
  double *allocated, *aligned;
  int64_t offset, sizes[2], strides[2];
} MatrixF64;
typedef struct {
  float *allocated, *aligned;
  int64_t offset, sizes[2], strides[2];
} MatrixF32;

static inline double at(const MatrixF64 *x, int64_t i, int64_t j) {
  return x->aligned[x->offset + i * x->strides[0] + j * x->strides[1]];
}

static inline double *address(MatrixF64 *x, int64_t i, int64_t j) {
  return x->aligned + x->offset + i * x->strides[0] + j * x->strides[1];
}

/* C[i, j] = sum + beta * C[i, j]; beta = 0 overwrites whatever C holds
 * (NaN included). */
static inline void put(MatrixF64 *c, int64_t i, int64_t j, double sum, double beta) {
  double *to = address(c, i, j);
  *to = sum + (beta == 0 ? 0 : beta * *to);
}

/* Any other layout of B. */
static void strided(const MatrixF64 *a, const MatrixF32 *b, MatrixF64 *c,
                    double beta, int64_t begin, int64_t end) {
  int64_t m = c->sizes[0], k = a->sizes[1];
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = begin; j < end; ++j) {
      double sum = 0;
      for (int64_t p = 0; p < k; ++p)
        sum += at(a, i, p) *
               (double)b->aligned[b->offset + p * b->strides[0] + j * b->strides[1]];
      put(c, i, j, sum, beta);
    }
}

/* The kernels twice: for any CPU, and for AVX2 with FMA (picked at run
 * time). */
#define KERNEL(name) name##_generic
#include "MixedProductKernels.inc"
#undef KERNEL

#if defined(__x86_64__)
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#define KERNEL(name) name##_avx2
#include "MixedProductKernels.inc"
#undef KERNEL
#pragma GCC pop_options
#endif

typedef void (*Kernel)(const MatrixF64 *, const MatrixF32 *, MatrixF64 *,
                       double, int64_t, int64_t);

typedef struct {
  const MatrixF64 *a;
  const MatrixF32 *b;
  MatrixF64 *c;
  double beta;
  Kernel kernel;
} Product;

/* Columns [begin, end) of C, in units of SPLIT. */
static void part(int64_t begin, int64_t end, void *context) {
  const Product *p = context;
  int64_t n = p->c->sizes[1];
  begin *= SPLIT;
  end = end * SPLIT < n ? end * SPLIT : n;
  p->kernel(p->a, p->b, p->c, p->beta, begin, end);
}

/* The kernel for B's layout, for this CPU. */
static Kernel kernel_for(const MatrixF32 *b) {
#if defined(__x86_64__)
  int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  int avx2 = 0;
#endif
  if (b->strides[1] == 1)
    return avx2 ? rows_of_b_avx2 : rows_of_b_generic;
  if (b->strides[0] == 1)
    return avx2 ? columns_of_b_avx2 : columns_of_b_generic;
  return strided;
}

/* Parts [begin, end) of K (one per thread): part i sums its share of K
 * into rows [i * m, (i + 1) * m) of the partial sums. */
static void depth_part(int64_t begin, int64_t end, void *context) {
  const Product *p = context;
  int64_t k = p->a->sizes[1], m = p->a->sizes[0], parts = p->c->sizes[0] / m;
  for (int64_t i = begin; i < end; ++i) {
    int64_t from = k * i / parts, to = k * (i + 1) / parts;
    MatrixF64 a = *p->a, sums = *p->c;
    MatrixF32 b = *p->b;
    a.offset += from * a.strides[1];
    a.sizes[1] = to - from;
    b.offset += from * b.strides[0];
    b.sizes[0] = to - from;
    sums.offset += i * m * sums.strides[0];
    sums.sizes[0] = m;
    p->kernel(&a, &b, &sums, 0, 0, sums.sizes[1]);
  }
}

/* C from a row-major B: each thread reads a contiguous share of B's rows
 * (one stream through memory, which the hardware prefetches best) into
 * partial sums, added up after. Returns 0 where there is one thread or no
 * memory for the sums. */
static int split_depth(MatrixF64 *a, MatrixF32 *b, MatrixF64 *c, double beta,
                       Kernel kernel) {
  int64_t m = c->sizes[0], n = c->sizes[1], parts = mljit_pool_threads();
  if (parts < 2 || mljit_in_parallel_region())
    return 0;
  double *partial = malloc(sizeof(double) * parts * m * n);
  if (!partial)
    return 0;
  MatrixF64 sums = {partial, partial, 0, {parts * m, n}, {n, 1}};
  Product product = {a, b, &sums, 0, kernel};
  mljit_parallel_for(parts, depth_part, &product);
  for (int64_t r = 0; r < m; ++r)
    for (int64_t j = 0; j < n; ++j) {
      double sum = 0;
      for (int64_t i = 0; i < parts; ++i)
        sum += partial[(i * m + r) * n + j];
      put(c, r, j, sum, beta);
    }
  free(partial);
  return 1;
}

EXPORT void _mlir_ciface_mljit_gemm_f64_f32(MatrixF64 *a, MatrixF32 *b,
                                            MatrixF64 *c, double beta) {
  int64_t m = c->sizes[0], n = c->sizes[1], k = a->sizes[1];
  if (m == 0 || n == 0)
    return;
  Kernel kernel = kernel_for(b);
  if (m * n * k < PARALLEL_MIN_WORK) {
    kernel(a, b, c, beta, 0, n);
    return;
  }
  if (m == 1 && b->strides[1] == 1 && split_depth(a, b, c, beta, kernel))
    return;
  Product product = {a, b, c, beta, kernel};
  mljit_parallel_for((n + SPLIT - 1) / SPLIT, part, &product);
}
