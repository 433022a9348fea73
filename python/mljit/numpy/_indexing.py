"""Indexing traced arrays as NumPy does: basic indexing (integers, slices
with any step, None, ...) becomes `ml.slice` + `ml.reshape`; integer-array
("advanced") indexing becomes `ml.gather`, following NumPy's rules for where
the indexed dimensions go.
"""

from __future__ import annotations

import builtins
import math
import operator

import numpy as _np

from ..dialects import ml as _ml
from ..errors import UnsupportedError
from ..tracing import Tracer, build, user_position
from . import _core
from ._core import asarray
from ._shapes import ravel, reshape, transpose
from ._ufuncs import UFUNCS, where

_INT64 = _np.dtype(_np.int64)


def _mask_error() -> UnsupportedError:
    filename, line, _ = user_position()
    return UnsupportedError(
        f"{filename}:{line}: boolean mask indexing (x[mask]) is not supported: its "
        "result shape depends on the data, which is only known at run time. Use "
        "numpy.where(mask, x, fill) to keep the shape."
    )


def _classify(k):
    """'basic' (None, ..., slice), 'int', or 'array' (with the index array)."""
    if k is None or k is Ellipsis or isinstance(k, slice):
        return "basic", k
    if isinstance(k, Tracer):
        if k.dtype == _np.bool_:
            raise _mask_error()
        if k.dtype.kind not in "iu":
            raise IndexError("arrays used as indices must be of integer (or boolean) type")
        return "array", k
    if isinstance(k, (bool, _np.bool_)):
        raise _mask_error()
    if isinstance(k, (int, _np.integer)):
        return "int", operator.index(k)
    if isinstance(k, (list, tuple, _np.ndarray)):
        array = _np.asarray(k)
        if array.dtype == _np.bool_:
            raise _mask_error()
        if array.size and array.dtype.kind not in "iu":
            raise IndexError("arrays used as indices must be of integer (or boolean) type")
        return "array", array.astype(_INT64)
    raise IndexError(
        "only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and "
        "integer or boolean arrays are valid indices"
    )


def _expand(x: Tracer, key: tuple) -> tuple[list, bool]:
    """The classified key with `...` expanded to full slices, and whether
    the `...` stands between integer-array or integer entries (for NumPy
    they are then not next to each other, even where it stands for no axis)."""
    classified = [_classify(k) for k in key]
    used = builtins.sum(1 for _, k in classified if k is not None and k is not Ellipsis)
    ellipses = builtins.sum(1 for _, k in classified if k is Ellipsis)
    if ellipses > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if used > x.ndim:
        raise IndexError(
            f"too many indices for array: array is {x.ndim}-dimensional, "
            f"but {used} were indexed"
        )
    fill = [("basic", slice(None))] * (x.ndim - used)
    at = next((i for i, (_, k) in enumerate(classified) if k is Ellipsis), len(classified))
    split = builtins.all(builtins.any(kind != "basic" for kind, _ in side)
                         for side in (classified[:at], classified[at + 1:]))
    return classified[:at] + fill + classified[at + 1 :], split


def _basic(x: Tracer, key: list) -> Tracer:
    """Slices, integers and None: one ml.slice, then one reshape."""
    start, limit, stride, shape = [], [], [], []
    dim = 0
    for kind, k in key:
        if k is None:
            shape.append(1)
            continue
        size = x.shape[dim]
        if kind == "basic":
            lo, hi, step = k.indices(size)
            count = len(range(lo, hi, step))
            start.append(lo)
            limit.append(hi if count else lo)
            stride.append(step)
            shape.append(count)
        else:
            if not -size <= k < size:
                raise IndexError(f"index {k} is out of bounds for axis {dim} with size {size}")
            k %= size
            start.append(k)
            limit.append(k + 1)
            stride.append(1)
        dim += 1
    full = start == [0] * x.ndim and stride == [1] * x.ndim and limit == list(x.shape)
    result = x if full else Tracer(build(_ml.SliceOp, x.value, start, limit, stride).result)
    return reshape(result, tuple(shape))


