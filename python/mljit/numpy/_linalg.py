"""Contractions: matmul, dot, tensordot, outer and einsum, all expressed as
`ml.matmul` plus transposes and reshapes."""

from __future__ import annotations

import math
import operator

import numpy as _np
from numpy.lib.array_utils import normalize_axis_tuple

from .. import dtypes as _dtypes
from ..dialects import ml as _ml
from ..tracing import Tracer, build
from . import _core
from ._core import asarray, astype, unsupported
from ._reductions import sum as _sum
from ._shapes import reshape, transpose
from ._ufuncs import UFUNCS


def matmul(x1, x2, /, out=None, *, dtype=None, **kwargs):
    """`np.matmul` (`@`): 1-D operands are promoted and squeezed as NumPy does."""
    if not _core.traced(x1, x2):
        return _np.matmul(x1, x2, out=out, dtype=dtype, **kwargs)
    if out is not None or kwargs:
        raise unsupported("numpy.matmul with out= or ufunc keywords")
    a, b = asarray(x1), asarray(x2)
    for i, operand in enumerate((a, b)):
        if operand.ndim == 0:
            raise ValueError(
                f"matmul: Input operand {i} does not have enough dimensions (has 0, "
                "gufunc core with signature (n?,k),(k,m?)->(n?,m?) requires 1)"
            )
    keys = (_core.promotion_key(x1), _core.promotion_key(x2), None)
    if dtype is not None:
        keys = (_np.dtype(dtype), _np.dtype(dtype), None)
    result_dtype = _dtypes.check(_np.matmul.resolve_dtypes(keys)[2], "matmul operand")
    # Booleans: any(a and b) == (count of true products) != 0.
    compute = _np.dtype(_np.int64) if result_dtype == _np.bool_ else result_dtype
    a, b = astype(a, compute), astype(b, compute)
    squeeze = []
    if a.ndim == 1:
        a, squeeze = reshape(a, (1, a.shape[0])), squeeze + [-2]
    if b.ndim == 1:
        b, squeeze = reshape(b, (b.shape[0], 1)), squeeze + [-1]
    result = Tracer(build(_ml.MatmulOp, a.value, b.value).result)
    if squeeze:
        shape = list(result.shape)
        for axis in sorted(squeeze):
            del shape[axis if axis == -1 else len(shape) - 2]
        result = reshape(result, tuple(shape))
    if result_dtype == _np.bool_:
        result = UFUNCS[_np.not_equal](result, 0)
    return result


def tensordot(a, b, axes=2):
    """`np.tensordot`: contracts `axes` of `a` with `axes` of `b`."""
    if not _core.traced(a, b):
        return _np.tensordot(a, b, axes)
    a, b = asarray(a), asarray(b)
    if _np.ndim(axes) == 0:
        count = operator.index(axes)
        a_axes, b_axes = list(range(a.ndim - count, a.ndim)), list(range(count))
    else:
        a_axes, b_axes = ([axes[0]] if _np.ndim(axes[0]) == 0 else list(axes[0]),
                          [axes[1]] if _np.ndim(axes[1]) == 0 else list(axes[1]))
    a_axes = list(normalize_axis_tuple(a_axes, a.ndim))
    b_axes = list(normalize_axis_tuple(b_axes, b.ndim))
    if len(a_axes) != len(b_axes) or any(a.shape[i] != b.shape[j] for i, j in zip(a_axes, b_axes)):
        raise ValueError("shape-mismatch for sum")
    a_free = [i for i in range(a.ndim) if i not in a_axes]
    b_free = [j for j in range(b.ndim) if j not in b_axes]
    k = math.prod(a.shape[i] for i in a_axes)
    left = reshape(transpose(a, a_free + a_axes), (math.prod(a.shape[i] for i in a_free), k))
    right = reshape(transpose(b, b_axes + b_free), (k, math.prod(b.shape[j] for j in b_free)))
    product = matmul(left, right)
    return reshape(product, tuple(a.shape[i] for i in a_free) + tuple(b.shape[j] for j in b_free))


def dot(a, b, out=None):
    """`np.dot`: matmul for vectors and matrices, tensordot over a's last and
    b's second-to-last axis otherwise, multiply for scalars."""
    if not _core.traced(a, b):
        return _np.dot(a, b, out)
    if out is not None:
        raise unsupported("numpy.dot with out=")
    a, b = asarray(a), asarray(b)
    if a.ndim == 0 or b.ndim == 0:
        return UFUNCS[_np.multiply](a, b)
    if b.ndim <= 2 or a.ndim == 1:
        return matmul(a, b)
    return tensordot(a, b, axes=([-1], [-2]))


