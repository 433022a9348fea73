"""Reductions and scans of NumPy on traced arrays.

Result dtypes are NumPy's: asked of NumPy itself on a one-element array of
the input dtype (np.sum of int32 is int64, np.mean of int is float64, ...).
"""

from __future__ import annotations

import builtins
import math

import numpy as _np
from numpy.lib.array_utils import normalize_axis_index, normalize_axis_tuple

from .. import dtypes as _dtypes
from ..dialects import ml as _ml
from ..symbolic import Dim
from ..tracing import Tracer, build
from . import _core
from ._core import asarray, astype, unsupported
from ._shapes import ravel, reshape
from ._ufuncs import UFUNCS

_NO_VALUE = _np._NoValue
_BOOL = _np.dtype(_np.bool_)


def _check_unsupported(name, out=None, initial=_NO_VALUE, where=True):
    if out is not None:
        raise unsupported(f"numpy.{name} with out=")
    if initial is not _NO_VALUE:
        raise unsupported(f"numpy.{name} with initial=")
    if where is not True:
        raise unsupported(f"numpy.{name} with where=")


def _axes(axis, ndim) -> list:
    if axis is None:
        return list(range(ndim))
    return sorted(normalize_axis_tuple(axis, ndim))


def _reduce(kind, a: Tracer, axis, keepdims) -> Tracer:
    if _dtypes.is_complex(a.dtype) and kind in (_ml.ReduceKind.Max, _ml.ReduceKind.Min):
        raise unsupported(f"numpy.{'max' if kind == _ml.ReduceKind.Max else 'min'} "
                          "of complex numbers")
    axes = _axes(axis, a.ndim)
    if not axes:
        return a
    if a.dtype == _BOOL and kind in (_ml.ReduceKind.Sum, _ml.ReduceKind.Prod):
        # NumPy adds booleans with `or` and multiplies them with `and`.
        if kind == _ml.ReduceKind.Sum:
            return _boolean(_ml.ReduceKind.Max, False, a, axis, keepdims)
        return _boolean(_ml.ReduceKind.Min, True, a, axis, keepdims)
    return Tracer(build(_ml.ReduceOp, kind, a.value, axes, keepdims=bool(keepdims)).result)


def _result_dtype(numpy_function, dtype, **kwargs) -> _np.dtype:
    return _dtypes.check(numpy_function(_np.zeros(1, dtype), **kwargs).dtype)


def _accumulating(kind, numpy_function, a, axis, dtype, keepdims):
    """sum/prod: small integers and booleans accumulate in int64, as NumPy's."""
    a = asarray(a)
    out = _dtypes.check(dtype) if dtype is not None else _result_dtype(numpy_function, a.dtype)
    return _reduce(kind, astype(a, out), axis, keepdims)


def sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NO_VALUE, where=True):
    """`np.sum`."""
    if not _core.traced(a):
        return _np.sum(a, axis, dtype, out, keepdims, initial, where)
    _check_unsupported("sum", out, initial, where)
    return _accumulating(_ml.ReduceKind.Sum, _np.sum, a, axis, dtype, keepdims)


def prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NO_VALUE, where=True):
    """`np.prod`."""
    if not _core.traced(a):
        return _np.prod(a, axis, dtype, out, keepdims, initial, where)
    _check_unsupported("prod", out, initial, where)
    return _accumulating(_ml.ReduceKind.Prod, _np.prod, a, axis, dtype, keepdims)


def max(a, axis=None, out=None, keepdims=False, initial=_NO_VALUE, where=True):
    """`np.max` (NaN propagates; a zero-size axis is an error)."""
    if not _core.traced(a):
        return _np.max(a, axis, out, keepdims, initial, where)
    _check_unsupported("max", out, initial, where)
    return _reduce(_ml.ReduceKind.Max, asarray(a), axis, keepdims)


def min(a, axis=None, out=None, keepdims=False, initial=_NO_VALUE, where=True):
    """`np.min` (NaN propagates; a zero-size axis is an error)."""
    if not _core.traced(a):
        return _np.min(a, axis, out, keepdims, initial, where)
    _check_unsupported("min", out, initial, where)
    return _reduce(_ml.ReduceKind.Min, asarray(a), axis, keepdims)


amax, amin = max, min


def _boolean(kind, empty_result, a, axis, keepdims):
    a = astype(asarray(a), _BOOL)
    if builtins.any(a.shape[i] == 0 for i in _axes(axis, a.ndim)):
        return _core.splat_like(_reduced_shape(a, axis, keepdims), _BOOL, empty_result)
    return _reduce(kind, a, axis, keepdims)


def all(a, axis=None, out=None, keepdims=False, *, where=True):
    """`np.all`: every element non-zero (a boolean min; true when empty)."""
    if not _core.traced(a):
        return _np.all(a, axis, out, keepdims, where=where)
    _check_unsupported("all", out, where=where)
    return _boolean(_ml.ReduceKind.Min, True, a, axis, keepdims)


def any(a, axis=None, out=None, keepdims=False, *, where=True):
    """`np.any`: some element non-zero (a boolean max; false when empty)."""
    if not _core.traced(a):
        return _np.any(a, axis, out, keepdims, where=where)
    _check_unsupported("any", out, where=where)
    return _boolean(_ml.ReduceKind.Max, False, a, axis, keepdims)


