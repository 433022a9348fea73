/*===- Blas.c - matrix products for ml-matmul-to-blas ---------------------===
 *
 * `_mlir_ciface_mljit_gemm_<t>(A, B, C, beta)` computes C = A @ B + beta * C
 * on strided 2-D memrefs (and the batch_ variants on 3-D ones), <t> one of
 * f32, f64, c64 (complex64) and c128. They call the
 * CBLAS gemm of the OpenBLAS that NumPy loaded into the process (ILP64
 * interface), found by `mljit_use_loaded_blas`, or fall back to plain loops
 * when there is none.
 *
 * A product of one row (a decode step's `x @ w`) is a gemv: BLAS's gemm
 * kernels are several times slower there.
 *
 * Products are split over the runtime's thread pool (Parallel.h) by rows,
 * columns or batch entries, each piece one single-threaded BLAS call: two
 * pools on the same cores (OpenBLAS's threads spin for a long while after
 * each call) slow each other down several times over. OpenBLAS's own thread
 * count is set to one while a product runs and restored afterwards.
 *
 *===----------------------------------------------------------------------===*/

#define _GNU_SOURCE
#include "Parallel.h"

#include <complex.h>
#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

enum { RowMajor = 101, NoTrans = 111, Trans = 112 };

/* Below this many multiply-adds a product runs on one thread. */
#define PARALLEL_MIN_WORK (1 << 18)

typedef void (*SgemmFn)(int, int, int, int64_t, int64_t, int64_t, float,
                        const float *, int64_t, const float *, int64_t, float,
                        float *, int64_t);
typedef void (*DgemmFn)(int, int, int, int64_t, int64_t, int64_t, double,
                        const double *, int64_t, const double *, int64_t,
                        double, double *, int64_t);
typedef void (*SgemvFn)(int, int, int64_t, int64_t, float, const float *, int64_t,
                        const float *, int64_t, float, float *, int64_t);
typedef void (*DgemvFn)(int, int, int64_t, int64_t, double, const double *,
                        int64_t, const double *, int64_t, double, double *,
                        int64_t);
/* cgemm/zgemm and cgemv/zgemv take alpha and beta by address. */
typedef void (*ComplexGemmFn)(int, int, int, int64_t, int64_t, int64_t, const void *,
                              const void *, int64_t, const void *, int64_t, const void *,
                              void *, int64_t);
typedef void (*ComplexGemvFn)(int, int, int64_t, int64_t, const void *, const void *,
                              int64_t, const void *, int64_t, const void *, void *, int64_t);
typedef int (*GetThreadsFn)(void);
typedef void (*SetThreadsFn)(int);

static SgemmFn sgemm;
static DgemmFn dgemm;
static SgemvFn sgemv;
static DgemvFn dgemv;
static ComplexGemmFn cgemm_blas, zgemm_blas;
static ComplexGemvFn cgemv_blas, zgemv_blas;
static GetThreadsFn get_blas_threads;
static SetThreadsFn set_blas_threads;

/* The complex gemms and gemvs with alpha and beta by value, as the real
 * ones take them (DEFINE_GEMM calls either alike); null without a BLAS. */
#define DEFINE_COMPLEX_BLAS(T, NAME)                                           \
  static void NAME##gemm_by_value(int order, int ta, int tb, int64_t m,       \
                                  int64_t n, int64_t k, T alpha, const T *a,  \
                                  int64_t lda, const T *b, int64_t ldb,       \
                                  T beta, T *c, int64_t ldc) {                \
    NAME##gemm_blas(order, ta, tb, m, n, k, &alpha, a, lda, b, ldb, &beta, c, \
                    ldc);                                                      \
  }                                                                            \
  static void NAME##gemv_by_value(int order, int t, int64_t m, int64_t n,     \
                                  T alpha, const T *a, int64_t lda,           \
                                  const T *x, int64_t incx, T beta, T *y,     \
                                  int64_t incy) {                              \
    NAME##gemv_blas(order, t, m, n, &alpha, a, lda, x, incx, &beta, y, incy); \
  }                                                                            \
  static void (*NAME##gemm)(int, int, int, int64_t, int64_t, int64_t, T,      \
                            const T *, int64_t, const T *, int64_t, T, T *,   \
                            int64_t);                                          \
  static void (*NAME##gemv)(int, int, int64_t, int64_t, T, const T *,         \
                            int64_t, const T *, int64_t, T, T *, int64_t);

