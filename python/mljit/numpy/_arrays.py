"""Array functions of NumPy built from the other traced functions: repeats
and tiles, padding, rolls, diagonals, gathers along an axis, products
accumulated along an axis, and sorting.

No new ops: every function composes slices, reshapes, broadcasts,
concatenations, gathers and elementwise selects, so each one lowers (and
fuses) wherever those do.
"""

from __future__ import annotations

import builtins
import operator

import numpy as _np
from numpy.lib.array_utils import normalize_axis_index, normalize_axis_tuple

from .. import dtypes as _dtypes
from ..tracing import Tracer
from . import _core, _creation
from . import _ufuncs as _u
from ._core import asarray, astype, splat_like, traced, unsupported
from ._reductions import _result_dtype, sum
from ._shapes import broadcast_to, concatenate, expand_dims, moveaxis, ravel, reshape


def _along(axis: int, ndim: int, key) -> tuple:
    """An index applying `key` on `axis` only."""
    return (slice(None),) * axis + (key,) + (slice(None),) * (ndim - axis - 1)


def _concrete(value, what: str):
    """`value` as NumPy needs it, with traced arrays replaced by their values
    where those are known while tracing (arrays NumPy made in the traced
    code); UnsupportedError naming `what` where they are not."""
    known = _core.known_values([value])
    if known is None:
        raise unsupported(what)
    return known[0]


def _as_axis_of_one_dimension(a: Tracer) -> Tracer:
    # NumPy's repeat, cumprod and argsort take a 0-d array as a 1-element one
    # (so axis=0 is valid, and axis=1 is out of bounds "for dimension 1").
    return reshape(a, (1,)) if a.ndim == 0 else a


def repeat(a, repeats, axis=None):
    """`np.repeat` with concrete repeats (one count, or one per element)."""
    if not traced(a, repeats):
        return _np.repeat(a, repeats, axis)
    repeats = _concrete(repeats, "numpy.repeat with traced repeats (the result's shape "
                                 "would depend on their values)")
    a = asarray(a)
    if axis is None:
        a, axis = ravel(a), 0
    a = _as_axis_of_one_dimension(a)
    axis = normalize_axis_index(axis, a.ndim)
    # NumPy's own checks and messages (negative counts, a count per element
    # that does not match the axis), on the positions along the axis.
    positions = _np.repeat(_np.arange(a.shape[axis]), repeats)
    if _np.size(repeats) != 1:
        return a[_along(axis, a.ndim, positions)]
    # (Negative only for an empty axis, where NumPy lets it pass.)
    count = builtins.max(int(_np.ravel(repeats)[0]), 0)
    # One count: a broadcast along a new axis after `axis`, merged into it.
    spread = a.shape[: axis + 1] + (count,) + a.shape[axis + 1 :]
    merged = a.shape[:axis] + (a.shape[axis] * count,) + a.shape[axis + 1 :]
    return reshape(broadcast_to(expand_dims(a, axis + 1), spread), merged)


def tile(A, reps):
    """`np.tile`: each axis of A (with ones prepended to reach len(reps))
    interleaved with a broadcast axis of its repetitions, then merged."""
    if not traced(A):
        return _np.tile(A, reps)
    reps = _concrete(reps, "numpy.tile with traced reps")
    reps = tuple(reps) if _np.ndim(reps) else (reps,)
    reps = tuple(operator.index(r) for r in reps)
    A = asarray(A)
    ndim = builtins.max(A.ndim, len(reps))
    shape = (1,) * (ndim - A.ndim) + A.shape
    reps = (1,) * (ndim - len(reps)) + reps
    # As NumPy: a negative count is an error unless its axis is empty.
    if builtins.any(r * s < 0 for r, s in zip(reps, shape)):
        raise ValueError("negative dimensions are not allowed")
    reps = tuple(builtins.max(r, 0) for r in reps)
    interleaved = reshape(A, tuple(d for s in shape for d in (1, s)))
    spread = broadcast_to(interleaved, tuple(d for r, s in zip(reps, shape) for d in (r, s)))
    return reshape(spread, tuple(r * s for r, s in zip(reps, shape)))


def append(arr, values, axis=None):
    """`np.append`: a concatenation (of the flattened operands for None)."""
    if not traced(arr, values):
        return _np.append(arr, values, axis)
    if axis is None:
        return concatenate((ravel(asarray(arr)), ravel(asarray(values))), 0)
    return concatenate((arr, values), axis)


