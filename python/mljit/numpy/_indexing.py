"""Indexing traced arrays as NumPy does, for reading and for writing.

Every index NumPy takes is first normalized (`_entries`): integers (Python,
NumPy, 0-d arrays), slices, None, `...`, and integer arrays given as arrays,
ranges, or nested lists of ints and traced scalars; a boolean array known at
trace time becomes the integer arrays of its `nonzero()`. Then:

- basic indexing (integers, slices, None, ...) is a view (`ml.slice` +
  reshape to read, `ml.update_slice` to write through it); a slice whose
  bounds are symbolic (a KV-cache position `x[pos:pos + n]`, for a Python
  int argument of a dynamic variant) uses `ml.dynamic_slice` and
  `ml.dynamic_update_slice`, under guards that keep it within the array;
- integer-array ("advanced") indexing reads with `ml.gather` and writes with
  `ml.scatter`, following NumPy's rules for where the indexed dimensions go:
  the basic part is a view, the indexed axes are moved together and merged
  into one, indexed by the row-major combination of the index arrays.
"""

from __future__ import annotations

import builtins
import math
import operator

import numpy as _np
from numpy.lib.stride_tricks import as_strided

from ..dialects import ml as _ml
from ..errors import UnsupportedError
from ..symbolic import Dim, same_shape
from .. import dtypes
from ..tracing import Tracer, build, current_trace, user_position
from . import _core, _creation, _views
from ._core import asarray
from ._shapes import ravel, reshape_step, reshape_value, stack_nested, transpose
from ._ufuncs import UFUNCS, where

_INT64 = _np.dtype(_np.int64)


def _mask_error(what: str = "boolean mask indexing (x[mask]) with a traced mask") -> UnsupportedError:
    filename, line, _ = user_position()
    return UnsupportedError(
        f"{filename}:{line}: {what} is not supported: its result shape depends on "
        "the data, which is only known at run time (an array the function reaches "
        "is read at every call: jit it with capture='constants' for a mask that "
        "never changes). Use numpy.where(mask, x, fill) to keep the shape."
    )


def _holds_tracer(k) -> bool:
    return isinstance(k, Tracer) or (isinstance(k, (list, tuple)) and builtins.any(
        _holds_tracer(item) for item in k))


def _entries(k) -> list:
    """One key entry as [(kind, value)]: kind 'basic' (None, ..., slice),
    'int', or 'array' (integer index array); a boolean array gives one
    'array' entry per dimension it covers."""
    if k is None or k is Ellipsis or isinstance(k, slice):
        return [("basic", k)]
    if isinstance(k, Dim):  # an integer known at run time
        k = _core.as_value(k)
    if isinstance(k, Tracer) and k.concrete() is not None:
        # Values known while tracing index as constants (a scalar as an int).
        k = k.concrete()[()] if k.scalar else k.concrete()
    if isinstance(k, (bool, _np.bool_)):
        raise _mask_error("a boolean scalar index")
    if isinstance(k, (int, _np.integer)):
        return [("int", operator.index(k))]
    if isinstance(k, (list, range)) and _holds_tracer(k):
        k = stack_nested(k)
    if isinstance(k, Tracer):
        if k.dtype == _np.bool_:
            raise _mask_error()
        if k.dtype.kind not in "iu":
            raise IndexError(_core.at_line(
                "arrays used as indices must be of integer (or boolean) type"))
        return [("array", k)]
    if isinstance(k, (list, range, _np.ndarray)):
        array = _np.asarray(k)
        if array.dtype == _np.bool_:
            if array.ndim == 0:
                raise _mask_error("a boolean scalar index")
            return [("array", index) for index in _np.nonzero(array)]
        # An empty list indexes (as intp); an empty float array does not.
        if (array.size or isinstance(k, _np.ndarray)) and array.dtype.kind not in "iu":
            raise IndexError(_core.at_line(
                "arrays used as indices must be of integer (or boolean) type"))
        # A 0-d array is an integer-array index for NumPy: x[np.array(1)]
        # copies (its result has the shape x[1] has).
        return [("array", array.astype(_INT64))]
    raise IndexError(_core.at_line(
        "only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and "
        "integer or boolean arrays are valid indices"))