DEFINE_COMPLEX_BLAS(float complex, c)
DEFINE_COMPLEX_BLAS(double complex, z)

static void install_complex_blas(void *library, const char *prefix);

/* Installs the CBLAS (ILP64) gemm functions and the library's thread-count
 * getter and setter (either may be null); null gemms restore the fallback. */
EXPORT void mljit_set_blas(void *single, void *double_, void *get_threads,
                           void *set_threads) {
  sgemm = (SgemmFn)single;
  dgemm = (DgemmFn)double_;
  sgemv = 0;
  dgemv = 0;
  cgemm = 0;
  zgemm = 0;
  cgemv = 0;
  zgemv = 0;
  get_blas_threads = (GetThreadsFn)get_threads;
  set_blas_threads = (SetThreadsFn)set_threads;
}

EXPORT int mljit_has_blas(void) { return sgemm != 0 && dgemm != 0; }

static void *symbol(void *library, const char *prefix, const char *name) {
  char full[64];
  snprintf(full, sizeof full, "%s%s", prefix, name);
  return dlsym(library, full);
}

/* dl_iterate_phdr callback: installs the first loaded OpenBLAS that has the
 * ILP64 CBLAS gemms, under NumPy's `scipy_` prefix or none. */
static int install_if_openblas(struct dl_phdr_info *object, size_t size, void *found) {
  (void)size;
  if (!strstr(object->dlpi_name, "openblas"))
    return 0;
  void *library = dlopen(object->dlpi_name, RTLD_NOW | RTLD_NOLOAD);
  if (!library)
    return 0;
  static const char *const prefixes[] = {"scipy_", ""};
  for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; ++i) {
    const char *prefix = prefixes[i];
    void *single = symbol(library, prefix, "cblas_sgemm64_");
    void *double_ = symbol(library, prefix, "cblas_dgemm64_");
    if (single && double_) {
      mljit_set_blas(single, double_, symbol(library, prefix, "openblas_get_num_threads64_"),
                     symbol(library, prefix, "openblas_set_num_threads64_"));
      sgemv = (SgemvFn)symbol(library, prefix, "cblas_sgemv64_");
      dgemv = (DgemvFn)symbol(library, prefix, "cblas_dgemv64_");
      install_complex_blas(library, prefix);
      *(int *)found = 1;
      return 1; /* the library stays open: its functions are in use */
    }
  }
  dlclose(library);
  return 0;
}

/* The complex gemms and gemvs of `library`, where it has all four. */
static void install_complex_blas(void *library, const char *prefix) {
  cgemm_blas = (ComplexGemmFn)symbol(library, prefix, "cblas_cgemm64_");
  zgemm_blas = (ComplexGemmFn)symbol(library, prefix, "cblas_zgemm64_");
  cgemv_blas = (ComplexGemvFn)symbol(library, prefix, "cblas_cgemv64_");
  zgemv_blas = (ComplexGemvFn)symbol(library, prefix, "cblas_zgemv64_");
  if (cgemm_blas && zgemm_blas && cgemv_blas && zgemv_blas) {
    cgemm = cgemm_by_value;
    zgemm = zgemm_by_value;
    cgemv = cgemv_by_value;
    zgemv = zgemv_by_value;
  }
}

/* Installs the OpenBLAS that NumPy's own modules loaded (importing NumPy
 * loads it); returns whether there was one. */
