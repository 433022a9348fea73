"""What converted code calls (as `ag__.<name>`): each runs the Python it
stands for where the condition (or range) is a Python value, or an array
whose values are known while tracing, and compiles it (control.py) where it
is traced.

State crosses a compiled branch or loop through the statement's get and set
functions: its variables' values before, and after each branch (or one
iteration). Arrays and Python numbers are carried; other values pass only
unchanged. Each variable's array is replaced, inside the region, by a
stand-in of its own: written in place there (`x[i] = v`, `x += 1`), the
original array is written with the result afterwards (so other names for it
and views of it see the write, as in NumPy); rebound (`x = x + 1`), the
variable is bound to the result.
"""

from __future__ import annotations

import builtins

import numpy as np

from .. import control, pytree
from ..control import _error, _position
from . import transform
from ..errors import TraceError, UnsupportedError
from ..symbolic import Dim
from ..tracing import Tracer, current_trace, splat


class _Undefined:
    """The value of a variable not bound yet."""

    def __repr__(self):
        return "<undefined>"


UNDEFINED = _Undefined()


def ld(thunk):
    """The variable `thunk` reads, or UNDEFINED where it is not bound."""
    try:
        return thunk()
    except NameError:  # UnboundLocalError too
        return UNDEFINED


def traced(value) -> bool:
    """Whether `value` is only known when the compiled code runs."""
    return isinstance(value, Tracer) and value.concrete() is None


# -- statements ------------------------------------------------------------------

def if_stmt(test, body, orelse, get_state, set_state, names, live, line):
    if not traced(test):
        return body() if test else orelse()
    condition = control._condition(test, "an `if`")
    before = get_state()
    outcomes = []

    def branch(function):
        def run():
            stand_ins = [_stand_in(value) for value in before]
            set_state(stand_ins)
            function()
            after = get_state()
            outcomes.append((stand_ins, after))
            return [_carried(value) for value in after]
        return run

    holder, true_values, false_values = control.branches(
        [branch(body), branch(orelse)],
        [f"the `if` branch of line {line}", f"the `else` branch of line {line}"])
    blocks = [region.blocks[0] for region in holder.regions]
    returning = names.index(transform.RETURNING) if transform.RETURNING in names else None
    carried = []
    for index, name in enumerate(names):
        if returning is not None:
            _fill_unused(blocks, [true_values, false_values], index, before[index],
                         name == transform.RETURNED, returning)
        a, b = true_values[index], false_values[index]
        if (a is UNDEFINED and b is UNDEFINED) or (
                not live[index] and UNDEFINED in (a, b, before[index])):
            continue  # not bound after, or only made and written inside
        if all(_how_changed(stand_ins[index], after[index]) == "kept"
               for stand_ins, after in outcomes):
            continue  # untouched by either branch
        if UNDEFINED in (a, b):
            which = "`if`" if b is UNDEFINED else "`else`"
            raise _error(f"{_named(name)} is defined only in the {which} branch of this `if` "
                         "on a traced value, and used after it; define it before the `if` or "
                         "in both branches")
        if isinstance(a, Tracer) != isinstance(b, Tracer) or (
                not isinstance(a, Tracer) and a is not b):
            changed = a if a is not before[index] else b
            raise _error(f"{_named(name)} is set to {_kind(changed)} in a branch of this `if` on "
                         "a traced value; only arrays and Python numbers can differ between "
                         "branches, since which branch runs is known only at run time")
        if isinstance(a, Tracer):
            carried.append(index)
    results = control.finish_if(
        holder, condition, [[true_values[i] for i in carried],
                            [false_values[i] for i in carried]],
        [_named(names[i]) for i in carried],
        "{name} is {a} after the `if` branch and {b} after the `else` branch of this "
        "`if` on a traced value; each variable must have one shape and dtype after it")
    final = list(before)
    for index, result in zip(carried, results):
        ways = [_how_changed(stand_ins[index], after[index])
                for stand_ins, after in outcomes]
        final[index] = _rejoin(names[index], before[index], result, ways)
    set_state(final)