def _expand(x: Tracer, key) -> tuple[list, bool, bool]:
    """The normalized key with `...` expanded to full slices; whether the
    `...` stands between integer-array or integer entries (for NumPy they are
    then not next to each other, even where it stands for no axis); and
    whether the key had a `...`."""
    classified, masks = [], []  # masks: (first entry, shape) of the boolean masks
    for k in key if isinstance(key, tuple) else (key,):
        entries = _entries(k)
        shape = _mask_shape(k)
        if shape is not None:
            masks.append((len(classified), shape))
        classified += entries
    used = builtins.sum(1 for _, k in classified if k is not None and k is not Ellipsis)
    ellipses = builtins.sum(1 for _, k in classified if k is Ellipsis)
    if ellipses > 1:
        raise IndexError(_core.at_line("an index can only have a single ellipsis ('...')"))
    if used > x.ndim:
        raise IndexError(_core.at_line(
            f"too many indices for array: array is {x.ndim}-dimensional, "
            f"but {used} were indexed"))
    fill = [("basic", slice(None))] * (x.ndim - used)
    at = next((i for i, (_, k) in enumerate(classified) if k is Ellipsis), len(classified))
    split = builtins.all(builtins.any(kind != "basic" for kind, _ in side)
                         for side in (classified[:at], classified[at + 1:]))
    expanded = classified[:at] + fill + classified[at + 1 :]
    for first, shape in masks:
        first = first if first < at else first - 1 + len(fill)
        axis = builtins.sum(1 for _, k in expanded[:first] if k is not None)
        for d, size in enumerate(shape):
            if x.shape[axis + d] != size:
                raise IndexError(_core.at_line(
                    f"boolean index did not match indexed array along axis {axis + d}; size "
                    f"of axis is {x.shape[axis + d]} but size of corresponding boolean axis "
                    f"is {size}"))
    return expanded, split, bool(ellipses)


def _mask_shape(k):
    """The shape of key entry `k` if it is a boolean mask known while
    tracing (it must be that of the axes it indexes), else None."""
    if isinstance(k, Tracer):
        k = k.concrete()
    if not isinstance(k, (list, _np.ndarray)) or _holds_tracer(k):
        return None
    array = _np.asarray(k)
    return array.shape if array.dtype == _np.bool_ and array.ndim else None


# ml.slice's limit for a dynamic dimension taken whole (`0:?:1`).
WHOLE = -(2 ** 63)


def _within(k: slice, size: Dim) -> bool:
    """Whether the slice `k` has non-negative ints for bounds, a positive
    step and ends within the symbolic `size` (a guard): its elements are
    then the same for every size that keeps it so."""
    bounds = (k.start or 0, k.stop, k.step or 1)
    return (all(isinstance(v, int) and not isinstance(v, bool) for v in bounds)
            and bounds[0] >= 0 and bounds[1] >= 0 and bounds[2] > 0 and size >= bounds[1])


def _symbolic_bounds(k) -> bool:
    return isinstance(k, slice) and k.step in (None, 1) and (
        isinstance(k.start, Dim) or isinstance(k.stop, Dim))


def _bound(value, size, default):
    """A slice bound normalized as slice.indices does for a unit step,
    deciding on symbolic values under guards."""
    if value is None:
        return default
    if value < 0:
        value = value + size
        return 0 if value < 0 else value
    return size if value > size else value


def _dynamic_range(k: slice, size) -> tuple:
    """(start, limit, 1, count) of a unit-step slice with symbolic bounds."""
    lo, hi = _bound(k.start, size, 0), _bound(k.stop, size, size)
    if hi < lo:
        hi = lo
    return (lo, hi, 1, hi - lo)


def _is_dynamic(ranges: list) -> bool:
    return builtins.any(isinstance(r[0], Dim) or isinstance(r[1], Dim) for r in ranges)


def _ranges(x: Tracer, key: list) -> list:
    """(start, limit, stride, count) of every dimension of `x` for a basic
    key (`count` None for an integer, which drops its dimension; a symbolic
    size taken whole is (0, WHOLE, 1, size); a unit-step slice with
    symbolic bounds has them as Dims). Symbolic bounds beside a stride
    other than 1 are pinned to their values (guards)."""
    ranges = _ranges_of(x, key, dynamic=True)
    if _is_dynamic(ranges) and builtins.any(r[2] != 1 for r in ranges):
        ranges = _ranges_of(x, key, dynamic=False)
    return ranges


