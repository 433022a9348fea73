"""The compiled parts of mljit and the bridge into the upstream MLIR bindings.

mljit uses the upstream `mlir` Python package for IR, passes and the
ExecutionEngine. Our dialect and passes live in `_lib/libMLJITCAPI.so`, linked
against the bindings' own MLIR library, so one MLIR serves the whole process;
`new_context()` loads them into a fresh context.
"""

import ctypes
import glob
import os
import sys

import numpy
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
# Functions compiled kernels may call (memrefCopy); depends on libc only.
RUNTIME_LIBRARY = _installed_file("_lib", "libmljit_runtime.so")


class _MlirContext(ctypes.Structure):
    _fields_ = [("ptr", ctypes.c_void_p)]


_capi = ctypes.CDLL(_installed_file("_lib", "libMLJITCAPI.so"))
_capi.mljitRegisterAll.argtypes = [_MlirContext]
_capi.mljitRegisterAll.restype = None

_get_capsule_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_get_capsule_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
_get_capsule_pointer.restype = ctypes.c_void_p


def new_context() -> ir.Context:
    """A context with every upstream dialect plus `ml`, and our passes
    registered (so `PassManager.parse` knows `ml-cpu-pipeline`)."""
    context = ir.Context()
    pointer = _get_capsule_pointer(context._CAPIPtr, b"mlir.ir.Context._CAPIPtr")
    _capi.mljitRegisterAll(_MlirContext(pointer))
    return context


def _install_blas() -> bool:
    """Gives the runtime library NumPy's own OpenBLAS (ILP64 CBLAS), so large
    matmuls run as fast as NumPy's; False if NumPy's BLAS is not found."""
    runtime = ctypes.CDLL(RUNTIME_LIBRARY)
    libs = os.path.join(os.path.dirname(os.path.dirname(numpy.__file__)), "numpy.libs")
    for path in sorted(glob.glob(os.path.join(libs, "*openblas*.so*"))):
        library = ctypes.CDLL(path)
        for prefix in ("scipy_", ""):
            single = getattr(library, prefix + "cblas_sgemm64_", None)
            double = getattr(library, prefix + "cblas_dgemm64_", None)
            # The runtime splits products over its own threads and runs
            # OpenBLAS single-threaded meanwhile.
            get_threads = getattr(library, prefix + "openblas_get_num_threads64_", None)
            set_threads = getattr(library, prefix + "openblas_set_num_threads64_", None)
            if single and double:
                runtime.mljit_set_blas(*(ctypes.cast(f, ctypes.c_void_p) if f else None
                                         for f in (single, double, get_threads, set_threads)))
                return True
    return False


# Whether large f32/f64 matmuls go to BLAS (ml-cpu-pipeline{blas}).
BLAS = _install_blas()


def _thread_count() -> int:
    """Threads the runtime's parallel loops use: the usable cores, capped by
    MLJIT_NUM_THREADS (the runtime reads the same variable)."""
    count = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    limit = os.environ.get("MLJIT_NUM_THREADS", "")
    if limit.isdigit() and 0 < int(limit) < count:
        count = int(limit)
    return max(count or 1, 1)


THREADS = _thread_count()
