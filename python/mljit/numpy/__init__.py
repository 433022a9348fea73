"""NumPy's API for traced arrays.

Inside a function compiled by `mljit.jit`, plain NumPy calls on traced
arrays (`np.exp(x)`, `np.sum(x, axis=0)`, `x @ w`) are routed here by NEP 13
and NEP 18, so existing NumPy code needs no changes. The same functions can
be called directly as `mljit.numpy.<name>` (plus `rsqrt`). Called with no
traced argument, every function simply runs NumPy.
"""

from ._arrays import (
    append, argsort, cumprod, diag, diagonal, pad, repeat, roll, sort, take_along_axis, tile,
    trace,
)
from ._complex import angle, imag, iscomplexobj, isrealobj, real
from ._core import asarray, astype
from ._dispatch import FUNCTIONS, install_tracer_methods
from ._indexing import take
from ._linalg import dot, einsum, matmul, outer, tensordot
from ._norms import norm
from ._reductions import (
    all, amax, amin, any, argmax, argmin, cumsum, max, mean, min, prod, std, sum, var,
)
from ._shapes import (
    array_split, atleast_1d, atleast_2d, broadcast_to, concatenate, copy, empty_like,
    expand_dims, flip, full_like, hstack, matrix_transpose, moveaxis, ones_like, ravel, reshape,
    split, squeeze, stack, swapaxes, tril, transpose, triu, vstack, zeros_like,
)
from ._ufuncs import UFUNCS, abs, around, bitwise_invert, bitwise_not, clip, mod, round, rsqrt
from ._ufuncs import true_divide, where

# Every ufunc under its NumPy name (add, divide, exp, logical_and, ...).
globals().update({function.__name__: function for function in UFUNCS.values()})

install_tracer_methods()

__all__ = sorted(
    {function.__name__ for function in UFUNCS.values()}
    | {name for name in dir() if not name.startswith("_")} - {"FUNCTIONS", "UFUNCS",
                                                              "install_tracer_methods"}
)