def _reduced_shape(a: Tracer, axis, keepdims) -> tuple:
    axes = _axes(axis, a.ndim)
    return tuple(1 if i in axes else d for i, d in enumerate(a.shape) if keepdims or i not in axes)


def _count(a: Tracer, axis) -> int:
    return math.prod(a.shape[i] for i in _axes(axis, a.ndim))


def _divide(total: Tracer, count: int) -> Tracer:
    """total / count as NumPy's mean and var divide: by an intp (so in float64
    for float32 and float16), rounded back to the total's dtype."""
    divisor = _core.size_array(count) if isinstance(count, Dim) else _np.intp(count)
    return astype(UFUNCS[_np.true_divide](total, divisor), total.dtype)


def mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    """`np.mean`: integers average in float64, float16 accumulates in float32."""
    if not _core.traced(a):
        return _np.mean(a, axis, dtype, out, keepdims, where=where)
    _check_unsupported("mean", out, where=where)
    a = asarray(a)
    result_dtype = _dtypes.check(dtype) if dtype is not None else _result_dtype(_np.mean, a.dtype)
    if dtype is None:
        dtype = _np.float32 if a.dtype == _np.float16 else result_dtype
    return astype(_divide(sum(a, axis, dtype, keepdims=keepdims), _count(a, axis)), result_dtype)


def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True,
        mean=None, correction=None):
    """`np.var`: NumPy's two-pass algorithm with its roundings: the mean in
    `dtype`, the deviations in the type `a` and the mean promote to."""
    if not _core.traced(a):
        return _np.var(a, axis, dtype, out, ddof, keepdims, where=where)
    _check_unsupported("var", out, where=where)
    if mean is not None or correction is not None:
        raise unsupported("numpy.var with mean= or correction=")
    a = asarray(a)
    if dtype is None and a.dtype.kind in "biu":
        dtype = _np.float64
    count = _count(a, axis)
    deviation = UFUNCS[_np.subtract](a, _divide(sum(a, axis, dtype, keepdims=True), count))
    if _dtypes.is_complex(deviation.dtype):
        # |d|^2, real, as NumPy's var: re^2 + im^2.
        squares = UFUNCS[_np.add](*(UFUNCS[_np.multiply](p, p)
                                    for p in _core.complex_parts(deviation)))
    else:
        squares = UFUNCS[_np.multiply](deviation, deviation)
    return _divide(sum(squares, axis, dtype, keepdims=keepdims), builtins.max(count - ddof, 0))


def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=True,
        mean=None, correction=None):
    """`np.std`: the square root of `var`."""
    if not _core.traced(a):
        return _np.std(a, axis, dtype, out, ddof, keepdims, where=where)
    variance = var(a, axis, dtype, out, ddof, keepdims, where=where, mean=mean,
                   correction=correction)
    return UFUNCS[_np.sqrt](variance)


def _arg_reduce(op_class, numpy_function, a, axis, out, keepdims):
    if not _core.traced(a):
        return numpy_function(a, axis=axis, out=out, keepdims=keepdims)
    if out is not None:
        raise unsupported(f"numpy.{numpy_function.__name__} with out=")
    a = asarray(a)
    if _dtypes.is_complex(a.dtype):
        raise unsupported(f"numpy.{numpy_function.__name__} of complex numbers")
    if axis is None:
        index = Tracer(build(op_class, ravel(a).value, 0).result)
        return reshape(index, (1,) * a.ndim) if keepdims else index
    axis = normalize_axis_index(axis, a.ndim)
    return Tracer(build(op_class, a.value, axis, keepdims=bool(keepdims)).result)


def argmax(a, axis=None, out=None, *, keepdims=False):
    """`np.argmax`: the first maximal element (the first NaN if any)."""
    return _arg_reduce(_ml.ArgMaxOp, _np.argmax, a, axis, out, keepdims)


def argmin(a, axis=None, out=None, *, keepdims=False):
    """`np.argmin`: the first minimal element (the first NaN if any)."""
    return _arg_reduce(_ml.ArgMinOp, _np.argmin, a, axis, out, keepdims)


def cumsum(a, axis=None, dtype=None, out=None):
    """`np.cumsum` (`axis=None` flattens); small integers accumulate in int64."""
    if not _core.traced(a):
        return _np.cumsum(a, axis, dtype, out)
    if out is not None:
        raise unsupported("numpy.cumsum with out=")
    a = asarray(a)
    if axis is None:
        a, axis = ravel(a), 0
    axis = normalize_axis_index(axis, a.ndim)
    out_dtype = _dtypes.check(dtype) if dtype is not None else _result_dtype(_np.cumsum, a.dtype)
    if out_dtype == _BOOL:
        # A running `or`: whether the running count of true elements is non-zero.
        counts = cumsum(astype(astype(a, _BOOL), _np.int64), axis)
        return UFUNCS[_np.not_equal](counts, 0)
    return Tracer(build(_ml.CumsumOp, astype(a, out_dtype).value, axis).result)