def _ranges_of(x: Tracer, key: list, dynamic: bool) -> list:
    ranges = []
    dim = 0
    for kind, k in key:
        if k is None:
            continue
        size = x.shape[dim]
        if kind == "basic" and isinstance(size, Dim) and k.start in (None, 0) \
                and k.stop is None and k.step in (None, 1):
            ranges.append((0, WHOLE, 1, size))  # a symbolic size taken whole
        elif kind == "basic" and isinstance(size, Dim) and _within(k, size):
            lo, hi, step = k.start or 0, k.stop, k.step or 1
            ranges.append((lo, hi, step, len(range(lo, hi, step))))
        elif kind == "basic" and dynamic and k.step in (None, 1) and (
                _symbolic_bounds(k) or isinstance(size, Dim)):
            # Bounds or size known at run time (x[pos:pos + n], x[:-1]).
            ranges.append(_dynamic_range(k, size))
        elif kind == "basic":
            lo, hi, step = k.indices(size)
            count = len(range(lo, hi, step))
            ranges.append((lo, hi if count else lo, step, count))
        else:
            if not -size <= k < size:
                raise IndexError(_core.at_line(
                    f"index {k} is out of bounds for axis {dim} with size {size}"))
            if k < 0:
                k = operator.index(k + size)
            ranges.append((k, k + 1, 1, None))
        dim += 1
    return ranges


def _check_integers(x: Tracer, key: list) -> None:
    """IndexError for an integer entry (or a known 0-d array, an integer to
    NumPy there) of a key with arrays that is out of bounds: NumPy checks
    them first, even where the arrays select nothing."""
    dims = iter(range(x.ndim))
    for kind, k in key:
        if k is None:
            continue
        dim = next(dims)
        if isinstance(k, _np.ndarray) and k.ndim == 0:
            k = int(k)
        elif kind != "int":
            continue
        if not -x.shape[dim] <= k < x.shape[dim]:
            raise IndexError(_core.at_line(
                f"index {k} is out of bounds for axis {dim} with size {x.shape[dim]}"))


def _view_shape(key: list, ranges: list) -> tuple:
    shape, dims = [], iter(ranges)
    for _, k in key:
        if k is None:
            shape.append(1)
            continue
        count = next(dims)[3]
        if count is not None:
            shape.append(count)
    return tuple(shape)


def _counts(ranges: list) -> tuple:
    return tuple(1 if r[3] is None else r[3] for r in ranges)


def _starts(ranges: list) -> list:
    trace = current_trace()
    return [trace.size_value(r[0]) for r in ranges]


def _basic_value(x: Tracer, key: list) -> Tracer:
    """x[key] for a basic key: one ml.slice (ml.dynamic_slice for symbolic
    bounds), then one reshape."""
    ranges = _ranges(x, key)
    if _is_dynamic(ranges):
        counts = _counts(ranges)
        result_type = dtypes.tensor_type(counts, x.dtype)
        sliced = build(_ml.DynamicSliceOp, result_type, x.value, _starts(ranges),
                       current_trace().dynamic_sizes(counts))
        return reshape_value(Tracer(sliced.result), _view_shape(key, ranges))
    start, limit, stride = ([r[i] for r in ranges] for i in range(3))
    whole = all(r[0] == 0 and r[2] == 1 and (r[1] == WHOLE if isinstance(size, Dim)
                                             else r[1] == size)
                for r, size in zip(ranges, x.shape))
    result = x if whole else Tracer(build(_ml.SliceOp, x.value, start, limit, stride).result)
    return reshape_value(result, _view_shape(key, ranges))


