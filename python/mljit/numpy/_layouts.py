"""The memory order of arrays made in traced code, as NumPy lays them out.

Whether a reshape or a ravel is a view or a copy, and so whether a write
through it shows in the array, depends on the array's strides. NumPy gives
most new arrays the memory order of their operands (order='K'):
`np.astype(x.T, ...)`, `x.T + 1`, `np.copy(x.T)` and a reduction of them are
Fortran-ordered, `np.stack` of them puts the new axis first. A traced array
made by a NumPy function, ufunc, operator or method carries how NumPy made
it (`follow`), and its strides are worked out only if a reshape asks
(`strides_of`): where every operand is in C order, so is the result; else
NumPy itself makes the result from zero-filled arrays with the operands'
shapes and strides, and its strides are the answer.
"""

from __future__ import annotations

import numpy as _np
from numpy.lib.stride_tricks import as_strided

from ..symbolic import Dim
from ..tracing import Tracer


def element_strides(array: _np.ndarray) -> tuple | None:
    """`array`'s strides in elements; None where it is C-contiguous (or
    where they are not whole elements: such arrays are copied in C order
    when called with)."""
    if array.ndim < 2 or array.flags.c_contiguous:
        return None
    if any(stride % array.itemsize for stride in array.strides):
        return None
    return tuple(stride // array.itemsize for stride in array.strides)


def strides_of(x: Tracer) -> tuple | None:
    """The strides, in elements, of an array that views no other; None for
    C order."""
    layout = x._layout
    if isinstance(layout, _Made):
        x._layout = layout = layout.strides()
    if layout is None and isinstance(x._known, _np.ndarray):
        return element_strides(x._known)
    return layout


def follow(result, function, args: tuple, kwargs: dict | None = None):
    """`result` of `function(*args, **kwargs)` in traced code, its new
    arrays marked as made by that call; returns `result`."""
    results = result if isinstance(result, (list, tuple)) else (result,)
    inputs = [id(t) for t in _tracers((args, kwargs))]
    for index, array in enumerate(results):
        if (isinstance(array, Tracer) and array._view is None and len(array.shape) >= 2
                and id(array) not in inputs):
            array._layout = _Made(function, args, kwargs or {},
                                  index if results is result else None)
    return result


class _Made:
    """How a traced array was made: its strides when first asked."""

    __slots__ = ("function", "args", "kwargs", "index")

    def __init__(self, function, args, kwargs, index):
        self.function, self.args, self.kwargs, self.index = function, args, kwargs, index

    def strides(self) -> tuple | None:
        operands = _tracers((self.args, self.kwargs))
        if all(_c_ordered(_stand_in(t)) for t in operands) and not _asks_order(
                (self.args, self.kwargs)):
            return None
        try:
            with _np.errstate(all="ignore"):
                made = self.function(*_probes(self.args), **_probes(self.kwargs))
        except Exception:  # noqa: BLE001 - NumPy refused zeros (a singular matrix): C order
            return None
        if self.index is not None:
            made = made[self.index]
        return element_strides(made) if isinstance(made, _np.ndarray) else None


def _tracers(value) -> list:
    if isinstance(value, Tracer):
        return [value]
    if isinstance(value, (list, tuple)):
        return [t for item in value for t in _tracers(item)]
    if isinstance(value, dict):
        return _tracers(list(value.values()))
    return []


def _asks_order(value) -> bool:
    """Whether a memory order other than C's is asked for (order='F')."""
    if isinstance(value, str):
        return value in ("F", "A")
    if isinstance(value, (list, tuple)):
        return any(_asks_order(item) for item in value)
    if isinstance(value, dict):
        return _asks_order(list(value.values()))
    return False


def _stand_in(x: Tracer) -> _np.ndarray:
    from . import _views  # which reads strides_of: imported when first needed
    return _views.layout(x)


def _c_ordered(stand_in: _np.ndarray) -> bool:
    """Whether every axis of more than one element steps further in memory
    than the next such axis (sliced arrays too): NumPy then lays out what it
    makes from it in C order."""
    strides = [abs(s) for s, n in zip(stand_in.strides, stand_in.shape) if n > 1]
    return all(s > 0 for s in strides) and all(a >= b for a, b in zip(strides, strides[1:]))


def _probes(value):
    """`value` with each traced array replaced by zeros of its shape,
    dtype and strides, and each symbolic size by its value in this trace."""
    if isinstance(value, Tracer):
        return _probe(value)
    if isinstance(value, Dim):
        return value.hint
    if isinstance(value, slice):
        return slice(*(_probes(v) for v in (value.start, value.stop, value.step)))
    if isinstance(value, (list, tuple)):
        return type(value)(_probes(item) for item in value)
    if isinstance(value, dict):
        return {key: _probes(item) for key, item in value.items()}
    return value


def _probe(x: Tracer) -> _np.ndarray:
    stand_in = _stand_in(x)
    itemsize = x.dtype.itemsize
    shape, strides = stand_in.shape, [s * itemsize for s in stand_in.strides]
    if 0 in shape:
        return _np.zeros(shape, x.dtype)
    low = sum(s * (n - 1) for s, n in zip(strides, shape) if s < 0)
    high = sum(s * (n - 1) for s, n in zip(strides, shape) if s > 0)
    memory = _np.zeros((high - low) // itemsize + 1, x.dtype)
    return as_strided(memory[-low // itemsize:], shape, strides)
