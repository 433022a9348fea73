/*===- Blas.c - matrix products for ml-matmul-to-blas ---------------------===
 *
 * `_mlir_ciface_mljit_gemm_<t>(A, B, C, beta)` computes C = A @ B + beta * C
 * on strided 2-D memrefs (and the batch_ variants on 3-D ones). They call the CBLAS
 * gemm given to `mljit_set_blas` (Python passes NumPy's own OpenBLAS, ILP64
 * interface), or fall back to plain loops when none was given.
 *
 *===----------------------------------------------------------------------===*/

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

enum { RowMajor = 101, NoTrans = 111, Trans = 112 };

typedef void (*SgemmFn)(int, int, int, int64_t, int64_t, int64_t, float,
                        const float *, int64_t, const float *, int64_t, float,
                        float *, int64_t);
typedef void (*DgemmFn)(int, int, int, int64_t, int64_t, int64_t, double,
                        const double *, int64_t, const double *, int64_t,
                        double, double *, int64_t);

static SgemmFn sgemm;
static DgemmFn dgemm;

/* Installs the CBLAS (ILP64) gemm functions; null restores the fallback. */
EXPORT void mljit_set_blas(void *single, void *double_) {
  sgemm = (SgemmFn)single;
  dgemm = (DgemmFn)double_;
}

EXPORT int mljit_has_blas(void) { return sgemm != 0 && dgemm != 0; }

#define DEFINE_GEMM(T, SUFFIX, BLAS)                                           \
  typedef struct {                                                             \
    T *allocated, *aligned;                                                    \
    int64_t offset, sizes[2], strides[2];                                      \
  } Matrix_##SUFFIX;                                                           \
  typedef struct {                                                             \
    T *allocated, *aligned;                                                    \
    int64_t offset, sizes[3], strides[3];                                      \
  } Batch_##SUFFIX;                                                            \
                                                                               \
  /* How BLAS can read X in place: row-major, or row-major transposed. */     \
  static int layout_##SUFFIX(const Matrix_##SUFFIX *x, int *transpose,         \
                             int64_t *lead) {                                  \
    int64_t rows = x->sizes[0], columns = x->sizes[1];                         \
    if (x->strides[1] == 1 && x->strides[0] >= (columns > 1 ? columns : 1)) { \
      *transpose = NoTrans;                                                    \
      *lead = x->strides[0];                                                   \
      return 1;                                                                \
    }                                                                          \
    if (x->strides[0] == 1 && x->strides[1] >= (rows > 1 ? rows : 1)) {        \
      *transpose = Trans;                                                      \
      *lead = x->strides[1];                                                   \
      return 1;                                                                \
    }                                                                          \
    return 0;                                                                  \
  }                                                                            \
                                                                               \
  static void loops_##SUFFIX(const Matrix_##SUFFIX *a,                         \
                             const Matrix_##SUFFIX *b, Matrix_##SUFFIX *c,     \
                             T beta) {                                         \
    int64_t m = c->sizes[0], n = c->sizes[1], k = a->sizes[1];                 \
    const T *pa = a->aligned + a->offset, *pb = b->aligned + b->offset;        \
    T *pc = c->aligned + c->offset;                                            \
    for (int64_t i = 0; i < m; ++i)                                            \
      for (int64_t j = 0; j < n; ++j)                                          \
        pc[i * c->strides[0] + j * c->strides[1]] = /* C may be garbage */    \
            beta == 0 ? 0 : beta * pc[i * c->strides[0] + j * c->strides[1]];  \
    for (int64_t i = 0; i < m; ++i)                                            \
      for (int64_t p = 0; p < k; ++p) {                                        \
        T scale = pa[i * a->strides[0] + p * a->strides[1]];                   \
        for (int64_t j = 0; j < n; ++j)                                        \
          pc[i * c->strides[0] + j * c->strides[1]] +=                         \
              scale * pb[p * b->strides[0] + j * b->strides[1]];               \
      }                                                                        \
  }                                                                            \
                                                                               \
  EXPORT void _mlir_ciface_mljit_gemm_##SUFFIX(                                \
      Matrix_##SUFFIX *a, Matrix_##SUFFIX *b, Matrix_##SUFFIX *c, T beta) {    \
    int64_t m = c->sizes[0], n = c->sizes[1], k = a->sizes[1];                 \
    if (m == 0 || n == 0)                                                      \
      return;                                                                  \
    int transposeA, transposeB, transposeC;                                    \
    int64_t leadA, leadB, leadC;                                               \
    if (!BLAS || !layout_##SUFFIX(a, &transposeA, &leadA) ||                   \
        !layout_##SUFFIX(b, &transposeB, &leadB) ||                            \
        !layout_##SUFFIX(c, &transposeC, &leadC) || transposeC != NoTrans ||   \
        k == 0) {                                                              \
      loops_##SUFFIX(a, b, c, beta);                                           \
      return;                                                                  \
    }                                                                          \
    BLAS(RowMajor, transposeA, transposeB, m, n, k, 1, a->aligned + a->offset, \
         leadA, b->aligned + b->offset, leadB, beta, c->aligned + c->offset,   \
         leadC);                                                               \
  }                                                                            \
                                                                               \
  EXPORT void _mlir_ciface_mljit_batch_gemm_##SUFFIX(                          \
      Batch_##SUFFIX *a, Batch_##SUFFIX *b, Batch_##SUFFIX *c, T beta) {       \
    for (int64_t i = 0; i < c->sizes[0]; ++i) {                                \
      Matrix_##SUFFIX pa = {a->allocated, a->aligned,                          \
                            a->offset + i * a->strides[0],                     \
                            {a->sizes[1], a->sizes[2]},                        \
                            {a->strides[1], a->strides[2]}};                   \
      Matrix_##SUFFIX pb = {b->allocated, b->aligned,                          \
                            b->offset + i * b->strides[0],                     \
                            {b->sizes[1], b->sizes[2]},                        \
                            {b->strides[1], b->strides[2]}};                   \
      Matrix_##SUFFIX pc = {c->allocated, c->aligned,                          \
                            c->offset + i * c->strides[0],                     \
                            {c->sizes[1], c->sizes[2]},                        \
                            {c->strides[1], c->strides[2]}};                   \
      _mlir_ciface_mljit_gemm_##SUFFIX(&pa, &pb, &pc, beta);                   \
    }                                                                          \
  }

DEFINE_GEMM(float, f32, sgemm)
DEFINE_GEMM(double, f64, dgemm)