def _update_basic(x: Tracer, key: list, new: Tracer) -> Tracer:
    """x with x[key] (a basic key) replaced by `new`, of that view's shape."""
    ranges = _ranges(x, key)
    if builtins.any(r[3] == 0 for r in ranges):
        return x
    counts = _counts(ranges)
    new = reshape_value(new, counts)
    if _is_dynamic(ranges):
        return Tracer(build(_ml.DynamicUpdateSliceOp, x.value, new.value,
                            _starts(ranges)).result)
    # A reversed range is written as the ascending one, with `new` reversed.
    start, limit, stride = [], [], []
    flip_start, flip_limit, flip_stride = [], [], []
    for (lo, hi, step, _), count in zip(ranges, counts):
        if step < 0:
            lo, hi, step = lo + (count - 1) * step, lo + 1, -step
            flip_start.append(count - 1), flip_limit.append(-1), flip_stride.append(-1)
        else:
            flip_start.append(0), flip_stride.append(1)
            flip_limit.append(WHOLE if isinstance(count, Dim) else count)
        start.append(lo), limit.append(hi), stride.append(step)
    if -1 in flip_stride:
        new = Tracer(build(_ml.SliceOp, new.value, flip_start, flip_limit, flip_stride).result)
    return Tracer(build(_ml.UpdateSliceOp, x.value, new.value, start, limit, stride).result)


def _numpy_key(key: list) -> tuple:
    return tuple(k for _, k in key)


def _hinted_key(key: tuple) -> tuple:
    """`key` with symbolic slice bounds at their values in this call: the
    stand-in's strides do not depend on them."""
    def hinted(k):
        if not _symbolic_bounds(k):
            return k
        return slice(*(v.hint if isinstance(v, Dim) else v for v in (k.start, k.stop, k.step)))
    return tuple(hinted(k) for k in key)


def _basic_view(x: Tracer, key: list) -> Tracer:
    # x[()] of a 0-d array is a scalar; x[...] is the view.
    numpy_key = _numpy_key(key) or Ellipsis
    symbolic = numpy_key is not Ellipsis and builtins.any(_symbolic_bounds(k) for k in numpy_key)
    layout_key = _hinted_key(numpy_key) if symbolic else numpy_key
    # Its values depend on the bounds, known only at run time.
    return _views.view_of(x, _views.Step(
        lambda t: _basic_value(t, key), lambda t, new: _update_basic(t, key, new),
        lambda stand_in: stand_in[layout_key], known=not symbolic))


def _checked_constant(index: _np.ndarray, axis: int, size) -> _np.ndarray | Tracer:
    if isinstance(size, Dim):
        return _checked_on_symbol(index, axis, size)
    bad = (index < -size) | (index >= size)
    if bad.any():
        value = int(index[bad].flat[0])
        raise IndexError(_core.at_line(
            f"index {value} is out of bounds for axis {axis} with size {size}"))
    return index % builtins.max(size, 1)


def _checked_on_symbol(index: _np.ndarray, axis: int, size: Dim) -> _np.ndarray | Tracer:
    """A constant index into an axis of symbolic size: within it under a
    guard (the variant serves the sizes it fits), negative entries wrapped
    at run time."""
    if index.size and not (-size <= int(index.min()) and int(index.max()) < size):
        return _checked_constant(index, axis, size.hint)  # raises NumPy's IndexError
    if (index >= 0).all():
        return index
    return _wrap(asarray(index), size)


