"""The compiled parts of mljit and the bridge into the upstream MLIR bindings.

mljit uses the upstream `mlir` Python package for IR, passes and the
ExecutionEngine. Our dialect and passes live in `_lib/libMLJITCAPI.so`, linked
against the bindings' own MLIR library, so one MLIR serves the whole process;
`new_context()` loads them into a fresh context.
"""

import ctypes
import os
import sys

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