def while_stmt(test, body, get_state, set_state, names, live, line):
    while True:
        condition = test()
        if traced(condition):
            break
        if not condition:
            return
        body()
    _traced_loop(test, body, get_state, set_state, names, live, line, "`while` loop")


def for_stmt(iterable, body, get_state, set_state, names, live, line):
    if not isinstance(iterable, TracedRange):
        for value in iterable:
            body(value)
        return
    _traced_loop(None, body, get_state, set_state, names, live, line, "`for` loop",
                 iterable)


class TracedRange:
    """range(start, stop, step) whose start or stop is traced."""

    def __init__(self, start, stop, step):
        self.start, self.stop, self.step = start, stop, step

    def __iter__(self):
        raise TraceError(f"{_position()}: iterating over a range whose bounds are traced "
                         "values is only supported as the range of a `for` loop")


def range_(*arguments):
    """range(...), or a TracedRange where a bound is traced or a symbolic
    size (a positive step known while tracing)."""
    if not any(traced(a) or isinstance(a, Dim) for a in arguments):
        return builtins.range(*(_index(a) for a in arguments))
    start, stop, step = ((0, arguments[0], 1) if len(arguments) == 1 else
                         (*arguments, 1) if len(arguments) == 2 else arguments)
    if traced(step) or _index(step) <= 0:
        raise UnsupportedError(f"{_position()}: a `for` loop over a range with traced bounds "
                               "needs a positive step known while tracing")
    return TracedRange(start, stop, _index(step))


def _index(value):
    return value if isinstance(value, Dim) else getattr(value, "__index__", lambda: value)()


# -- expressions -------------------------------------------------------------------

def if_exp(test, body, orelse):
    if not traced(test):
        return body() if test else orelse()
    return control.cond(test, body, orelse)


def and_(left, right):
    value = left()
    if not traced(value):
        return value and right()
    return control.cond(value, right, lambda: value)


def or_(left, right):
    value = left()
    if not traced(value):
        return value or right()
    return control.cond(value, lambda: value, right)


def not_(value):
    if not traced(value):
        return not value
    return np.logical_not(value)


def python_only(test, what, line):
    """`test`, where the statement cannot be compiled yet: it must be a
    Python value."""
    if traced(test):
        raise UnsupportedError(
            f"{_position()}: {what} whose condition is a traced value is not supported "
            "yet: move the `return`/`break`/`continue` out of it (set a flag and test "
            "it in the loop's condition), or use mljit.cond / mljit.while_loop")
    return test


def python_range(iterable, what, line):
    if isinstance(iterable, TracedRange):
        raise UnsupportedError(f"{_position()}: {what} over a range with traced bounds is "
                               "not supported yet")
    return iterable


def converted_call(function):
    """`function` with its control flow converted, if it is the user's."""
    from .convert import converted
    return converted(function)


def _fill_unused(blocks, values, index, before, is_returned, returning) -> None:
    """A placeholder of the other branch's type where a branch leaves a
    variable with no value the rest of the function can read: the value
    returned on a path that has not returned yet (the rest of the function
    sets it), or a variable left undefined on a path that has returned."""
    kinds = [isinstance(branch[index], Tracer) for branch in values]
    if kinds.count(True) != 1:
        return
    defined = values[kinds.index(True)][index]
    other = kinds.index(False)
    value = values[other][index]
    unused = (value is before if is_returned else
              value is UNDEFINED and values[other][returning] is not False)
    if not unused:
        return
    trace = current_trace()
    with trace.region(blocks[other], "a path that has returned"):
        placeholder = splat(0, defined.shape, defined.dtype)
        placeholder.weak_type = defined.weak_type
        placeholder.value  # noqa: B018
    values[other][index] = placeholder


