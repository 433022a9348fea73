"""Views and writes of traced arrays, as NumPy has them.

NumPy code writes into arrays (`x[i] = v`, `x += y`, `out=`) and expects
every view taken earlier to see the write. A traced array is an SSA value,
so a write makes a new value (`ml.update_slice`, `ml.scatter`) and `assign`
makes it the array's value. A view keeps the array it views and the steps
from it (`Step`); it reads its value again once that array was written
(`Tracer.value`), and a write into a view is written back through each step
into the viewed array.

Whether a reshape is a view or a copy follows NumPy exactly: the same
reshape is tried, without copying, on a stand-in array with the view's
strides and no data (`layout`), which start from the strides of the array
viewed (an argument's in the call; for an array the traced code made,
NumPy's memory order for it: _layouts.py).
"""

from __future__ import annotations

from typing import Callable

import numpy as _np
from numpy.lib.stride_tricks import as_strided

from ..symbolic import Dim
from ..errors import TraceError
from ..tracing import Tracer, constant, current_trace, user_position
from . import _layouts

# Stand-in arrays point here; only their strides are ever looked at.
NOWHERE = _np.zeros(1, _np.int8)


class Step:
    """One step from an array to its view: `read(array) -> view`,
    `write(array, new view) -> new array` (None: a read-only view), and
    `layout(stand-in) -> stand-in` (the same step on a stand-in array).
    `known`: whether `layout` also takes the array's values to the view's
    (not where the step depends on values known only at run time, as x[i]
    for an int argument i: the view's values are then not known)."""

    __slots__ = ("read", "write", "layout", "known")

    def __init__(self, read: Callable, write: Callable | None, layout: Callable,
                 known: bool = True):
        self.read = read
        self.write = write
        self.layout = layout
        self.known = known


def view_of(parent: Tracer, step: Step) -> Tracer:
    """The view of `parent` that `step` takes (a new array if `parent` is a
    NumPy scalar, which is immutable and shares no memory)."""
    result = Tracer(step.read(parent).value)
    if parent.scalar:
        return result
    if parent._view is None:
        base, steps = parent, ()
    else:
        base, steps, _ = parent._view
    result._view = (base, steps + (step,), base._version)
    return result


def hinted(shape) -> tuple:
    """`shape` with its symbolic sizes replaced by their values in the call
    being traced, for NumPy's own shape logic on stand-ins. Whether NumPy
    makes a view or checks a shape depends on sizes being 0 or 1, not on
    larger sizes: each symbolic size is guarded to stay 2 or more (or to
    stay what it is, if it is 0 or 1)."""
    sizes = []
    for size in shape:
        if isinstance(size, Dim):
            size = size.hint if size >= 2 else int(size)
        sizes.append(size)
    return tuple(sizes)


def layout(x: Tracer) -> _np.ndarray:
    """A data-less stand-in with `x`'s shape and its strides in its array."""
    if x._view is None:
        shape = hinted(x.shape)
        return as_strided(NOWHERE, shape, _layouts.strides_of(x) or _c_strides(shape))
    base, steps, _ = x._view
    stand_in = layout(base)
    for step in steps:
        stand_in = step.layout(stand_in)
    return stand_in


def _c_strides(shape) -> tuple:
    strides, stride = [], 1
    for size in reversed(shape):
        strides.append(stride)
        stride *= max(size, 1)
    return tuple(reversed(strides))


def assign(x: Tracer, new: Tracer) -> None:
    """Writes `new` (x's shape and dtype) into `x`, and through `x`'s steps
    into the array it views. Known values stay known (NumPy itself writes
    them)."""
    base, steps = (x, ()) if x._view is None else x._view[:2]
    _check_in_scope(base)
    values, base_values = new.concrete(), base.concrete()
    if values is not None and base_values is not None and all(s.known for s in steps):
        written = base_values.copy(order="K")
        view = written
        for step in steps:
            view = step.layout(view)
        view[...] = values
        base._value = constant(written).value
        base._known = written
        base._version += 1
        if x is not base:
            x._view = (base, steps, -1)  # read again when used
        return
    if x._view is None:
        x._value = new.value
        x._known = None
        x._version += 1
        return
    parents = [Tracer(base.value)]
    for step in steps[:-1]:
        parents.append(step.read(parents[-1]))
    value = new
    for step, parent in zip(reversed(steps), reversed(parents)):
        if step.write is None:
            raise read_only_error()
        value = step.write(parent, value)
    assign(base, value)
    x._value = new.value
    x._view = (base, steps, base._version)


def _check_in_scope(base: Tracer) -> None:
    """A branch or loop body writes only arrays of its own: a write into
    one from outside would have to happen as often as the condition decides."""
    scope = current_trace().scope
    if base._scope is not scope:
        filename, line, _ = user_position()
        raise TraceError(
            f"{filename}:{line}: {scope.what} writes into an array (shape {base.shape}, "
            f"dtype {base.dtype}) made outside it; pass that array in (as an operand or "
            "in the carry) and return the written array instead")


def read_only_error() -> ValueError:
    filename, line, _ = user_position()
    return ValueError(f"{filename}:{line}: assignment destination is read-only "
                      "(a view made by numpy.broadcast_to)")


def fresh(x: Tracer) -> Tracer:
    """A new array holding `x`'s current values (what NumPy's copies are)."""
    values = x.concrete()
    return Tracer(x.value, known=None if values is None else values.copy())
