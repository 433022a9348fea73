"""`np.linalg.norm` for the norms that are sums and maxima (vector norms,
Frobenius); the singular-value norms need a decomposition mljit lacks."""

from __future__ import annotations

import numpy as _np
from numpy.lib.array_utils import normalize_axis_tuple

from .. import dtypes as _dtypes
from . import _core
from ._core import asarray, astype, unsupported
from ._reductions import _reduced_shape
from ._reductions import max as _max
from ._reductions import min as _min
from ._reductions import sum as _sum
from ._ufuncs import UFUNCS


def norm(x, ord=None, axis=None, keepdims=False):
    """`np.linalg.norm`: vector norms (None/2, 1, inf, -inf, p) and the
    Frobenius norm ('fro'/None) of matrices."""
    if not _core.traced(x):
        return _np.linalg.norm(x, ord, axis, keepdims)
    x = asarray(x)
    # NumPy's 2-norms of complex numbers add re^2 + im^2; the others take
    # magnitudes.
    squares = None
    if _dtypes.is_complex(x.dtype):
        squares = UFUNCS[_np.add](*(UFUNCS[_np.multiply](p, p) for p in _core.complex_parts(x)))
        x = UFUNCS[_np.absolute](x)
    if not _core.is_float(x.dtype):
        x = astype(x, _np.float64)
    axes = tuple(range(x.ndim)) if axis is None else normalize_axis_tuple(axis, x.ndim)
    matrix = len(axes) == 2
    if matrix and ord not in (None, "fro"):
        raise unsupported(f"numpy.linalg.norm of a matrix with ord={ord!r}")
    if not matrix and len(axes) != 1 and ord is not None:
        raise unsupported("numpy.linalg.norm over more than two axes with ord")
    magnitude = UFUNCS[_np.absolute](x)
    if ord in (None, 2, "fro"):
        if squares is None:
            squares = UFUNCS[_np.multiply](x, x)
        return UFUNCS[_np.sqrt](_sum(squares, axis=axes, keepdims=keepdims))
    if ord == _np.inf:
        if any(x.shape[a] == 0 for a in axes):  # NumPy's max(initial=0)
            return _core.splat_like(_reduced_shape(x, axes, keepdims), x.dtype, 0)
        return _max(magnitude, axis=axes, keepdims=keepdims)
    if ord == -_np.inf:
        return _min(magnitude, axis=axes, keepdims=keepdims)
    if ord == 1:
        return _sum(magnitude, axis=axes, keepdims=keepdims)
    if isinstance(ord, (int, float)) and ord != 0:
        powered = UFUNCS[_np.power](magnitude, float(ord))
        return UFUNCS[_np.power](_sum(powered, axis=axes, keepdims=keepdims), 1.0 / ord)
    raise unsupported(f"numpy.linalg.norm with ord={ord!r}")
