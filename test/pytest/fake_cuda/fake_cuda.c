/* A stand-in for the NVIDIA driver, libcuda.so.1, for testing runtime/Cuda.c
 * on machines without a GPU: "device" memory is host memory, kernels are not
 * run but their launches are counted, and tests read what the driver saw
 * through the fake_* globals. Environment:
 *   FAKE_CUDA_DEVICES  number of devices (default 1; 0: cuInit fails).
 * Built with -DFAKE_CUDA_OLD, it lacks cuFuncSetAttribute, as a driver too old
 * for the runtime would. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;
typedef unsigned long long CUdeviceptr;

#define EXPORT __attribute__((visibility("default")))

enum {
  SUCCESS = 0,
  INVALID_VALUE = 1,
  OUT_OF_MEMORY = 2,
  NOT_INITIALIZED = 3,
  NO_DEVICE = 100,
  INVALID_CONTEXT = 201,
  NOT_FOUND = 500,
};

/* Allocations of this many bytes or more fail as out of memory. */
#define HUGE_BYTES (1ULL << 40)

EXPORT int fake_initialized;
EXPORT int fake_context_depth; /* pushes minus pops: 0 between calls */
EXPORT int fake_max_context_depth;
EXPORT int fake_allocations; /* live ones */
EXPORT unsigned fake_managed_flags;
EXPORT int fake_modules_loaded, fake_modules_unloaded;
EXPORT int fake_jit_option_count;
EXPORT long fake_jit_opt_level = -1;
EXPORT int fake_launches;
EXPORT unsigned fake_grid[3], fake_block[3], fake_smem;
EXPORT void *fake_stream, *fake_params0;
EXPORT int fake_dynamic_smem_attribute;
EXPORT int fake_streams, fake_stream_flags, fake_stream_syncs;
EXPORT int fake_events, fake_event_flags;
EXPORT int fake_context_syncs;

static int module_token, function_token, context_token;

static int devices(void) {
  const char *text = getenv("FAKE_CUDA_DEVICES");
  return text ? atoi(text) : 1;
}

EXPORT CUresult cuInit(unsigned flags) {
  if (flags)
    return INVALID_VALUE;
  if (devices() <= 0)
    return NO_DEVICE;
  fake_initialized = 1;
  return SUCCESS;
}

EXPORT CUresult cuGetErrorName(CUresult error, const char **name) {
  switch (error) {
  case SUCCESS: *name = "CUDA_SUCCESS"; return SUCCESS;
  case INVALID_VALUE: *name = "CUDA_ERROR_INVALID_VALUE"; return SUCCESS;
  case OUT_OF_MEMORY: *name = "CUDA_ERROR_OUT_OF_MEMORY"; return SUCCESS;
  case NOT_INITIALIZED: *name = "CUDA_ERROR_NOT_INITIALIZED"; return SUCCESS;
  case NO_DEVICE: *name = "CUDA_ERROR_NO_DEVICE"; return SUCCESS;
  case INVALID_CONTEXT: *name = "CUDA_ERROR_INVALID_CONTEXT"; return SUCCESS;
  case NOT_FOUND: *name = "CUDA_ERROR_NOT_FOUND"; return SUCCESS;
  }
  *name = NULL;
  return INVALID_VALUE;
}

EXPORT CUresult cuGetErrorString(CUresult error, const char **text) {
  switch (error) {
  case SUCCESS: *text = "no error"; return SUCCESS;
  case INVALID_VALUE: *text = "invalid argument"; return SUCCESS;
  case OUT_OF_MEMORY: *text = "out of memory"; return SUCCESS;
  case NOT_INITIALIZED: *text = "initialization error"; return SUCCESS;
  case NO_DEVICE: *text = "no CUDA-capable device is detected"; return SUCCESS;
  case INVALID_CONTEXT: *text = "invalid device context"; return SUCCESS;
  case NOT_FOUND: *text = "named symbol not found"; return SUCCESS;
  }
  *text = NULL;
  return INVALID_VALUE;
}

EXPORT CUresult cuDeviceGetCount(int *count) {
  if (!fake_initialized)
    return NOT_INITIALIZED;
  *count = devices();
  return SUCCESS;
}

