"""NumPy's functions on the parts of complex arrays (real, imag, angle).

On real arrays they answer as NumPy does: the array itself, zeros, and the
angle of a real number (0 or pi).
"""

from __future__ import annotations

import math

import numpy as _np

from .. import dtypes as _dtypes
from ..tracing import Tracer
from . import _core
from ._ufuncs import UFUNCS


def real(val):
    """`np.real`: the real part (a real array itself)."""
    if not _core.traced(val):
        return _np.real(val)
    val = _core.asarray(val)
    return _core.complex_parts(val)[0] if _dtypes.is_complex(val.dtype) else val


def imag(val):
    """`np.imag`: the imaginary part (zeros of a real array's dtype)."""
    if not _core.traced(val):
        return _np.imag(val)
    val = _core.asarray(val)
    if _dtypes.is_complex(val.dtype):
        return _core.complex_parts(val)[1]
    return _core.splat_like(val.shape, val.dtype, 0)


def angle(z, deg=False):
    """`np.angle`: arctan2(imag, real), in degrees under `deg`."""
    if not _core.traced(z):
        return _np.angle(z, deg)
    z = _core.asarray(z)
    if _dtypes.is_complex(z.dtype):
        result = UFUNCS[_np.arctan2](imag(z), real(z))
    else:
        result = UFUNCS[_np.arctan2](0, z)
    return UFUNCS[_np.multiply](result, 180 / math.pi) if deg else result


def iscomplexobj(x) -> bool:
    """`np.iscomplexobj`: whether the dtype is complex (known while tracing)."""
    return _dtypes.is_complex(x.dtype) if isinstance(x, Tracer) else _np.iscomplexobj(x)


def isrealobj(x) -> bool:
    """`np.isrealobj`."""
    return not iscomplexobj(x)