def _as_pairs(x, ndim: int, as_index=False) -> list:
    """NumPy's pad argument spellings (one value, one (before, after) pair,
    or a pair per axis) as one (before, after) pair per axis."""
    x = _np.array(x)
    if as_index:
        x = x.astype(_np.intp, copy=False)
        # (Checked before broadcasting: a 0-d array has no pairs to check.)
        if x.size == 0 or x.min() < 0:
            raise ValueError("index can't contain negative values")
    if x.ndim < 3 and (x.size == 1 or (x.size == 2 and x.shape != (2, 1))):
        x = x.ravel()
        return [(x[0], x[-1])] * ndim
    return _np.broadcast_to(x, (ndim, 2)).tolist()


def _pad_widths(pad_width, ndim: int) -> list:
    if isinstance(pad_width, dict):
        widths = [(0, 0)] * ndim
        for axis, width in pad_width.items():
            if type(width) is int:
                widths[axis] = (width, width)
            elif (isinstance(width, tuple) and len(width) == 2
                  and builtins.all(type(w) is int for w in width)):
                widths[axis] = width
            else:
                raise TypeError(f"pad width {width!r} for axis {axis} is neither an int "
                                "nor a tuple of two ints")
        pad_width = widths
    pad_width = _np.asarray(pad_width)
    if pad_width.dtype.kind != "i":
        raise TypeError("`pad_width` must be of integral type.")
    return [(int(before), int(after)) for before, after in _as_pairs(pad_width, ndim, True)]


def _setitem_cast(value, dtype) -> _np.ndarray:
    """`value` converted as NumPy's pad stores it into the padded array
    (2.7 into int is 2; a Python int beyond the dtype or NaN into int raise)."""
    element = _np.empty((), dtype)
    element[()] = value
    return element


# Where each position of a padded axis reads from, for positions p in
# [-before, n + after) of an axis of n >= 1 elements. Reflections are
# periodic: NumPy's repeated reflection of wide pads comes to the same.
_PAD_SOURCES = {
    "edge": lambda p, n: _np.clip(p, 0, n - 1),
    "wrap": lambda p, n: p % n,
    "symmetric": lambda p, n: _np.where(p % (2 * n) < n, p % (2 * n), 2 * n - 1 - p % (2 * n)),
    "reflect": lambda p, n: (
        _np.zeros_like(p) if n == 1 else
        _np.where(p % (2 * n - 2) < n, p % (2 * n - 2), 2 * n - 2 - p % (2 * n - 2))),
}
_PAD_KEYWORDS = {
    "constant": {"constant_values"}, "empty": set(), "edge": set(), "wrap": set(),
    "reflect": {"reflect_type"}, "symmetric": {"reflect_type"},
    "linear_ramp": {"end_values"}, "maximum": {"stat_length"}, "mean": {"stat_length"},
    "median": {"stat_length"}, "minimum": {"stat_length"},
}


def _pad_constant(array: Tracer, widths: list, values) -> Tracer:
    known = _core.known_values([values])
    if known is not None:
        values = _as_pairs(known[0], array.ndim)
    elif isinstance(values, Tracer) and values.ndim == 0:
        values = [(values, values)] * array.ndim
    else:
        raise unsupported("numpy.pad with traced constant_values other than one value")
    for axis, ((before, after), pair) in enumerate(zip(widths, values)):
        pieces = []
        for width, value in ((before, pair[0]), (after, pair[1])):
            shape = array.shape[:axis] + (width,) + array.shape[axis + 1 :]
            if isinstance(value, Tracer):
                pieces.append(broadcast_to(astype(value, array.dtype), shape))
            else:
                pieces.append(splat_like(shape, array.dtype, _setitem_cast(value, array.dtype)))
        if before or after:
            array = concatenate([pieces[0], array, pieces[1]], axis)
    return array