def outer(a, b, out=None):
    """`np.outer` of the flattened inputs."""
    if not _core.traced(a, b):
        return _np.outer(a, b, out)
    a, b = asarray(a), asarray(b)
    return UFUNCS[_np.multiply](reshape(a, (-1, 1)), reshape(b, (1, -1)))


def _parse(subscripts: str, count: int):
    subscripts = subscripts.replace(" ", "")
    if "." in subscripts:
        raise unsupported("numpy.einsum with '...'")
    inputs, arrow, output = subscripts.partition("->")
    terms = inputs.split(",")
    if len(terms) != count:
        raise ValueError("more operands provided to einstein sum function than specified "
                         "in the subscripts string" if count > len(terms) else
                         "fewer operands provided to einstein sum function than specified "
                         "in the subscripts string")
    for term in terms:
        if len(set(term)) != len(term):
            raise unsupported(f"numpy.einsum with a repeated index in '{term}' (diagonals)")
    if not arrow:
        letters = "".join(terms)
        output = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    return terms, output


def _sum_out(t: Tracer, indices: str, needed: str):
    """Sums `t` over the indices not in `needed`."""
    drop = tuple(i for i, c in enumerate(indices) if c not in needed)
    if not drop:
        return t, indices
    return _sum(t, axis=drop, dtype=t.dtype), "".join(c for c in indices if c in needed)


def _contract(x: Tracer, xs: str, y: Tracer, ys: str, keep: str, size: dict):
    """x (indices xs) times y (indices ys), summed over indices not in `keep`;
    returns the product and its indices. `size` maps indices to sizes."""
    # Indices only one operand has and nobody keeps are summed out first.
    x, xs = _sum_out(x, xs, ys + keep)
    y, ys = _sum_out(y, ys, xs + keep)
    batch = [c for c in xs if c in ys and c in keep]
    contracted = [c for c in xs if c in ys and c not in keep]
    x_free = [c for c in xs if c not in ys]
    y_free = [c for c in ys if c not in xs]

    def grouped(t, ts, groups):
        order = [ts.index(c) for group in groups for c in group]
        return reshape(transpose(t, order), tuple(math.prod(size[c] for c in g) for g in groups))

    left = grouped(x, xs, [batch, x_free, contracted])
    right = grouped(y, ys, [batch, contracted, y_free])
    product = matmul(left, right)
    indices = "".join(batch + x_free + y_free)
    return reshape(product, tuple(size[c] for c in indices)), indices


def einsum(subscripts, *operands, out=None, dtype=None, optimize=False, **kwargs):
    """`np.einsum` for sums of products (each expressed as matmuls and
    transposes); diagonals ('ii') and '...' are not supported."""
    if not _core.traced(*operands):
        return _np.einsum(subscripts, *operands, out=out, dtype=dtype, optimize=optimize, **kwargs)
    if out is not None or kwargs:
        raise unsupported("numpy.einsum with out= or casting/order keywords")
    if not isinstance(subscripts, str):
        raise unsupported("numpy.einsum in the interleaved (operand, sublist) form")
    terms, output = _parse(subscripts, len(operands))
    result_dtype = _dtypes.check(dtype if dtype is not None else _core.result_type(*operands))
    tracers = [astype(asarray(o), result_dtype) for o in operands]
    size = {}
    for t, term in zip(tracers, terms):
        if t.ndim != len(term):
            raise ValueError(
                "einstein sum subscripts string contains too many subscripts for operand"
                if len(term) > t.ndim else
                "operand has more dimensions than subscripts given in einstein sum")
        for c, d in zip(term, t.shape):
            if size.setdefault(c, d) != d:
                raise ValueError(f"operands could not be broadcast together: einsum index "
                                 f"'{c}' has sizes {size[c]} and {d}")
    if any(d == 0 for c, d in size.items() if c not in output):
        # Sums of nothing: zeros, as NumPy's, even where an operand holds NaN
        # or infinity (summing the other operand first would give NaN * 0).
        return _core.splat_like(tuple(size[c] for c in output), result_dtype, 0)
    value, indices = tracers[0], terms[0]
    for i in range(1, len(tracers)):
        later = "".join(terms[i + 1 :]) + output
        value, indices = _contract(value, indices, tracers[i], terms[i], later, size)
    value, indices = _sum_out(value, indices, output)
    return transpose(value, [indices.index(c) for c in output])
