/*===- Cuda.c - the CUDA runtime wrappers GPU host code calls --------------===
 *
 * gpu-to-llvm lowers host code to calls of mgpu* functions, which upstream
 * implements in libmlir_cuda_runtime.so. That library needs libLLVM.so and
 * links libcuda.so.1 directly, so loading it aborts on a machine without the
 * NVIDIA driver. These are the same functions over the driver API, which is
 * loaded with dlopen on first use: this library loads everywhere.
 *
 * Compiled code has no error channel, and a CUDA failure is no reason to end
 * the process. The first failure is kept as a message (later ones are mostly
 * its consequences) for Python to raise after the call (mljit_cuda_take_error).
 * Until then, calls that would put work on the device do nothing, so that one
 * failure, a null allocation say, cannot cascade into faults; frees, unloads
 * and waits still happen, so that nothing leaks or is freed while in use.
 *
 * Like upstream, every call runs in the default device's primary context,
 * pushed for the call's duration: compiled code may run on any thread.
 *
 *===----------------------------------------------------------------------===*/

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

/* The little of cuda.h used here; cuda.h itself is not needed to build. */
typedef int CUresult;
typedef int CUdevice;
typedef struct CUctx_st *CUcontext;
typedef struct CUmod_st *CUmodule;
typedef struct CUfunc_st *CUfunction;
typedef struct CUstream_st *CUstream;
typedef struct CUevent_st *CUevent;
typedef unsigned long long CUdeviceptr;

enum {
  CUDA_SUCCESS = 0,
  CU_JIT_ERROR_LOG_BUFFER = 5,
  CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6,
  CU_JIT_OPTIMIZATION_LEVEL = 7,
  CU_MEM_ATTACH_GLOBAL = 1,
  CU_STREAM_NON_BLOCKING = 1,
  CU_EVENT_DISABLE_TIMING = 2,
  CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75,
  CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76,
  CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8,
};

/* The driver's entry points, by the names cuda.h maps the API to (legacy
 * default stream, no _ptsz/_ptds variants). */
#define DRIVER_FUNCTIONS(X)                                                    \
  X(cuInit, (unsigned int flags))                                              \
  X(cuGetErrorName, (CUresult error, const char **name))                      \
  X(cuGetErrorString, (CUresult error, const char **text))                    \
  X(cuDeviceGetCount, (int *count))                                            \
  X(cuDeviceGet, (CUdevice * device, int ordinal))                             \
  X(cuDeviceGetAttribute, (int *value, int attribute, CUdevice device))        \
  X(cuDevicePrimaryCtxRetain, (CUcontext * context, CUdevice device))          \
  X(cuCtxPushCurrent_v2, (CUcontext context))                                  \
  X(cuCtxPopCurrent_v2, (CUcontext * context))                                 \
  X(cuCtxSynchronize, (void))                                                  \
  X(cuModuleLoadData, (CUmodule * module, const void *image))                  \
  X(cuModuleLoadDataEx, (CUmodule * module, const void *image,                 \
                         unsigned int count, int *options, void **values))     \
  X(cuModuleUnload, (CUmodule module))                                         \
  X(cuModuleGetFunction,                                                       \
    (CUfunction * function, CUmodule module, const char *name))                \
  X(cuFuncSetAttribute, (CUfunction function, int attribute, int value))       \
  X(cuLaunchKernel,                                                            \
    (CUfunction function, unsigned int gridX, unsigned int gridY,              \
     unsigned int gridZ, unsigned int blockX, unsigned int blockY,             \
     unsigned int blockZ, unsigned int smem, CUstream stream, void **params,   \
     void **extra))                                                            \
  X(cuStreamCreate, (CUstream * stream, unsigned int flags))                   \
  X(cuStreamDestroy_v2, (CUstream stream))                                     \
  X(cuStreamSynchronize, (CUstream stream))                                    \
  X(cuStreamWaitEvent, (CUstream stream, CUevent event, unsigned int flags))   \
  X(cuEventCreate, (CUevent * event, unsigned int flags))                      \
  X(cuEventDestroy_v2, (CUevent event))                                        \
  X(cuEventSynchronize, (CUevent event))                                       \
  X(cuEventRecord, (CUevent event, CUstream stream))                           \
  X(cuMemAlloc_v2, (CUdeviceptr * pointer, size_t bytes))                      \
  X(cuMemAllocManaged,                                                         \
    (CUdeviceptr * pointer, size_t bytes, unsigned int flags))                 \
  X(cuMemFree_v2, (CUdeviceptr pointer))                                       \
  X(cuMemcpy, (CUdeviceptr dst, CUdeviceptr src, size_t bytes))                \
  X(cuMemcpyAsync,                                                             \
    (CUdeviceptr dst, CUdeviceptr src, size_t bytes, CUstream stream))         \
  X(cuMemsetD32Async, (CUdeviceptr dst, unsigned int value, size_t count,      \
                       CUstream stream))                                       \
  X(cuMemsetD16Async, (CUdeviceptr dst, unsigned short value, size_t count,    \
                       CUstream stream))