def _advanced(x: Tracer, key: list, split: bool, writing: bool):
    """(y, axis, index, index shape): x[key] is ml.gather(y, index, axis),
    where y is a view of x (so writing y through ml.scatter writes x).

    The basic part is applied first with the advanced axes kept whole; the
    advanced axes are then moved together (to the front when they were not
    adjacent in the key, as NumPy does) and merged into one, indexed by the
    row-major combination of the broadcast index arrays."""
    basic_key, advanced = [], []  # advanced: (axis of the intermediate, index)
    for axis, (kind, k) in enumerate(key):
        # Every entry, None included, is one axis of the intermediate.
        if kind == "basic":
            basic_key.append((kind, k))
        else:
            basic_key.append(("basic", slice(None)))
            advanced.append((axis, k))
    y = _basic_view(x, basic_key)
    axes = [a for a, _ in advanced]
    indices = [k if isinstance(k, Tracer) else _np.asarray(k, _INT64) for _, k in advanced]
    try:
        index_shape = _core.broadcast_shapes(*(_core.shape_of(i) for i in indices))
    except ValueError:
        shapes = " ".join(str(_core.shape_of(i)) for i in indices)
        raise IndexError(_core.at_line(f"shape mismatch: indexing arrays could not be "
                                       f"broadcast together with shapes {shapes}")) from None
    # As NumPy, integers are checked, and constant arrays only where the
    # index selects something.
    empty = math.prod(index_shape) == 0
    indices = [k if isinstance(k, Tracer) else
               k % builtins.max(y.shape[a], 1) if empty and not isinstance(entry, int)
               else _checked_constant(k, a, y.shape[a])
               for (a, entry), k in zip(advanced, indices)]
    adjacent = not split and axes == list(range(axes[0], axes[0] + len(axes)))
    if not adjacent:
        rest = [a for a in range(y.ndim) if a not in axes]
        y = transpose(y, axes + rest)
        axes = list(range(len(axes)))
    first = axes[0]
    sizes = [y.shape[a] for a in axes]
    if len(axes) == 1:
        combined = indices[0]
        if writing and isinstance(combined, Tracer):
            combined = _wrap_or_drop(combined, sizes[0], sizes[0])
    else:
        # Row-major linear index over the merged axes; each index is wrapped
        # on its own axis first, so no index spills into another: reading
        # clamps it (as ml.gather), writing drops it (as ml.scatter).
        total = math.prod(sizes)
        combined = None
        for index, size in zip(indices, sizes):
            if isinstance(index, Tracer):
                index = (_wrap_or_drop(index, size, total) if writing
                         else _wrap_and_clamp(index, size))
            if combined is None:
                combined = index
            elif isinstance(combined, _np.ndarray) and isinstance(index, _np.ndarray):
                combined = combined * size + index  # constants: known while tracing
            else:
                combined = UFUNCS[_np.add](UFUNCS[_np.multiply](combined, size), index)
        if writing and isinstance(combined, Tracer):
            combined = where(UFUNCS[_np.less](combined, total), combined, total)
        merged = y.shape[:first] + (total,) + y.shape[first + len(axes):]
        # Always a view here: the merged axes are only an intermediate.
        y = _views.view_of(y, reshape_step(merged))
    combined = asarray(combined)
    if not same_shape(combined.shape, index_shape):
        combined = _core.broadcast_value(combined, index_shape)
    return y, first, combined, index_shape


def _wrap_and_clamp(index: Tracer, size: int) -> Tracer:
    """NumPy's negative indices, then the nearest valid index (as ml.gather)."""
    index = _wrap(index, size)
    return UFUNCS[_np.minimum](UFUNCS[_np.maximum](index, 0), size - 1)


def _wrap_or_drop(index: Tracer, size: int, beyond: int) -> Tracer:
    """NumPy's negative indices; `beyond` (an index ml.scatter skips) for
    those out of range."""
    index = _wrap(index, size)
    valid = UFUNCS[_np.logical_and](UFUNCS[_np.greater_equal](index, 0),
                                    UFUNCS[_np.less](index, size))
    return where(valid, index, beyond)


def _wrap(index: Tracer, size: int) -> Tracer:
    index = _core.astype(index, _INT64)
    return where(UFUNCS[_np.less](index, 0), UFUNCS[_np.add](index, size), index)


def _run_time_int(k) -> bool:
    """Whether key entry `k` is an integer known only at run time (a Python
    or NumPy int argument, x[0] of a traced array): an integer for NumPy,
    where a 0-d array is an integer-array index."""
    return isinstance(k, Tracer) and k.scalar


def _integer_view(x: Tracer, key: list, split: bool) -> Tracer | None:
    """x[key] for a key of integers, some known only at run time, and basic
    entries: a view, as NumPy's basic indexing makes (read with ml.gather,
    written back with ml.scatter); None where such an integer indexes an
    empty axis."""
    layout_key = tuple(0 if isinstance(k, Tracer) else k for _, k in key)
    try:
        as_strided(_views.NOWHERE, x.shape, (0,) * x.ndim)[layout_key]
    except IndexError:
        return None

    def read(t: Tracer) -> Tracer:
        y, axis, index, _ = _advanced(t, key, split, writing=False)
        return Tracer(build(_ml.GatherOp, y.value, index.value, axis).result)

    def write(t: Tracer, new: Tracer) -> Tracer:
        t = Tracer(t.value)
        y, axis, index, _ = _advanced(t, key, split, writing=True)
        _views.assign(y, Tracer(build(_ml.ScatterOp, y.value, index.value, new.value,
                                      axis).result))
        return t

    # Its values are not known, even where x's are: they depend on the integers.
    return _views.view_of(x, _views.Step(read, write, lambda stand_in: stand_in[layout_key],
                                         known=False))