EXPORT CUresult cuDeviceGet(int *device, int ordinal) {
  if (!fake_initialized)
    return NOT_INITIALIZED;
  if (ordinal < 0 || ordinal >= devices())
    return INVALID_VALUE;
  *device = ordinal;
  return SUCCESS;
}

EXPORT CUresult cuDeviceGetAttribute(int *value, int attribute, int device) {
  (void)device;
  switch (attribute) {
  case 75: *value = 9; return SUCCESS; /* compute capability 9.0 */
  case 76: *value = 0; return SUCCESS;
  }
  return INVALID_VALUE;
}

EXPORT CUresult cuDevicePrimaryCtxRetain(void **context, int device) {
  (void)device;
  if (!fake_initialized)
    return NOT_INITIALIZED;
  *context = &context_token;
  return SUCCESS;
}

EXPORT CUresult cuCtxPushCurrent_v2(void *context) {
  if (context != &context_token)
    return INVALID_CONTEXT;
  if (++fake_context_depth > fake_max_context_depth)
    fake_max_context_depth = fake_context_depth;
  return SUCCESS;
}

EXPORT CUresult cuCtxPopCurrent_v2(void **context) {
  if (fake_context_depth <= 0)
    return INVALID_CONTEXT;
  --fake_context_depth;
  if (context)
    *context = &context_token;
  return SUCCESS;
}

/* Everything below needs the context current, as the real driver does. */
#define NEED_CONTEXT                                                           \
  if (fake_context_depth <= 0)                                                 \
  return INVALID_CONTEXT

EXPORT CUresult cuCtxSynchronize(void) {
  NEED_CONTEXT;
  ++fake_context_syncs;
  return SUCCESS;
}

EXPORT CUresult cuModuleLoadData(void **module, const void *image) {
  NEED_CONTEXT;
  if (!image)
    return INVALID_VALUE;
  ++fake_modules_loaded;
  *module = &module_token;
  return SUCCESS;
}

EXPORT CUresult cuModuleLoadDataEx(void **module, const void *image,
                                   unsigned count, int *options,
                                   void **values) {
  NEED_CONTEXT;
  fake_jit_option_count = (int)count;
  for (unsigned i = 0; i < count; ++i)
    if (options[i] == 7) /* CU_JIT_OPTIMIZATION_LEVEL */
      fake_jit_opt_level = (long)(intptr_t)values[i];
  if (image && strstr(image, "syntax error")) {
    for (unsigned i = 0; i < count; ++i)
      if (options[i] == 5) /* CU_JIT_ERROR_LOG_BUFFER */
        strcpy(values[i], "ptxas fatal: syntax error at line 1\n");
    return INVALID_VALUE;
  }
  ++fake_modules_loaded;
  *module = &module_token;
  return SUCCESS;
}

EXPORT CUresult cuModuleUnload(void *module) {
  NEED_CONTEXT;
  if (module != &module_token)
    return INVALID_VALUE;
  ++fake_modules_unloaded;
  return SUCCESS;
}

EXPORT CUresult cuModuleGetFunction(void **function, void *module,
                                    const char *name) {
  NEED_CONTEXT;
  if (module != &module_token)
    return INVALID_VALUE;
  if (strcmp(name, "missing") == 0)
    return NOT_FOUND;
  *function = &function_token;
  return SUCCESS;
}

#ifndef FAKE_CUDA_OLD
EXPORT CUresult cuFuncSetAttribute(void *function, int attribute, int value) {
  NEED_CONTEXT;
  if (function != &function_token || attribute != 8 || value > 227 * 1024)
    return INVALID_VALUE;
  fake_dynamic_smem_attribute = value;
  return SUCCESS;
}
#endif

EXPORT CUresult cuLaunchKernel(void *function, unsigned gx, unsigned gy,
                               unsigned gz, unsigned bx, unsigned by,
                               unsigned bz, unsigned smem, void *stream,
                               void **params, void **extra) {
  NEED_CONTEXT;
  (void)extra;
  if (function != &function_token || !gx || !gy || !gz || !bx || !by || !bz)
    return INVALID_VALUE;
  ++fake_launches;
  fake_grid[0] = gx, fake_grid[1] = gy, fake_grid[2] = gz;
  fake_block[0] = bx, fake_block[1] = by, fake_block[2] = bz;
  fake_smem = smem;
  fake_stream = stream;
  fake_params0 = params ? params[0] : NULL;
  return SUCCESS;
}

