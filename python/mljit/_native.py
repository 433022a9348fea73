"""The compiled parts of mljit and the bridge into the upstream MLIR bindings.

mljit uses the upstream `mlir` Python package for IR, passes and the
ExecutionEngine. Our dialect and passes live in `_lib/libMLJITCAPI.so`, linked
against the bindings' own MLIR library, so one MLIR serves the whole process;
`new_context()` loads them into a fresh context.
"""

import ctypes
import os
import sys

import numpy  # noqa: F401  (loads NumPy's OpenBLAS, which the runtime then uses)
from mlir import ir


def _installed_file(*parts: str) -> str:
    """A built file of the package. An editable install keeps the Python
    sources in the checkout and the built files in site-packages; the
    package's __path__ lists both."""
    for directory in sys.modules[__package__].__path__:
        path = os.path.join(directory, *parts)
        if os.path.exists(path):
            return path
    raise ImportError(f"mljit is not fully installed: {os.path.join(*parts)} is missing; "
                      "reinstall it with `pip install .`")


ML_OPT = _installed_file("_bin", "ml-opt")
# The functions compiled code calls (runtime/: allocator, thread pool, BLAS,
# CUDA wrappers); depends on libc only.
RUNTIME_LIBRARY_PATH = _installed_file("_lib", "libmljit_runtime.so")


class _Handle(ctypes.Structure):
    """An MLIR C API handle (MlirContext, MlirOperation): one pointer."""
    _fields_ = [("ptr", ctypes.c_void_p)]


class MlirStringRef(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("length", ctypes.c_size_t)]


_get_capsule_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_get_capsule_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
_get_capsule_pointer.restype = ctypes.c_void_p


def _handle(obj, kind: str) -> _Handle:
    return _Handle(_get_capsule_pointer(obj._CAPIPtr, f"mlir.ir.{kind}._CAPIPtr".encode()))


def operation_handle(operation: ir.Operation) -> _Handle:
    return _handle(operation, "Operation")


# python/capi/MLJITCAPI.cpp
CAPI_LIBRARY = _installed_file("_lib", "libMLJITCAPI.so")
capi = ctypes.CDLL(CAPI_LIBRARY)
capi.mljitRegisterAll.argtypes = [_Handle]
capi.mljitRegisterAll.restype = None
capi.mljitTranslateToLLVMIR.argtypes = [_Handle, ctypes.c_void_p, ctypes.c_void_p]
capi.mljitTranslateToLLVMIR.restype = ctypes.c_bool
capi.mljitHostCPU.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
capi.mljitHostCPU.restype = None
capi.mljitSetLLVMOption.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
capi.mljitSetLLVMOption.restype = ctypes.c_bool
# python/capi/NativeCode.cpp
capi.mljitCompileObjects.argtypes = [_Handle, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
capi.mljitCompileObjects.restype = ctypes.c_void_p
capi.mljitObjectsError.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
capi.mljitObjectsError.restype = None
capi.mljitObjectsCount.argtypes = [ctypes.c_void_p]
capi.mljitObjectsCount.restype = ctypes.c_size_t
capi.mljitObjectsGet.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p,
                                 ctypes.c_void_p]
capi.mljitObjectsGet.restype = None
capi.mljitObjectsSeconds.argtypes = [ctypes.c_void_p, ctypes.c_int]
capi.mljitObjectsSeconds.restype = ctypes.c_double
capi.mljitObjectsDestroy.argtypes = [ctypes.c_void_p]
capi.mljitObjectsDestroy.restype = None
capi.mljitLoadObjects.argtypes = [ctypes.POINTER(ctypes.c_char_p),
                                  ctypes.POINTER(ctypes.c_size_t), ctypes.c_size_t,
                                  ctypes.c_char_p, ctypes.c_void_p, ctypes.c_void_p]
capi.mljitLoadObjects.restype = ctypes.c_void_p
capi.mljitLoadedLookup.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p,
                                   ctypes.c_void_p]
capi.mljitLoadedLookup.restype = ctypes.c_uint64
capi.mljitLoadedDestroy.argtypes = [ctypes.c_void_p]
capi.mljitLoadedDestroy.restype = None


def new_context() -> ir.Context:
    """A context with every upstream dialect plus `ml`, and our passes
    registered (so `PassManager.parse` knows `ml-cpu-pipeline`)."""
    context = ir.Context()
    capi.mljitRegisterAll(_handle(context, "Context"))
    return context


runtime_library = ctypes.CDLL(RUNTIME_LIBRARY_PATH)
# Whether large f32/f64 matmuls go to BLAS (ml-cpu-pipeline{blas}): the
# runtime uses the OpenBLAS that importing NumPy loaded, if it finds one.
BLAS = bool(runtime_library.mljit_use_loaded_blas())
# Threads the runtime's parallel loops use (ml-cpu-pipeline{threads} tiles
# loops for them): the usable cores, capped by MLJIT_NUM_THREADS.
THREADS = runtime_library.mljit_thread_count()