def getitem(x: Tracer, key) -> Tracer:
    """x[key] with NumPy's semantics (see the module docstring): a view for
    a basic key, a scalar for integers alone, a new array otherwise."""
    original = key
    key, split, ellipsis = _expand(x, key)
    basic = builtins.all(kind != "array" for kind, _ in key)
    if basic and (ellipsis or builtins.any(kind != "int" for kind, _ in key)):
        return _basic_view(x, key)
    values = x.concrete()
    if values is not None:
        known_key = _core.known_values(original if isinstance(original, tuple) else [original])
        if known_key is not None:
            return _core.as_known(values[tuple(known_key) if isinstance(original, tuple)
                                         else known_key[0]])
    if basic:
        return Tracer(_basic_value(x, key).value, scalar=True)
    # Integers and 0-d arrays alone give a scalar in NumPy; integers (known
    # only at run time) with basic entries, a view.
    scalar = not ellipsis and builtins.all(
        kind == "int" or (kind == "array" and _core.ndim_of(k) == 0) for kind, k in key)
    if not scalar and builtins.all(kind != "array" or _run_time_int(k) for kind, k in key):
        view = _integer_view(x, key, split)
        if view is not None:
            return view
    _check_integers(x, key)
    y, axis, index, _ = _advanced(x, key, split, writing=False)
    return Tracer(build(_ml.GatherOp, y.value, index.value, axis).result, scalar=scalar)


def _into_one_element(x: Tracer, value):
    """A sequence or an array of one dimension or more, written into one
    element of `x`, as NumPy writes it: into booleans its truth (a list's
    length, a one-element array's value), else an error."""
    if x.dtype == _np.bool_:
        if isinstance(value, (list, tuple)):
            return bool(value)
        if math.prod(_core.shape_of(value)) == 1:
            return _np.reshape(value, ())
    elif x.dtype.kind in "iu" and isinstance(value, (list, tuple)):
        raise TypeError(_core.at_line(
            "int() argument must be a string, a bytes-like object or a real number, "
            f"not '{type(value).__name__}'"))
    raise ValueError(_core.at_line("setting an array element with a sequence."))


def setitem(x: Tracer, key, value) -> None:
    """x[key] = value, with NumPy's casting and broadcasting of `value`."""
    if x.scalar:
        raise TypeError(_core.at_line(f"'{x.dtype.type.__module__}.{x.dtype.type.__name__}' "
                                      "object does not support item assignment"))
    original = key
    key, split, ellipsis = _expand(x, key)
    alone = original[0] if isinstance(original, tuple) and len(original) == 1 else original
    mask = None if isinstance(alone, tuple) else _mask_shape(alone)
    if mask is not None and len(mask) == x.ndim and _core.ndim_of(value) > 1:
        raise TypeError(_core.at_line(
            "NumPy boolean array indexing assignment requires a 0 or 1-dimensional input, "
            f"input has {_core.ndim_of(value)} dimensions"))
    if builtins.all(kind != "array" for kind, _ in key):
        ranges = _ranges(x, key)  # IndexError first, as NumPy
        if (not ellipsis and builtins.all(kind == "int" for kind, _ in key)
                and _core.ndim_of(value) > 0):
            value = _into_one_element(x, value)
        shape = _view_shape(key, ranges)
        _views.assign(x, _update_basic(x, key, _assigned(value, x.dtype, shape)))
        return
    # As NumPy, the integers are checked first; the value is converted and
    # broadcast to the selection before the arrays' indices are checked.
    _check_integers(x, key)
    # Integers only, some known at run time or 0-d arrays: one element.
    if (not ellipsis and builtins.all(kind == "int" or (kind == "array" and _core.ndim_of(k) == 0)
                                      for kind, k in key)
            and _core.ndim_of(value) > 0):
        value = _into_one_element(x, value)
    shape = _selection_shape(x, original, key)
    if shape is None and isinstance(value, (bool, int, float)):
        # Where the selection's shape is not known yet, a Python number that
        # cannot be converted still fails first, as in NumPy.
        _np.asarray(value, dtype=x.dtype)
    updates = None if shape is None else _assigned(value, x.dtype, shape)
    # y is the view of x that ml.gather would read: write it, and so x.
    y, axis, index, index_shape = _advanced(x, key, split, writing=True)
    region = y.shape[:axis] + index_shape + y.shape[axis + 1:]
    # Structurally: a selection's shape read off a stand-in has the sizes'
    # values where the region has them symbolic.
    if updates is None or not same_shape(updates.shape, region):
        updates = _assigned(value, x.dtype, region)
    _views.assign(y, Tracer(build(_ml.ScatterOp, y.value, index.value, updates.value,
                                  axis).result))


