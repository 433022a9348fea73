"""mljit: compile NumPy functions with MLIR.

    import mljit
    import mljit.numpy as mnp

    @mljit.jit
    def layer(x, w, b):
        return mnp.tanh(x @ w + b)
"""

from . import numpy
from .api import Compiled, JitFunction, Lowered, jit
from .errors import (
    CompileError,
    ConcretizationError,
    MljitError,
    TraceError,
    UnsupportedError,
)

__version__ = "0.1.0"

__all__ = [
    "Compiled",
    "CompileError",
    "ConcretizationError",
    "JitFunction",
    "Lowered",
    "MljitError",
    "TraceError",
    "UnsupportedError",
    "jit",
    "numpy",
]