def pad(array, pad_width, mode="constant", **kwargs):
    """`np.pad` in modes constant, edge, reflect, symmetric, wrap and empty
    (zeros), pad widths in every NumPy spelling (including a dict by axis).

    Each axis in turn, as NumPy: corners take the values of the later axis.
    Modes other than constant gather along the axis with the constant
    positions `_PAD_SOURCES` gives."""
    if not traced(array):
        return _np.pad(array, pad_width, mode, **kwargs)
    array = asarray(array)
    widths = _pad_widths(_concrete(pad_width, "numpy.pad with traced pad widths"), array.ndim)
    if callable(mode):
        raise unsupported("numpy.pad with a function as mode")
    if mode not in _PAD_KEYWORDS:
        raise ValueError(f"mode '{mode}' is not supported")
    extra = set(kwargs) - _PAD_KEYWORDS[mode]
    if extra:
        raise ValueError(f"unsupported keyword arguments for mode '{mode}': {extra}")
    if mode == "constant":
        return _pad_constant(array, widths, kwargs.get("constant_values", 0))
    if mode == "empty":
        return _pad_constant(array, widths, 0)
    if mode not in _PAD_SOURCES:
        raise unsupported(f"numpy.pad with mode={mode!r}")
    if kwargs.get("reflect_type") == "odd":
        raise unsupported("numpy.pad with reflect_type='odd'")
    for axis, (before, after) in enumerate(widths):
        if array.shape[axis] == 0 and (before or after):
            raise ValueError(f"can't extend empty axis {axis} using modes other than "
                             "'constant' or 'empty'")
    if array.size == 0:
        return _pad_constant(array, widths, 0)
    for axis, (before, after) in enumerate(widths):
        if before or after:
            n = array.shape[axis]
            sources = _PAD_SOURCES[mode](_np.arange(-before, n + after), n)
            array = array[_along(axis, array.ndim, sources)]
    return array


def take_along_axis(arr, indices, axis=-1):
    """`np.take_along_axis`: NumPy's own fancy index (the indices at `axis`,
    open aranges elsewhere), which is one gather. Traced indices out of
    bounds read the nearest element, as in x[i]."""
    if not traced(arr, indices):
        return _np.take_along_axis(arr, indices, axis)
    arr = asarray(arr)
    known = _core.known_values([indices])
    if known is not None:
        # Indices known while tracing are constants, checked against the axis as in NumPy.
        indices = _np.asarray(known[0])
    if indices.dtype.kind not in "iu":
        raise IndexError("`indices` must be an integer array")
    if axis is None:
        if indices.ndim != 1:
            raise ValueError("when axis=None, `indices` must have a single dimension.")
        arr, axis = ravel(arr), 0
    else:
        axis = normalize_axis_index(axis, arr.ndim)
    if indices.ndim != arr.ndim:
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    key = tuple(
        indices if dim == axis else
        _creation.arange(n).reshape((1,) * dim + (-1,) + (1,) * (arr.ndim - dim - 1))
        for dim, n in enumerate(arr.shape))
    return arr[key]


def diagonal(a, offset=0, axis1=0, axis2=1):
    """`np.diagonal`: the two axes moved last and merged, then one strided
    slice (a step of columns + 1 walks the diagonal)."""
    if not traced(a):
        return _np.diagonal(a, offset, axis1, axis2)
    a = asarray(a)
    offset = operator.index(offset)
    if a.ndim < 2:
        raise ValueError("diag requires an array of at least two dimensions")
    axis1, axis2 = normalize_axis_index(axis1, a.ndim), normalize_axis_index(axis2, a.ndim)
    if axis1 == axis2:
        raise ValueError("axis1 and axis2 cannot be the same")
    a = moveaxis(a, (axis1, axis2), (-2, -1))
    rows, columns = a.shape[-2:]
    if offset >= 0:
        start, length = offset, builtins.min(rows, columns - offset)
    else:
        start, length = -offset * columns, builtins.min(rows + offset, columns)
    flat = reshape(a, a.shape[:-2] + (rows * columns,))
    if length <= 0:
        return flat[..., :0]
    return flat[..., start : start + (length - 1) * (columns + 1) + 1 : columns + 1]


def diag(v, k=0):
    """`np.diag`: the k-th diagonal of a 2-D array, or a 2-D array with a
    1-D one on its k-th diagonal (a select of v broadcast along the rows or
    columns the diagonal crosses)."""
    if not traced(v):
        return _np.diag(v, k)
    v = asarray(v)
    k = operator.index(k)
    if v.ndim == 2:
        return diagonal(v, k)
    if v.ndim != 1:
        raise ValueError("Input must be 1- or 2-d.")
    n = v.shape[0] + abs(k)
    zero = _np.zeros((), v.dtype)
    line = concatenate([v, _np.zeros(abs(k), v.dtype)]) if k else v
    # Element i of v lands in row i (k >= 0) or in column i (k < 0).
    line = reshape(line, (n, 1) if k >= 0 else (1, n))
    return _u.where(_np.eye(n, k=k, dtype=bool), line, zero)


def trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    """`np.trace`: the sum of the diagonal, in np.sum's dtype."""
    if not traced(a):
        return _np.trace(a, offset, axis1, axis2, dtype, out)
    if out is not None:
        raise unsupported("numpy.trace with out=")
    return sum(diagonal(a, offset, axis1, axis2), axis=-1, dtype=dtype)


def roll(a, shift, axis=None):
    """`np.roll` with concrete shifts: two slices swapped, per axis (shifts
    given twice for one axis add up, as in NumPy)."""
    if not traced(a, shift):
        return _np.roll(a, shift, axis)
    shift = _concrete(shift, "numpy.roll with a traced shift")
    a = asarray(a)
    if axis is None:
        return reshape(roll(ravel(a), shift, 0), a.shape)
    axes = normalize_axis_tuple(axis, a.ndim, allow_duplicate=True)
    pairs = _np.broadcast(shift, axes)
    if pairs.ndim > 1:
        raise ValueError("'shift' and 'axis' should be scalars or 1D sequences")
    shifts = dict.fromkeys(range(a.ndim), 0)
    for amount, ax in pairs:
        shifts[ax] += int(amount)
    for ax, amount in shifts.items():
        amount %= a.shape[ax] or 1
        if amount:
            a = concatenate([a[_along(ax, a.ndim, slice(-amount, None))],
                             a[_along(ax, a.ndim, slice(None, -amount))]], ax)
    return a


def cumprod(a, axis=None, dtype=None, out=None):
    """`np.cumprod` (`axis=None` flattens; small integers and booleans
    accumulate in int64, as NumPy's).

    A Hillis-Steele scan: log2(n) steps, each multiplying every element by
    the running product `step` places before it. Integer products (wrapping
    included) are exact; float ones are grouped differently from NumPy's
    left-to-right loop, so they may differ in the last bits."""
    if not traced(a):
        return _np.cumprod(a, axis, dtype, out)
    if out is not None:
        raise unsupported("numpy.cumprod with out=")
    a = asarray(a)
    if axis is None:
        a, axis = ravel(a), 0
    a = _as_axis_of_one_dimension(a)
    axis = normalize_axis_index(axis, a.ndim)
    out_dtype = _dtypes.check(dtype) if dtype is not None else _result_dtype(_np.cumprod, a.dtype)
    a = astype(a, out_dtype)
    n, step = a.shape[axis], 1
    while step < n:
        head = a[_along(axis, a.ndim, slice(None, step))]
        tail = _u.multiply(a[_along(axis, a.ndim, slice(step, None))],
                           a[_along(axis, a.ndim, slice(None, n - step))])
        a = concatenate([head, tail], axis)
        step *= 2
    return a


def _before(x: Tracer, y: Tracer, i=None, j=None) -> Tracer:
    """Whether x sorts strictly before y in NumPy's order (NaN last); with
    their positions i and j, equal keys (NaNs too) sort by position."""
    if _dtypes.is_float(x.dtype):
        before = _u.logical_or(_u.less(x, y),
                               _u.logical_and(_u.isnan(y), _u.logical_not(_u.isnan(x))))
    else:
        before = _u.less(x, y)
    if i is None:
        return before
    not_after = _u.logical_not(_before(y, x))
    return _u.logical_or(before, _u.logical_and(not_after, _u.less(i, j)))


def _bitonic_network(length: int):
    """The layers of a bitonic sorting network on `length` (a power of two)
    elements, all comparators ascending: (flip, low_bit) per layer, where
    element i meets element i ^ flip and keeps the earlier of the two when
    i & low_bit is 0. Each stage first meets mirror images within blocks of
    `block` (merging two sorted halves), then halves the distance."""
    block = 2
    while block <= length:
        yield block - 1, block // 2
        distance = block // 4
        while distance >= 1:
            yield distance, distance
            distance //= 2
        block *= 2