def _selection_shape(x: Tracer, key, expanded=None) -> tuple | None:
    """The shape of x[key] whatever the values of its integers (None where
    NumPy cannot tell it on a stand-in). With `expanded` (the key as
    `_expand` normalizes it), an empty axis that integers index stands in
    with size 1: NumPy's assignment takes the selection's shape from the
    other axes before it checks those integers."""
    def stand_for(k):
        if isinstance(k, Tracer):
            values = k.concrete()
            k = (values[()] if k.scalar else values) if values is not None else (
                0 if k.scalar else _np.zeros(k.shape, _np.intp))
        if isinstance(k, (int, _np.integer, Dim)) and not isinstance(k, (bool, _np.bool_)):
            return 0
        if isinstance(k, (list, range, _np.ndarray)) and not _holds_tracer(k):
            array = _np.asarray(k)
            return array if array.dtype == _np.bool_ else _np.zeros(array.shape, _np.intp)
        return [stand_for(item) for item in k] if isinstance(k, list) else k

    key = tuple(map(stand_for, key if isinstance(key, tuple) else (key,)))
    shape = list(x.shape)
    axes = iter(range(x.ndim))
    for kind, k in expanded or ():
        if k is not None:
            axis = next(axes)
            if kind != "basic" and shape[axis] == 0:
                shape[axis] = 1
    try:
        return as_strided(_views.NOWHERE, tuple(shape), (0,) * x.ndim)[key].shape
    except (IndexError, ValueError, TypeError):
        return None


def add_at(a: Tracer, indices, b, subtract: bool = False) -> None:
    """`np.add.at(a, indices, b)` (`np.subtract.at` with `subtract`):
    unbuffered, so every index adds, repeated ones too. As NumPy's, computed
    in the ufunc's dtype for a and b (Python scalars as arrays) and cast back
    to a's: exactly where no index repeats (a basic index, integer arrays
    known while tracing without repeats); else accumulated in that dtype and
    cast back once (floats round once rather than at every repeat). Values
    of another kind (floats into integers, numbers into booleans), which
    NumPy casts back at every repeat, are refused at indices that may repeat."""
    ufunc = UFUNCS[_np.subtract if subtract else _np.add]
    if isinstance(b, (bool, int, float)):
        b = _np.asarray(b)
    key, split, _ = _expand(a, indices)
    if builtins.all(kind != "array" for kind, _ in key):
        view = _basic_view(a, key)
        if builtins.all(k is not None for _, k in key):  # NumPy takes more with None
            _check_at_values(b, view.shape)
        _views.assign(view, _core.astype(ufunc(view, _assigned(b, None, view.shape)), a.dtype))
        return
    y, axis, index, index_shape = _advanced(a, key, split, writing=True)
    shape = y.shape[:axis] + index_shape + y.shape[axis + 1:]
    _check_at_values(b, shape)
    known = index.concrete()
    if known is not None and _np.unique(known).size == known.size:
        # No repeats: each selected element once, computed as NumPy does.
        gathered = Tracer(build(_ml.GatherOp, y.value, index.value, axis).result)
        updates = _core.astype(ufunc(gathered, _assigned(b, None, shape)), a.dtype)
        _views.assign(y, Tracer(build(_ml.ScatterOp, y.value, index.value, updates.value,
                                      axis).result))
        return
    loop = _core.result_type(a, b)
    # Integers of either sign wrap alike: summed in a wider one and cast back
    # once, they are what casting back at every repeat gives.
    if loop.kind != a.dtype.kind and not (loop.kind in "iu" and a.dtype.kind in "iu"):
        raise _core.unsupported(
            f"numpy.{'subtract' if subtract else 'add'}.at of {_core.result_type(b)} values "
            f"into a {a.dtype} array at indices that may repeat (NumPy casts the "
            "sum back at every repeat)")
    # Accumulated in the ufunc's dtype (a wider one of a's kind holds a's
    # values exactly), then cast back: integers wrap as they would at every
    # repeat, floats round once rather than at every repeat.
    updates = _assigned(b, loop, shape)
    if subtract:
        updates = UFUNCS[_np.negative](updates)
    summed = Tracer(build(_ml.ScatterOp, _core.astype(y, loop).value, index.value,
                          updates.value, axis, accumulate=True).result)
    _views.assign(y, _core.astype(summed, a.dtype))