# -- loops -------------------------------------------------------------------------------

def _traced_loop(test, body, get_state, set_state, names, live, line, what, bounds=None):
    """The loop compiled: `test()` the condition of a while loop, or
    `bounds` the TracedRange of a for loop whose `body` takes the index."""
    before = get_state()
    for index, value in enumerate(before):
        if value is UNDEFINED and live[index]:
            raise _error(f"`{names[index]}` is used in this {what} on a traced value, or "
                         "after it, but is only defined inside it; define it before the loop")
    carried = [i for i, value in enumerate(before) if _carriable(value)]
    made_inside = [i for i, value in enumerate(before) if value is UNDEFINED]
    traces = []  # (carry, state after the body), per trace of the body

    def enter(carry):
        values = list(before)
        for index, value in zip(carried, carry):
            values[index] = value
        set_state(values)

    def run_body(carry, *index):
        enter(carry)
        body(*index)
        after = get_state()
        for position, value in enumerate(after):
            if (position not in carried and position not in made_inside
                    and value is not before[position]):
                raise _error(f"`{names[position]}` is {_kind(value)}, changed in this {what} "
                             "on a traced value; only arrays and Python numbers can be")
        traces.append((carry, after))
        return [after[i] for i in carried]

    def condition(carry):
        enter(carry)
        return test()

    leaves = [before[i] for i in carried]
    tree = pytree.flatten(leaves)[1]
    if bounds is None:
        loop = control._WhileLoop(condition, run_body, tree)
    else:
        loop = control._ForLoop(bounds.start, bounds.stop,
                                lambda i, carry: (run_body(carry, i), None), tree,
                                step=bounds.step)
    loop.name = f"this {what} on a traced value"
    loop.parts = (f"the condition of the {what} of line {line}",
                  f"the body of the {what} of line {line}")
    loop.leaf_names = [f"`{names[i]}`" for i in carried]
    results = control._loop(loop, leaves)
    final = list(before)
    for position, index in enumerate(carried):
        ways = [_how_changed(carry[position], after[index]) for carry, after in traces]
        final[index] = _rejoin(names[index], before[index], results[position], ways)
    set_state(final)


# -- state --------------------------------------------------------------------------

def _carriable(value) -> bool:
    return isinstance(value, (Tracer, Dim, bool, int, float, np.ndarray, np.generic))


def _stand_in(value):
    """An array of the region's own with `value`'s values (it may be
    written there); other values as they are."""
    if isinstance(value, Tracer):
        return Tracer(value.value, value.weak_type, scalar=value.scalar)
    return value


def _carried(value):
    """A value after a branch: arrays and numbers as Tracers (values made
    inside the branch), anything else as it is."""
    if _carriable(value):
        tracer = control._as_tracer(value)
        tracer.value  # noqa: B018
        return tracer
    return value


def _how_changed(stand_in, after) -> str:
    if after is stand_in:
        return "written" if isinstance(after, Tracer) and after.written() else "kept"
    return "rebound"


def _rejoin(name, original, result: Tracer, ways):
    """What the variable holds after the branch or loop: the original
    array written with `result` where the code wrote it in place, else
    `result` itself."""
    if "written" in ways and "rebound" in ways:
        raise _error(f"`{name}` is written in place on one path and bound to a new array "
                     "on another, of a branch or loop on a traced value: NumPy would make "
                     "other names for the array see the write only on the first; write "
                     f"`{name} = {name}.copy()` before, or use one form")
    if "written" in ways and isinstance(original, Tracer):
        from ..numpy import _views
        _views.assign(original, result)
        return original
    return result


def _named(name: str) -> str:
    """How errors name a variable of the converted code."""
    return "the value returned" if name == transform.RETURNED else f"`{name}`"


def _kind(value) -> str:
    if value is UNDEFINED:
        return "undefined"
    if isinstance(value, Tracer):
        return "an array"
    return f"a {type(value).__name__}"