EXPORT int mljit_use_loaded_blas(void) {
  int found = 0;
  dl_iterate_phdr(install_if_openblas, &found);
  return found;
}

/* The BLAS's thread count is one while any product runs (products may run
 * from several Python threads at once); the last to finish restores it. */
static pthread_mutex_t blas_threads_lock = PTHREAD_MUTEX_INITIALIZER;
static int products_running, saved_blas_threads;

static void begin_product(void) {
  if (!get_blas_threads || !set_blas_threads)
    return;
  pthread_mutex_lock(&blas_threads_lock);
  if (products_running++ == 0) {
    saved_blas_threads = get_blas_threads();
    if (saved_blas_threads != 1)
      set_blas_threads(1);
  }
  pthread_mutex_unlock(&blas_threads_lock);
}

static void end_product(void) {
  if (!get_blas_threads || !set_blas_threads)
    return;
  pthread_mutex_lock(&blas_threads_lock);
  if (--products_running == 0 && saved_blas_threads != 1)
    set_blas_threads(saved_blas_threads);
  pthread_mutex_unlock(&blas_threads_lock);
}

#define DEFINE_GEMM(T, R, SUFFIX, BLAS, GEMV)                                     \
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
                             R beta) {                                         \
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
  /* C = A @ B + beta * C on the calling thread. */                            \
  static void product_##SUFFIX(const Matrix_##SUFFIX *a,                       \
                               const Matrix_##SUFFIX *b, Matrix_##SUFFIX *c,   \
                               R beta) {                                       \
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
    if (m == 1 && GEMV && a->strides[1] > 0 && c->strides[1] > 0) {            \
      /* c = x @ B: B read as stored, row-major K x N (transposed: N x K). */  \
      T *y = c->aligned + c->offset;                                           \
      if (beta == 0) /* C may be garbage, NaN included */                     \
        for (int64_t j = 0; j < n; ++j)                                        \
          y[j * c->strides[1]] = 0;                                            \
      GEMV(RowMajor, transposeB == NoTrans ? Trans : NoTrans,                  \
           transposeB == NoTrans ? k : n, transposeB == NoTrans ? n : k, 1,    \
           b->aligned + b->offset, leadB, a->aligned + a->offset,              \
           a->strides[1], beta, y, c->strides[1]);                             \
      return;                                                                  \
    }                                                                          \
    BLAS(RowMajor, transposeA, transposeB, m, n, k, 1, a->aligned + a->offset, \
         leadA, b->aligned + b->offset, leadB, beta, c->aligned + c->offset,   \
         leadC);                                                               \
  }                                                                            \
                                                                               \
  /* A product split along rows (of A and C) or columns (of B and C). */       \
  typedef struct {                                                             \
    const Matrix_##SUFFIX *a, *b;                                              \
    Matrix_##SUFFIX *c;                                                        \
    R beta;                                                                    \
    int by_rows;                                                               \
  } Split_##SUFFIX;                                                            \
                                                                               \
  static void split_part_##SUFFIX(int64_t begin, int64_t end, void *context) { \
    const Split_##SUFFIX *s = context;                                         \
    Matrix_##SUFFIX a = *s->a, b = *s->b, c = *s->c;                           \
    if (s->by_rows) {                                                          \
      a.offset += begin * a.strides[0];                                        \
      a.sizes[0] = end - begin;                                                \
      c.offset += begin * c.strides[0];                                        \
      c.sizes[0] = end - begin;                                                \
    } else {                                                                   \
      b.offset += begin * b.strides[1];                                        \
      b.sizes[1] = end - begin;                                                \
      c.offset += begin * c.strides[1];                                        \
      c.sizes[1] = end - begin;                                                \
    }                                                                          \
    product_##SUFFIX(&a, &b, &c, s->beta);                                     \
  }                                                                            \
                                                                               \
  static void parallel_product_##SUFFIX(const Matrix_##SUFFIX *a,              \
                                        const Matrix_##SUFFIX *b,              \
                                        Matrix_##SUFFIX *c, R beta) {          \
    int64_t m = c->sizes[0], n = c->sizes[1], k = a->sizes[1];                 \
    if (m * n * k < PARALLEL_MIN_WORK) {                                       \
      product_##SUFFIX(a, b, c, beta);                                         \
      return;                                                                  \
    }                                                                          \
    Split_##SUFFIX split = {a, b, c, beta, m >= n};                            \
    mljit_parallel_for(m >= n ? m : n, split_part_##SUFFIX, &split);           \
  }                                                                            \
                                                                               \
  EXPORT void _mlir_ciface_mljit_gemm_##SUFFIX(                                \
      Matrix_##SUFFIX *a, Matrix_##SUFFIX *b, Matrix_##SUFFIX *c, R beta) {    \
    begin_product();                                                           \
    parallel_product_##SUFFIX(a, b, c, beta);                                  \
    end_product();                                                             \
  }                                                                            \
                                                                               \
  static Matrix_##SUFFIX batch_entry_##SUFFIX(const Batch_##SUFFIX *x,         \
                                              int64_t i) {                     \
    Matrix_##SUFFIX entry = {x->allocated, x->aligned,                         \
                             x->offset + i * x->strides[0],                    \
                             {x->sizes[1], x->sizes[2]},                       \
                             {x->strides[1], x->strides[2]}};                  \
    return entry;                                                              \
  }                                                                            \
                                                                               \
  typedef struct {                                                             \
    const Batch_##SUFFIX *a, *b;                                               \
    Batch_##SUFFIX *c;                                                         \
    R beta;                                                                    \
  } Batches_##SUFFIX;                                                          \
                                                                               \
  static void batch_part_##SUFFIX(int64_t begin, int64_t end, void *context) { \
    const Batches_##SUFFIX *s = context;                                       \
    for (int64_t i = begin; i < end; ++i) {                                    \
      Matrix_##SUFFIX a = batch_entry_##SUFFIX(s->a, i),                       \
                      b = batch_entry_##SUFFIX(s->b, i),                       \
                      c = batch_entry_##SUFFIX(s->c, i);                       \
      product_##SUFFIX(&a, &b, &c, s->beta);                                   \
    }                                                                          \
  }                                                                            \
                                                                               \
  EXPORT void _mlir_ciface_mljit_batch_gemm_##SUFFIX(                          \
      Batch_##SUFFIX *a, Batch_##SUFFIX *b, Batch_##SUFFIX *c, R beta) {       \
    int64_t batch = c->sizes[0];                                               \
    begin_product();                                                           \
    if (batch >= mljit_pool_threads()) {                                       \
      Batches_##SUFFIX batches = {a, b, c, beta};                              \
      mljit_parallel_for(batch, batch_part_##SUFFIX, &batches);                \
    } else {                                                                   \
      for (int64_t i = 0; i < batch; ++i) {                                    \
        Matrix_##SUFFIX pa = batch_entry_##SUFFIX(a, i),                       \
                        pb = batch_entry_##SUFFIX(b, i),                       \
                        pc = batch_entry_##SUFFIX(c, i);                       \
        parallel_product_##SUFFIX(&pa, &pb, &pc, beta);                        \
      }                                                                        \
    }                                                                          \
    end_product();                                                             \
  }

DEFINE_GEMM(float, float, f32, sgemm, sgemv)
DEFINE_GEMM(double, double, f64, dgemm, dgemv)
/* complex64 and complex128; beta (0 or 1) is real: a complex<f32> argument
 * would not pass as C's float complex does. */
DEFINE_GEMM(float complex, float, c64, cgemm, cgemv)
DEFINE_GEMM(double complex, double, c128, zgemm, zgemv)