def _checked_constant(index: _np.ndarray, axis: int, size: int) -> _np.ndarray:
    bad = (index < -size) | (index >= size)
    if bad.any():
        value = int(index[bad].flat[0])
        raise IndexError(f"index {value} is out of bounds for axis {axis} with size {size}")
    return index % builtins.max(size, 1)


def _advanced(x: Tracer, key: list, split: bool) -> Tracer:
    """Integer arrays (and integers with them) index; slices keep their axes.

    The basic part is applied first with the advanced axes kept whole; the
    advanced axes are then moved together (to the front when they were not
    adjacent in the key, as NumPy does), merged into one, and gathered with
    the row-major combination of the broadcast index arrays."""
    basic_key, advanced = [], []  # advanced: (axis of the intermediate, index)
    for axis, (kind, k) in enumerate(key):
        # Every entry, None included, is one axis of the intermediate.
        if kind == "basic":
            basic_key.append((kind, k))
        else:
            basic_key.append(("basic", slice(None)))
            advanced.append((axis, k))
    y = _basic(x, basic_key)
    axes = [a for a, _ in advanced]
    indices = []
    for a, k in advanced:
        size = y.shape[a]
        if isinstance(k, Tracer):
            indices.append(k)
        else:
            indices.append(_checked_constant(_np.asarray(k, _INT64), a, size))
    try:
        index_shape = _np.broadcast_shapes(*(_core.shape_of(i) for i in indices))
    except ValueError:
        shapes = " ".join(str(_core.shape_of(i)) for i in indices)
        raise IndexError(f"shape mismatch: indexing arrays could not be broadcast together "
                         f"with shapes {shapes}") from None
    adjacent = not split and axes == list(range(axes[0], axes[0] + len(axes)))
    if not adjacent:
        rest = [a for a in range(y.ndim) if a not in axes]
        y = transpose(y, axes + rest)
        axes = list(range(len(axes)))
    first = axes[0]
    sizes = [y.shape[a] for a in axes]
    if len(axes) == 1:
        combined = indices[0]
    else:
        # Row-major linear index over the merged axes; each index is wrapped
        # and clamped on its own axis first, so no index spills into another.
        combined = None
        for index, size in zip(indices, sizes):
            if isinstance(index, Tracer):
                index = _wrap_and_clamp(index, size)
            combined = index if combined is None else UFUNCS[_np.add](
                UFUNCS[_np.multiply](combined, size), index)
        merged = y.shape[:first] + (math.prod(sizes),) + y.shape[first + len(axes):]
        y = reshape(y, merged)
    combined = asarray(combined)
    combined = _core.broadcast_value(combined, index_shape) if combined.shape != index_shape else combined
    return Tracer(build(_ml.GatherOp, y.value, combined.value, first).result)


def _wrap_and_clamp(index: Tracer, size: int) -> Tracer:
    """NumPy's negative indices, then the nearest valid index (as ml.gather)."""
    index = _core.astype(index, _INT64)
    negative = UFUNCS[_np.less](index, 0)
    index = where(negative, UFUNCS[_np.add](index, size), index)
    return UFUNCS[_np.minimum](UFUNCS[_np.maximum](index, 0), size - 1)


def getitem(x: Tracer, key) -> Tracer:
    """x[key] with NumPy's semantics (see the module docstring)."""
    key, split = _expand(x, key if isinstance(key, tuple) else (key,))
    if builtins.all(kind != "array" for kind, _ in key):
        return _basic(x, key)
    return _advanced(x, key, split)


def take(a, indices, axis=None, out=None, mode="raise"):
    """`np.take`: indices along `axis` (the flattened array for None)."""
    if not _core.traced(a, indices):
        return _np.take(a, indices, axis, out, mode)
    if out is not None or mode != "raise":
        raise _core.unsupported("numpy.take with out= or mode=")
    a = asarray(a)
    if axis is None:
        a, axis = ravel(a), 0
    key = [slice(None)] * a.ndim
    key[_np.lib.array_utils.normalize_axis_index(axis, a.ndim)] = (
        indices if isinstance(indices, Tracer) else _np.asarray(indices))
    return getitem(a, tuple(key))