EXPORT CUresult cuStreamCreate(void **stream, unsigned flags) {
  NEED_CONTEXT;
  ++fake_streams;
  fake_stream_flags = (int)flags;
  *stream = malloc(1);
  return SUCCESS;
}

EXPORT CUresult cuStreamDestroy_v2(void *stream) {
  NEED_CONTEXT;
  --fake_streams;
  free(stream);
  return SUCCESS;
}

EXPORT CUresult cuStreamSynchronize(void *stream) {
  NEED_CONTEXT;
  (void)stream;
  ++fake_stream_syncs;
  return SUCCESS;
}

EXPORT CUresult cuStreamWaitEvent(void *stream, void *event, unsigned flags) {
  NEED_CONTEXT;
  (void)stream;
  return event && !flags ? SUCCESS : INVALID_VALUE;
}

EXPORT CUresult cuEventCreate(void **event, unsigned flags) {
  NEED_CONTEXT;
  ++fake_events;
  fake_event_flags = (int)flags;
  *event = malloc(1);
  return SUCCESS;
}

EXPORT CUresult cuEventDestroy_v2(void *event) {
  NEED_CONTEXT;
  --fake_events;
  free(event);
  return SUCCESS;
}

EXPORT CUresult cuEventSynchronize(void *event) {
  NEED_CONTEXT;
  return event ? SUCCESS : INVALID_VALUE;
}

EXPORT CUresult cuEventRecord(void *event, void *stream) {
  NEED_CONTEXT;
  (void)stream;
  return event ? SUCCESS : INVALID_VALUE;
}

static CUresult allocate(CUdeviceptr *pointer, size_t bytes) {
  NEED_CONTEXT;
  if (!bytes)
    return INVALID_VALUE; /* as the real driver does */
  void *memory = bytes >= HUGE_BYTES ? NULL : malloc(bytes);
  if (!memory)
    return OUT_OF_MEMORY;
  ++fake_allocations;
  *pointer = (CUdeviceptr)(uintptr_t)memory;
  return SUCCESS;
}

EXPORT CUresult cuMemAlloc_v2(CUdeviceptr *pointer, size_t bytes) {
  return allocate(pointer, bytes);
}

EXPORT CUresult cuMemAllocManaged(CUdeviceptr *pointer, size_t bytes,
                                  unsigned flags) {
  fake_managed_flags = flags;
  return allocate(pointer, bytes);
}

EXPORT CUresult cuMemFree_v2(CUdeviceptr pointer) {
  NEED_CONTEXT;
  if (!pointer)
    return INVALID_VALUE;
  --fake_allocations;
  free((void *)(uintptr_t)pointer);
  return SUCCESS;
}

EXPORT CUresult cuMemcpy(CUdeviceptr dst, CUdeviceptr src, size_t bytes) {
  NEED_CONTEXT;
  if (!dst || !src)
    return INVALID_VALUE;
  memcpy((void *)(uintptr_t)dst, (void *)(uintptr_t)src, bytes);
  return SUCCESS;
}

EXPORT CUresult cuMemcpyAsync(CUdeviceptr dst, CUdeviceptr src, size_t bytes,
                              void *stream) {
  (void)stream;
  return cuMemcpy(dst, src, bytes);
}

EXPORT CUresult cuMemsetD32Async(CUdeviceptr dst, unsigned value, size_t count,
                                 void *stream) {
  NEED_CONTEXT;
  (void)stream;
  for (size_t i = 0; i < count; ++i)
    ((uint32_t *)(uintptr_t)dst)[i] = value;
  return SUCCESS;
}

EXPORT CUresult cuMemsetD16Async(CUdeviceptr dst, unsigned short value,
                                 size_t count, void *stream) {
  NEED_CONTEXT;
  (void)stream;
  for (size_t i = 0; i < count; ++i)
    ((uint16_t *)(uintptr_t)dst)[i] = value;
  return SUCCESS;
}
