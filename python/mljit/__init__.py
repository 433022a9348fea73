"""mljit: compile NumPy functions with MLIR.

    import mljit
    import mljit.numpy as mnp

    @mljit.jit
    def layer(x, w, b):
        return mnp.tanh(x @ w + b)

The compiler (and with it MLIR) is imported on first use of `jit`,
`export` and friends: `mljit.load` runs exported functions without it.
"""

import importlib

from .cuda import DeviceArray, DeviceError
from .errors import (
    CompileError,
    ConcretizationError,
    MljitError,
    RecompileError,
    TraceError,
    UnsupportedError,
)
from .loader import load

__version__ = "0.1.0"

_LAZY = {
    "Compiled": "stages",
    "JitFunction": "api",
    "Lowered": "stages",
    "Target": "target",
    "checkpoint": "checkpoint",
    "cond": "control",
    "jit": "api",
    "jvp": "autodiff",
    "device_put": "api",
    "disable_jit": "api",
    "export": "aot",
    "fori_loop": "control",
    "grad": "autodiff",
    "jacfwd": "jacobians",
    "jacrev": "jacobians",
    "numpy": None,
    "remat": "checkpoint",
    "scan": "control",
    "value_and_grad": "autodiff",
    "vjp": "autodiff",
    "while_loop": "control",
}


def __getattr__(name):
    if name not in _LAZY:
        raise AttributeError(f"module 'mljit' has no attribute {name!r}")
    module = importlib.import_module(f".{_LAZY[name] or name}", __name__)
    value = module if _LAZY[name] is None else getattr(module, name)
    globals()[name] = value
    return value


__all__ = [
    "Compiled",
    "CompileError",
    "ConcretizationError",
    "DeviceArray",
    "DeviceError",
    "JitFunction",
    "Lowered",
    "MljitError",
    "RecompileError",
    "Target",
    "TraceError",
    "UnsupportedError",
    "checkpoint",
    "cond",
    "device_put",
    "disable_jit",
    "export",
    "fori_loop",
    "grad",
    "jacfwd",
    "jacrev",
    "jit",
    "jvp",
    "load",
    "numpy",
    "remat",
    "scan",
    "value_and_grad",
    "vjp",
    "while_loop",
]