#define DECLARE(name, parameters) CUresult (*name) parameters;
static struct {
  DRIVER_FUNCTIONS(DECLARE)
} driver;
#undef DECLARE

static pthread_once_t loaded = PTHREAD_ONCE_INIT;
static char load_failure[512]; /* empty when the driver is usable */

static void load_driver(void) {
  void *library = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    snprintf(load_failure, sizeof load_failure,
             "the NVIDIA driver library libcuda.so.1 could not be loaded: %s",
             dlerror());
    return;
  }
#define LOAD(name, parameters)                                                 \
  if (!(*(void **)&driver.name = dlsym(library, #name))) {                     \
    snprintf(load_failure, sizeof load_failure,                                \
             "the NVIDIA driver library libcuda.so.1 is too old: it lacks %s", \
             #name);                                                           \
    return;                                                                    \
  }
  DRIVER_FUNCTIONS(LOAD)
#undef LOAD
}

static bool driver_loaded(void) {
  pthread_once(&loaded, load_driver);
  return !load_failure[0];
}

/*===- The pending error --------------------------------------------------===*/

static pthread_mutex_t error_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_bool error_pending;
static char error_message[4096];

__attribute__((format(printf, 1, 2))) static void record(const char *format,
                                                         ...) {
  pthread_mutex_lock(&error_lock);
  if (!atomic_load(&error_pending)) {
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(error_message, sizeof error_message, format, arguments);
    va_end(arguments);
    atomic_store(&error_pending, true);
  }
  pthread_mutex_unlock(&error_lock);
}

/* "CUDA_ERROR_OUT_OF_MEMORY (out of memory)" */
static void describe(CUresult result, char *text, size_t capacity) {
  const char *name = NULL, *meaning = NULL;
  if (driver.cuGetErrorString(result, &meaning) != CUDA_SUCCESS || !meaning)
    meaning = "no description";
  if (driver.cuGetErrorName(result, &name) == CUDA_SUCCESS && name)
    snprintf(text, capacity, "%s (%s)", name, meaning);
  else /* a code newer than the driver */
    snprintf(text, capacity, "CUDA error %d (%s)", result, meaning);
}

/* True if `result` is success; otherwise records
 * "<function> (<wrapper><detail>) failed: <error>". */
static bool succeeded(CUresult result, const char *function,
                      const char *wrapper, const char *detail, ...) {
  if (result == CUDA_SUCCESS)
    return true;
  char details[256], error[256];
  va_list arguments;
  va_start(arguments, detail);
  vsnprintf(details, sizeof details, detail, arguments);
  va_end(arguments);
  describe(result, error, sizeof error);
  record("%s (%s%s) failed: %s", function, wrapper, details, error);
  return false;
}

/* Calls the driver's `function`, recording a failure under the caller's name
 * and an optional detail: CHECK(cuMemFree_v2, (p)) or
 * CHECK(cuMemAlloc_v2, (&p, n), ", %zu bytes", n). */
#define CHECK(function, arguments, ...)                                        \
  succeeded(driver.function arguments, #function, __func__, "" __VA_ARGS__)

/*===- The context --------------------------------------------------------===*/

static atomic_int default_device;
static pthread_mutex_t context_lock = PTHREAD_MUTEX_INITIALIZER;
static CUcontext context; /* the primary context of context_device */
static CUdevice context_handle;
static int context_device = -1;
static atomic_bool context_made; /* once any context was */

/* Makes the default device's primary context current, initializing the
 * driver and retaining that context the first time. */
static bool push_context(const char *wrapper) {
  if (!driver_loaded()) {
    record("%s", load_failure);
    return false;
  }
  int device = atomic_load(&default_device);
  pthread_mutex_lock(&context_lock);
  if (context_device != device) {
    CUcontext made;
    CUdevice handle;
    if (succeeded(driver.cuInit(0), "cuInit", wrapper, "") &&
        succeeded(driver.cuDeviceGet(&handle, device), "cuDeviceGet", wrapper,
                  ", device %d", device) &&
        succeeded(driver.cuDevicePrimaryCtxRetain(&made, handle),
                  "cuDevicePrimaryCtxRetain", wrapper, ", device %d", device)) {
      context = made;
      context_handle = handle;
      context_device = device;
      atomic_store(&context_made, true);
    }
  }
  CUcontext current = context_device == device ? context : NULL;
  pthread_mutex_unlock(&context_lock);
  return current && succeeded(driver.cuCtxPushCurrent_v2(current),
                              "cuCtxPushCurrent_v2", wrapper, "");
}

/* Entry of calls that put work on the device: none while an error is
 * pending. */
static bool begin(const char *wrapper) {
  return !atomic_load(&error_pending) && push_context(wrapper);
}

/* Entry of calls that release or wait, which still happen after an error;
 * without any context there is nothing to release or wait for. */
static bool begin_cleanup(const char *wrapper) {
  return atomic_load(&context_made) && push_context(wrapper);
}

static void end(const char *wrapper) {
  succeeded(driver.cuCtxPopCurrent_v2(NULL), "cuCtxPopCurrent_v2", wrapper,
            "");
}

/*===- The wrappers gpu-to-llvm calls -------------------------------------===*/

EXPORT void *mgpuModuleLoad(void *data, size_t size) {
  (void)size; /* a cubin or fatbin header says how long it is */
  CUmodule module = NULL;
  if (!begin(__func__))
    return NULL;
  CHECK(cuModuleLoadData, (&module, data));
  end(__func__);
  return module;
}

EXPORT void *mgpuModuleLoadJIT(void *data, int optLevel) {
  CUmodule module = NULL;
  char log[2048] = "";
  int options[] = {CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
                   CU_JIT_OPTIMIZATION_LEVEL};
  void *values[] = {log, (void *)(uintptr_t)sizeof log,
                    (void *)(intptr_t)optLevel};
  if (!begin(__func__))
    return NULL;
  /* Called apart: the log is only written by the call. */
  CUresult result =
      driver.cuModuleLoadDataEx(&module, data, 3, options, values);
  size_t length = strnlen(log, sizeof log - 1); /* it ends in a newline */
  while (length && (log[length - 1] == '\n' || log[length - 1] == ' '))
    --length;
  log[length] = 0;
  succeeded(result, "cuModuleLoadDataEx", __func__, ", compiling PTX: %s",
            log[0] ? log : "no log");
  end(__func__);
  return module;
}

EXPORT void mgpuModuleUnload(void *module) {
  if (!module || !begin_cleanup(__func__))
    return;
  CHECK(cuModuleUnload, (module));
  end(__func__);
}

EXPORT void *mgpuModuleGetFunction(void *module, const char *name) {
  CUfunction function = NULL;
  if (!begin(__func__))
    return NULL;
  CHECK(cuModuleGetFunction, (&function, module, name), ", %s", name);
  end(__func__);
  return function;
}

EXPORT void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY,
                             intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                             intptr_t blockZ, int32_t smem, void *stream,
                             void **params, void **extra, size_t paramsCount) {
  (void)paramsCount;
  intptr_t dims[] = {gridX, gridY, gridZ, blockX, blockY, blockZ};
  for (int i = 0; i < 6; ++i) {
    if (dims[i] == 0) /* sized by an empty array: nothing to do */
      return;
    if (dims[i] < 0 || dims[i] > UINT32_MAX) {
      record("mgpuLaunchKernel: grid %ldx%ldx%ld, block %ldx%ldx%ld is out of "
             "range", (long)gridX, (long)gridY, (long)gridZ, (long)blockX,
             (long)blockY, (long)blockZ);
      return;
    }
  }
  if (!begin(__func__))
    return;
  /* Above 48 KiB, dynamic shared memory must be opted into per function. */
  int attribute = CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES;
  if (smem <= 0 || CHECK(cuFuncSetAttribute, (function, attribute, smem),
                         ", %d bytes of dynamic shared memory", smem))
    CHECK(cuLaunchKernel,
          (function, gridX, gridY, gridZ, blockX, blockY, blockZ, smem, stream,
           params, extra),
          ", grid %ldx%ldx%ld, block %ldx%ldx%ld", (long)gridX, (long)gridY,
          (long)gridZ, (long)blockX, (long)blockY, (long)blockZ);
  end(__func__);
}

EXPORT void *mgpuStreamCreate(void) {
  CUstream stream = NULL;
  if (!begin(__func__))
    return NULL;
  CHECK(cuStreamCreate, (&stream, CU_STREAM_NON_BLOCKING));
  end(__func__);
  return stream;
}

EXPORT void mgpuStreamDestroy(void *stream) {
  if (!stream || !begin_cleanup(__func__))
    return;
  CHECK(cuStreamDestroy_v2, (stream));
  end(__func__);
}

EXPORT void mgpuStreamSynchronize(void *stream) {
  if (!begin_cleanup(__func__)) /* a null stream is the default stream */
    return;
  CHECK(cuStreamSynchronize, (stream));
  end(__func__);
}

EXPORT void mgpuStreamWaitEvent(void *stream, void *event) {
  if (!begin(__func__))
    return;
  CHECK(cuStreamWaitEvent, (stream, event, 0));
  end(__func__);
}

EXPORT void *mgpuEventCreate(void) {
  CUevent event = NULL;
  if (!begin(__func__))
    return NULL;
  CHECK(cuEventCreate, (&event, CU_EVENT_DISABLE_TIMING));
  end(__func__);
  return event;
}

EXPORT void mgpuEventDestroy(void *event) {
  if (!event || !begin_cleanup(__func__))
    return;
  CHECK(cuEventDestroy_v2, (event));
  end(__func__);
}

EXPORT void mgpuEventSynchronize(void *event) {
  if (!event || !begin_cleanup(__func__))
    return;
  CHECK(cuEventSynchronize, (event));
  end(__func__);
}

EXPORT void mgpuEventRecord(void *event, void *stream) {
  if (!begin(__func__))
    return;
  CHECK(cuEventRecord, (event, stream));
  end(__func__);
}

EXPORT void *mgpuMemAlloc(uint64_t sizeBytes, void *stream, bool isHostShared) {
  (void)stream; /* cuMemAlloc is synchronous */
  CUdeviceptr pointer = 0;
  if (!sizeBytes || !begin(__func__)) /* the driver refuses zero bytes */
    return NULL;
  if (isHostShared)
    CHECK(cuMemAllocManaged, (&pointer, sizeBytes, CU_MEM_ATTACH_GLOBAL),
          ", %llu bytes", (unsigned long long)sizeBytes);
  else
    CHECK(cuMemAlloc_v2, (&pointer, sizeBytes), ", %llu bytes",
          (unsigned long long)sizeBytes);
  end(__func__);
  return (void *)(uintptr_t)pointer;
}

EXPORT void mgpuMemFree(void *ptr, void *stream) {
  (void)stream; /* cuMemFree waits for work using the memory */
  if (!ptr || !begin_cleanup(__func__))
    return;
  CHECK(cuMemFree_v2, ((uintptr_t)ptr));
  end(__func__);
}

EXPORT void mgpuMemcpy(void *dst, void *src, size_t sizeBytes, void *stream) {
  if (!sizeBytes || !begin(__func__))
    return;
  CHECK(cuMemcpyAsync, ((uintptr_t)dst, (uintptr_t)src, sizeBytes, stream),
        ", %zu bytes", sizeBytes);
  end(__func__);
}

EXPORT void mgpuMemset32(void *dst, unsigned int value, size_t count,
                         void *stream) {
  if (!count || !begin(__func__))
    return;
  CHECK(cuMemsetD32Async, ((uintptr_t)dst, value, count, stream),
        ", %zu words", count);
  end(__func__);
}

EXPORT void mgpuMemset16(void *dst, unsigned short value, size_t count,
                         void *stream) {
  if (!count || !begin(__func__))
    return;
  CHECK(cuMemsetD16Async, ((uintptr_t)dst, value, count, stream),
        ", %zu halfwords", count);
  end(__func__);
}

/* Process-wide, unlike upstream's per-thread default: the thread that picks
 * the device is not always the one running the kernel. */
EXPORT void mgpuSetDefaultDevice(int32_t device) {
  atomic_store(&default_device, device);
}

/*===- What Python calls --------------------------------------------------===*/

EXPORT int mljit_cuda_take_error(char *message, size_t capacity) {
  pthread_mutex_lock(&error_lock);
  int pending = atomic_load(&error_pending);
  if (pending && capacity)
    snprintf(message, capacity, "%s", error_message);
  atomic_store(&error_pending, false);
  pthread_mutex_unlock(&error_lock);
  return pending;
}

EXPORT int mljit_cuda_probe(char *message, size_t capacity) {
  if (!driver_loaded()) {
    snprintf(message, capacity, "%s", load_failure);
    return -1;
  }
  char error[256];
  int count = 0;
  CUresult result = driver.cuInit(0);
  const char *failed = "cuInit";
  if (result == CUDA_SUCCESS) {
    result = driver.cuDeviceGetCount(&count);
    failed = "cuDeviceGetCount";
  }
  if (result != CUDA_SUCCESS) {
    describe(result, error, sizeof error);
    snprintf(message, capacity, "%s failed: %s", failed, error);
    return -1;
  }
  if (count <= 0) {
    snprintf(message, capacity, "the NVIDIA driver reports no CUDA device");
    return -1;
  }
  return count;
}

EXPORT int mljit_cuda_compute_capability(int *major, int *minor) {
  if (!begin(__func__))
    return -1;
  bool ok = CHECK(cuDeviceGetAttribute,
                  (major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR,
                   context_handle)) &&
            CHECK(cuDeviceGetAttribute,
                  (minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR,
                   context_handle));
  end(__func__);
  return ok ? 0 : -1;
}

EXPORT void *mljit_cuda_alloc(size_t bytes) {
  CUdeviceptr pointer = 0;
  if (!bytes || !begin(__func__))
    return NULL;
  CHECK(cuMemAlloc_v2, (&pointer, bytes), ", %zu bytes", bytes);
  end(__func__);
  return (void *)(uintptr_t)pointer;
}

EXPORT void mljit_cuda_free(void *ptr) {
  if (!ptr || !begin_cleanup(__func__))
    return;
  CHECK(cuMemFree_v2, ((uintptr_t)ptr));
  end(__func__);
}

/* From pageable host memory, cuMemcpy may return before the data reaches the
 * device, and kernels run on non-blocking streams that do not wait for it:
 * the context is synchronized too, so that the copy is complete on return. */
EXPORT void mljit_cuda_copy(void *dst, const void *src, size_t bytes) {
  if (!bytes || !begin(__func__))
    return;
  if (CHECK(cuMemcpy, ((uintptr_t)dst, (uintptr_t)src, bytes), ", %zu bytes",
            bytes))
    CHECK(cuCtxSynchronize, ());
  end(__func__);
}

EXPORT void mljit_cuda_synchronize(void) {
  if (!begin_cleanup(__func__))
    return;
  CHECK(cuCtxSynchronize, ());
  end(__func__);
}
