"""Shape functions of NumPy on traced arrays: reshapes, transposes, joins,
splits, triangles and the *_like constructors."""

from __future__ import annotations

import builtins
import math
import operator

import numpy as _np
from numpy.lib.array_utils import normalize_axis_index, normalize_axis_tuple

from .. import dtypes as _dtypes
from ..dialects import ml as _ml
from .. import symbolic
from ..symbolic import Dim, same_shape
from ..tracing import Tracer, build, current_trace
from . import _core, _views
from ._core import asarray, traced, unsupported
from ._ufuncs import where


def _shape_tuple(shape) -> tuple:
    return tuple(d if isinstance(d, Dim) else operator.index(d)
                 for d in ((shape,) if isinstance(shape, Dim) or _np.ndim(shape) == 0
                           else shape))


def broadcast_to(array, shape, subok=False):
    """`np.broadcast_to`: NumPy's broadcasting rules, as a copy-free op."""
    shape = _shape_tuple(shape)
    if not isinstance(array, Tracer):
        return _np.broadcast_to(array, shape)
    # NumPy's own checks and messages, on a zero-stride stand-in of the array.
    _np.broadcast_to(_np.broadcast_to(False, _views.hinted(array.shape)), _views.hinted(shape))
    _core.broadcast_shapes(array.shape, shape)  # symbolic sizes: guards
    return _views.view_of(array, _views.Step(
        lambda t: _core.broadcast_value(t, shape), None,
        lambda stand_in: _np.broadcast_to(stand_in, _views.hinted(shape))))