def _sort_rows(keys: Tracer, with_index: bool) -> Tracer:
    """Each row of 2-D `keys` sorted (or, `with_index`, the positions that
    sort it, in a stable order) by a bitonic network: O(n log^2 n) work in
    log2(n) (log2(n) + 1) / 2 layers.

    The rows are padded to a power of two with the largest key (NaN, or the
    dtype's maximum) and flattened, so that each layer is one gather of the
    partners and one select, which fuse into one loop. Argsort carries only
    the positions (ties broken by position make the order strict, hence
    stable) and gathers their keys, so that a layer still makes one array."""
    rows, n = keys.shape
    length = 1 if n <= 1 else 1 << (n - 1).bit_length()
    if length > n:
        largest = _np.nan if _dtypes.is_float(keys.dtype) else _np.iinfo(keys.dtype).max
        keys = concatenate([keys, splat_like((rows, length - n), keys.dtype, largest)], 1)
    # Flat positions r * length + i, from two small constants.
    position = ravel(_u.add(asarray(_np.arange(length, dtype=_np.intp)),
                            (_np.arange(rows, dtype=_np.intp) * length)[:, None]))
    flat = ravel(keys)
    current = position if with_index else flat
    for flip, low_bit in _bitonic_network(length):
        partner = _u.bitwise_xor(position, flip)
        keeps_earlier = _u.equal(_u.bitwise_and(position, low_bit), 0)
        theirs = current[partner]
        if with_index:
            # Positions are distinct, so the order is strict: one test decides.
            take = _u.equal(_before(flat[theirs], flat[current], theirs, current), keeps_earlier)
        else:
            # Both strict tests, so that equal keys (0.0 and -0.0) stay put.
            take = _u.where(keeps_earlier, _before(theirs, current), _before(current, theirs))
        current = _u.where(take, theirs, current)
    current = reshape(current, (rows, length))
    if with_index:
        current = _u.remainder(current, length)
    return current[:, :n]


def _sorted(function, a, axis, kind, order, stable):
    # NumPy's checks of kind, order and stable, on a one-element stand-in.
    a = asarray(a)
    if _dtypes.is_complex(a.dtype):
        raise unsupported(f"numpy.{function.__name__} of complex numbers")
    _np.argsort(_np.zeros(1, a.dtype), kind=kind, order=order, stable=stable)
    with_index = function is _np.argsort
    if axis is None:
        a, axis = ravel(a), -1
    if with_index:
        a = _as_axis_of_one_dimension(a)
    axis = normalize_axis_index(axis, a.ndim)
    keys = moveaxis(a, axis, -1)
    lead, n = keys.shape[:-1], keys.shape[-1]
    if keys.dtype == _np.bool_:
        keys = astype(keys, _np.int8)  # an ordered integer type to compare
    if keys.size == 0:
        result = astype(keys, _np.intp) if with_index else keys
    else:
        result = reshape(_sort_rows(reshape(keys, (-1, n)), with_index), lead + (n,))
    if not with_index:
        result = astype(result, a.dtype)
    return moveaxis(result, -1, axis)


def sort(a, axis=-1, kind=None, order=None, *, stable=None):
    """`np.sort` (NaN last; any kind gives the same values)."""
    if not traced(a):
        return _np.sort(a, axis, kind, order, stable=stable)
    return _sorted(_np.sort, a, axis, kind, order, stable)


def argsort(a, axis=-1, kind=None, order=None, *, stable=None):
    """`np.argsort` in the stable order (ties by position, NaN last) for
    every kind: NumPy's unstable kinds may order ties differently."""
    if not traced(a):
        return _np.argsort(a, axis, kind, order, stable=stable)
    return _sorted(_np.argsort, a, axis, kind, order, stable)


FUNCTIONS = {
    _np.repeat: repeat,
    _np.tile: tile,
    _np.append: append,
    _np.pad: pad,
    _np.take_along_axis: take_along_axis,
    _np.diag: diag,
    _np.diagonal: diagonal,
    _np.trace: trace,
    _np.roll: roll,
    _np.cumprod: cumprod,
    _np.sort: sort,
    _np.argsort: argsort,
}

# ndarray methods (ndarray.sort sorts in place, so it is not one of them).
METHODS = {
    "repeat": repeat,
    "argsort": argsort,
    "diagonal": diagonal,
    "trace": trace,
    "cumprod": cumprod,
}