def _check_at_values(values, shape: tuple) -> None:
    """ValueError, as NumPy's ufunc.at, for values that do not broadcast to
    the selection's `shape` without dropping dimensions (which an
    assignment drops where they are units)."""
    values_shape = _core.shape_of(values)
    try:
        fits = (len(values_shape) <= len(shape)
                and _core.broadcast_shapes(values_shape, shape) == tuple(shape))
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(_core.at_line("array is not broadcastable to correct shape"))


def _assigned(value, dtype: _np.dtype, shape: tuple) -> Tracer:
    """`value` as NumPy writes it into an array of `dtype`: cast (unsafe for
    arrays; Python ints out of range raise; not cast for dtype None),
    broadcast to `shape` (leading unit dimensions beyond it dropped)."""
    if dtype is None:
        value = _core.asarray(value)
    elif isinstance(value, Tracer):
        value = _core.astype(value, dtype)
    elif (isinstance(value, complex) or _np.iscomplexobj(value)) and not dtypes.is_complex(dtype):
        raise _core.unsupported(f"writing complex values into a {dtype} array")
    elif isinstance(value, (bool, int, float, complex)):
        value = _core.asarray(_np.asarray(value, dtype=dtype))
    else:
        value = _core.asarray(_np.asarray(value).astype(dtype))
    while value.ndim > len(shape) and value.shape[0] == 1:
        value = reshape_value(value, value.shape[1:])
    try:
        if _core.broadcast_shapes(value.shape, shape) != shape:
            raise ValueError
    except ValueError:
        raise ValueError(_core.at_line(f"could not broadcast input array from shape "
                                       f"{value.shape} into shape {shape}")) from None
    return _core.broadcast_value(value, shape)


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
    if not isinstance(indices, Tracer):
        array = _np.asarray(indices)
        # As NumPy: an empty list takes nothing (an empty float array would not index).
        indices = array.astype(_INT64) if array.size == 0 and not isinstance(
            indices, _np.ndarray) else array
    key[_np.lib.array_utils.normalize_axis_index(axis, a.ndim)] = indices
    return getitem(a, tuple(key))


def put_along_axis(arr, indices, values, axis):
    """`np.put_along_axis`: arr[i..., indices, k...] = values, in place."""
    if not isinstance(arr, Tracer):
        raise _core.unsupported("numpy.put_along_axis into an array that is not traced")
    if axis is None:
        raise _core.unsupported("numpy.put_along_axis with axis=None")
    axis = _np.lib.array_utils.normalize_axis_index(axis, arr.ndim)
    if _core.ndim_of(indices) != arr.ndim:
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    key = []
    for dim, size in enumerate(arr.shape):
        if dim == axis:
            key.append(indices)
        else:
            shape = [1] * arr.ndim
            shape[dim] = size
            key.append(_creation.arange(size).reshape(shape))
    setitem(arr, tuple(key), values)