def _new_shape(size: int, shape) -> tuple:
    """`shape` with a -1 resolved, checked against `size` as NumPy does."""
    shape = _shape_tuple(shape)
    unknown = [i for i, d in enumerate(shape) if isinstance(d, int) and d == -1]
    if len(unknown) > 1:
        raise ValueError("can only specify one unknown dimension")
    if builtins.any(isinstance(d, int) and d < -1 for d in shape):
        raise ValueError("negative dimensions not allowed")
    known = math.prod(d for i, d in enumerate(shape) if i not in unknown)
    if unknown and known and size % known == 0:
        shape = shape[: unknown[0]] + (size // known,) + shape[unknown[0] + 1 :]
    if builtins.any(isinstance(d, int) and d == -1 for d in shape) or math.prod(shape) != size:
        raise ValueError(f"cannot reshape array of size {size} into shape {shape}")
    return shape


def reshape(a, shape=None, order="C", *, newshape=None, copy=None):
    """`np.reshape` (row-major only): a view where NumPy makes one."""
    shape = newshape if shape is None else shape
    if not isinstance(a, Tracer):
        return _np.reshape(a, shape, order=order)
    if order != "C":
        raise unsupported(f"reshape with order={order!r}")
    shape = _new_shape(a.size, shape)
    if not copy:
        try:
            _views.layout(a).reshape(_views.hinted(shape), copy=False)
        except ValueError:
            if copy is False:
                raise
        else:
            return _views.view_of(a, reshape_step(shape))
    return _views.fresh(reshape_value(a, shape))


def reshape_step(shape: tuple) -> _views.Step:
    """The step from an array to its view in `shape`."""
    return _views.Step(
        lambda t: reshape_value(t, shape), lambda t, new: reshape_value(new, t.shape),
        lambda stand_in: stand_in.reshape(_views.hinted(shape), copy=False))


def reshape_value(a: Tracer, shape: tuple) -> Tracer:
    """`a`'s values in `shape` (same size)."""
    if same_shape(shape, a.shape):
        return a
    result_type = _dtypes.tensor_type(shape, a.dtype)
    return Tracer(build(_ml.ReshapeOp, result_type, a.value,
                        current_trace().dynamic_sizes(shape)).result)


def ravel(a, order="C"):
    """`np.ravel`: the elements in row-major order, 1-D; a view only of a
    contiguous array, as NumPy's (a reshape would view a broadcast row)."""
    if not isinstance(a, Tracer):
        return _np.ravel(a, order)
    return reshape(a, -1, order=order, copy=None if _views.layout(a).flags.c_contiguous
                   else True)


def transpose(a, axes=None):
    """`np.transpose`: reverses the axes, or permutes them by `axes` (a view)."""
    if not isinstance(a, Tracer):
        return _np.transpose(a, axes)
    if axes is None:
        axes = tuple(reversed(range(a.ndim)))
    elif len(axes) != a.ndim:
        raise ValueError("axes don't match array")
    axes = normalize_axis_tuple(axes, a.ndim)
    inverse = tuple(int(i) for i in _np.argsort(axes))
    return _views.view_of(a, _views.Step(
        lambda t: transpose_value(t, axes), lambda t, new: transpose_value(new, inverse),
        lambda stand_in: stand_in.transpose(axes)))


def transpose_value(a: Tracer, axes: tuple) -> Tracer:
    """`a`'s values with its axes permuted."""
    if axes == tuple(range(a.ndim)):
        return a
    return Tracer(build(_ml.TransposeOp, a.value, list(axes)).result)


def swapaxes(a, axis1, axis2):
    if not isinstance(a, Tracer):
        return _np.swapaxes(a, axis1, axis2)
    axes = list(range(a.ndim))
    i, j = normalize_axis_index(axis1, a.ndim), normalize_axis_index(axis2, a.ndim)
    axes[i], axes[j] = axes[j], axes[i]
    return transpose(a, axes)


def moveaxis(a, source, destination):
    if not isinstance(a, Tracer):
        return _np.moveaxis(a, source, destination)
    source = normalize_axis_tuple(source, a.ndim, "source")
    destination = normalize_axis_tuple(destination, a.ndim, "destination")
    if len(source) != len(destination):
        raise ValueError("`source` and `destination` arguments must have the same "
                         "number of elements")
    order = [n for n in range(a.ndim) if n not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return transpose(a, order)


def matrix_transpose(x):
    """The last two axes swapped (`x.mT`)."""
    if x.ndim < 2:
        raise ValueError("matrix transpose with ndim < 2 is undefined")
    return swapaxes(x, -1, -2)


def flip(m, axis=None):
    """`np.flip`: the elements along `axis` (every axis for None) reversed."""
    if not isinstance(m, Tracer):
        return _np.flip(m, axis)
    axes = range(m.ndim) if axis is None else normalize_axis_tuple(axis, m.ndim)
    key = tuple(slice(None, None, -1) if i in axes else slice(None) for i in range(m.ndim))
    return m[key]


def squeeze(a, axis=None):
    if not isinstance(a, Tracer):
        return _np.squeeze(a, axis)
    if axis is None:
        axes = [i for i, d in enumerate(a.shape) if d == 1]
    else:
        axes = normalize_axis_tuple(axis, a.ndim)
        if builtins.any(a.shape[i] != 1 for i in axes):
            raise ValueError("cannot select an axis to squeeze out which has size not equal to one")
    return reshape(a, tuple(d for i, d in enumerate(a.shape) if i not in axes))


def expand_dims(a, axis):
    if not isinstance(a, Tracer):
        return _np.expand_dims(a, axis)
    axis = (axis,) if _np.ndim(axis) == 0 else tuple(axis)
    axes = normalize_axis_tuple(axis, a.ndim + len(axis))
    dims = iter(a.shape)
    return reshape(a, tuple(1 if i in axes else next(dims) for i in range(a.ndim + len(axes))))


def atleast_1d(a):
    a = asarray(a)
    return reshape(a, (1,)) if a.ndim == 0 else a


def atleast_2d(a):
    a = asarray(a)
    return reshape(a, (1,) * (2 - a.ndim) + a.shape) if a.ndim < 2 else a


def concatenate(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    """`np.concatenate` of a sequence of arrays (`axis=None` flattens)."""
    arrays = list(arrays)
    if not traced(*arrays):
        return _np.concatenate(arrays, axis=axis, dtype=dtype, casting=casting)
    if out is not None:
        raise unsupported("numpy.concatenate with out=")
    if not arrays:
        raise ValueError("need at least one array to concatenate")
    if axis is not None and builtins.any(_core.ndim_of(a) == 0 for a in arrays):
        raise ValueError("zero-dimensional arrays cannot be concatenated")
    # NumPy promotes Python scalars (traced ones too) weakly, as NEP 50 says:
    # (int8 array, 3) joins as int8, a 300 wrapping as its int64 would.
    dtype = _dtypes.check(_core.result_type(*arrays) if dtype is None else dtype,
                          "concatenate operand")
    for a in arrays:
        _check_cast(a, dtype, casting)
    # Others as NumPy converts them: to arrays (300 is int64), then cast.
    tracers = [asarray(a if isinstance(a, Tracer) else _np.asarray(a).astype(dtype), dtype)
               for a in arrays]
    if axis is None:
        tracers, axis = [ravel(t) for t in tracers], 0
    axis = normalize_axis_index(axis, tracers[0].ndim)
    if len(tracers) == 1:
        return tracers[0]
    _check_joined_sizes([_core.shape_of(t) for t in tracers], axis)
    return Tracer(build(_ml.ConcatenateOp, [t.value for t in tracers], axis).result)


def _check_joined_sizes(shapes, axis) -> None:
    """NumPy's ValueError for operands whose sizes differ off `axis`, where
    a size is symbolic: the op's verifier takes a symbolic size for any, and
    the code would run on (a guard records the comparison made)."""
    if not builtins.any(symbolic.is_symbolic(shape) for shape in shapes):
        return  # static sizes: the verifier names the difference
    first = shapes[0]
    for index, shape in enumerate(shapes[1:], 1):
        for dimension, (size, other) in enumerate(zip(first, shape)):
            if dimension != axis and size != other:
                raise ValueError(
                    "all the input array dimensions except for the concatenation axis must "
                    f"match exactly, but along dimension {dimension}, the array at index 0 "
                    f"has size {size} and the array at index {index} has size {other}")


def _check_cast(a, dtype, casting) -> None:
    """TypeError as NumPy's concatenate gives when `casting` forbids casting
    operand `a` to `dtype`; a Python int or float goes to any dtype its kind
    promotes into (an int into int8 even under 'no')."""
    key = _core.promotion_key(a)
    if isinstance(key, type):  # a weak Python int or float
        if _core.result_type(a, _np.zeros((), dtype)) == dtype:
            return
        key = _np.dtype(key)
    if not _np.can_cast(key, dtype, casting):
        what = "scalar" if _core.ndim_of(a) == 0 else "array data"
        raise TypeError(f"Cannot cast {what} from {key!r} to {dtype!r} according to the "
                        f"rule {casting!r}")


def stack(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    arrays = list(arrays)
    if not traced(*arrays):
        return _np.stack(arrays, axis=axis, dtype=dtype, casting=casting)
    if not arrays:
        raise ValueError("need at least one array to stack")
    shapes = {_core.shape_of(a) for a in arrays}
    if len(shapes) != 1:
        raise ValueError("all input arrays must have the same shape")
    axis = normalize_axis_index(axis, _core.ndim_of(arrays[0]) + 1)
    return concatenate([expand_dims(asarray(a), axis) for a in arrays], axis, out,
                       dtype=dtype, casting=casting)


def stack_nested(values, dtype=None) -> Tracer:
    """A (nested) list of traced and other values as one array, as
    np.array makes it: with `dtype`, each value is cast to it on its own
    (not through the type the values promote to)."""
    if isinstance(values, (list, tuple)):
        return (stack([stack_nested(v, dtype) for v in values]) if values
                else asarray(_np.zeros(0, dtype or float)))
    return asarray(values, dtype)


def hstack(tup, *, dtype=None, casting="same_kind"):
    arrays = [atleast_1d(a) for a in tup]
    axis = 0 if arrays and arrays[0].ndim == 1 else 1
    return concatenate(arrays, axis, dtype=dtype, casting=casting)


def vstack(tup, *, dtype=None, casting="same_kind"):
    return concatenate([atleast_2d(a) for a in tup], 0, dtype=dtype, casting=casting)


def _split(ary, indices_or_sections, axis, equal):
    ary = asarray(ary)
    axis = normalize_axis_index(axis, ary.ndim)
    length = ary.shape[axis]
    if _np.ndim(indices_or_sections) == 0:
        sections = operator.index(indices_or_sections)
        if sections <= 0:
            raise ValueError("number sections must be larger than 0.")
        if equal and length % sections:
            raise ValueError("array split does not result in an equal division")
        size, extra = divmod(length, sections)
        bounds = [0]
        for i in range(sections):
            bounds.append(bounds[-1] + size + (1 if i < extra else 0))
    else:
        bounds = [0, *(operator.index(i) for i in indices_or_sections), length]
    index = [slice(None)] * ary.ndim
    pieces = []
    for start, stop in zip(bounds[:-1], bounds[1:]):
        index[axis] = slice(start, stop)
        pieces.append(ary[tuple(index)])
    return pieces


def split(ary, indices_or_sections, axis=0):
    """`np.split`: equal sections (or at the given indices) along `axis`."""
    return _split(ary, indices_or_sections, axis, equal=True)


def array_split(ary, indices_or_sections, axis=0):
    return _split(ary, indices_or_sections, axis, equal=False)


def _triangle(m, k, lower):
    m = asarray(m)
    if m.ndim < 2:
        raise unsupported("numpy.tril/triu of a 1-D array")
    rows, columns = m.shape[-2:]
    if isinstance(rows, Dim) or isinstance(columns, Dim):
        from ._creation import symbolic
        mask = symbolic("tri", (rows, columns), dict(k=k if lower else k - 1, dtype=bool))
    else:
        mask = _np.tri(rows, columns, k=k if lower else k - 1, dtype=bool)
    if not lower:
        mask = ~mask
    return where(mask, m, _np.zeros((), m.dtype))


def tril(m, k=0):
    """`np.tril`: zeros above the k-th diagonal."""
    if not traced(m):
        return _np.tril(m, k)
    return _triangle(m, k, lower=True)


def triu(m, k=0):
    """`np.triu`: zeros below the k-th diagonal."""
    if not traced(m):
        return _np.triu(m, k)
    return _triangle(m, k, lower=False)


def _like(a, dtype, shape, value):
    dtype = _dtypes.check(a.dtype if dtype is None else dtype)
    shape = a.shape if shape is None else _shape_tuple(shape)
    if isinstance(value, Tracer):
        return broadcast_to(_core.astype(value, dtype), shape)
    return _core.splat_like(shape, dtype, value)


def zeros_like(a, dtype=None, order="K", subok=True, shape=None, *, device=None):
    return _like(asarray(a), dtype, shape, 0)


def ones_like(a, dtype=None, order="K", subok=True, shape=None, *, device=None):
    return _like(asarray(a), dtype, shape, 1)


def empty_like(a, dtype=None, order="K", subok=True, shape=None, *, device=None):
    # Empty means "any values": zeros keep results deterministic.
    return _like(asarray(a), dtype, shape, 0)


def full_like(a, fill_value, dtype=None, order="K", subok=True, shape=None, *, device=None):
    """`np.full_like`: the fill value is cast to the dtype as NumPy's
    (unsafe) copy does (2.7 into an int array is 2)."""
    a = asarray(a)
    target = _dtypes.check(a.dtype if dtype is None else dtype)
    if type(fill_value) is int:  # NEP 50: a Python int out of range raises
        fill_value = _np.asarray(fill_value, dtype=target)
    elif not isinstance(fill_value, Tracer):
        fill_value = _np.asarray(fill_value).astype(target)
    return _like(a, target, shape, fill_value)


def copy(a, order="K", subok=False):
    """A new array with `a`'s values: later writes to either leave the
    other as it is."""
    return _views.fresh(asarray(a))
