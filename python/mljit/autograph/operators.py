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
import operator

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
            # Variables used after the `if`, or written in place: as Tracers.
            # The others are left alone (one may hold a value of a loop
            # inside the branch, out of reach after it).
            return [_carried(value) if live[i] or _how_changed(stand_ins[i], value) == "written"
                    else value for i, value in enumerate(after)]
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
        ways = _ways(outcomes, index)
        if not live[index] and "written" not in ways:
            continue  # not used after the `if` (and not written in place)
        if a is UNDEFINED and b is UNDEFINED:
            continue
        if set(ways) == {"kept"}:
            continue  # untouched by either branch
        _check_one_way(name, ways)
        if UNDEFINED in (a, b):
            which = "`if`" if b is UNDEFINED else "`else`"
            raise _error(f"{_named(name)} is defined only in the {which} branch of this `if` "
                         "on a traced value, and used after it; define it before the `if` or "
                         "in both branches")
        if _arrays(a) != _arrays(b) or (_arrays(a) is None and a is not b):
            changed = a if a is not before[index] else b
            raise _error(f"{_named(name)} is set to {_kind(changed)} in a branch of this `if` on "
                         "a traced value; only arrays and Python numbers (in tuples, lists "
                         "and dicts of one structure) can differ between branches, since which "
                         "branch runs is known only at run time")
        if _arrays(a) is not None:
            carried.append(index)
    leaves = [[leaf for i in carried for leaf in pytree.flatten(values[i])[0]]
              for values in (true_values, false_values)]
    results = iter(control.finish_if(
        holder, condition, leaves,
        [_named(names[i]) for i in carried for _ in pytree.flatten(true_values[i])[0]],
        "{name} is {a} after the `if` branch and {b} after the `else` branch of this "
        "`if` on a traced value; each variable must have one shape and dtype after it"))
    final = list(before)
    for index in carried:
        tree = _arrays(true_values[index])
        result = pytree.unflatten(tree, [next(results) for _ in range(tree.num_leaves)])
        final[index] = _rejoin(names[index], before[index], result, _ways(outcomes, index))
    set_state(final)


def _arrays(value):
    """The structure of `value` where it is an array or a tuple, list or
    dict of arrays (as carried out of a branch), else None."""
    if isinstance(value, Tracer):
        return pytree.LEAF
    if not isinstance(value, (tuple, list, dict)):
        return None
    leaves, tree = pytree.flatten(value)
    return tree if leaves and all(isinstance(leaf, Tracer) for leaf in leaves) else None


def _ways(outcomes, index) -> list:
    """How each branch left variable `index`: kept, written or rebound."""
    return [_how_changed(stand_ins[index], after[index]) for stand_ins, after in outcomes]


def while_stmt(test, body, get_state, set_state, names, live, line):
    while True:
        condition = test()
        if traced(condition):
            break
        if not condition:
            return
        body()
    _traced_loop(test, body, get_state, set_state, names, live, line, "`while` loop")


def for_stmt(iterable, body, get_state, set_state, names, live, line, stop=None):
    """`stop()`, where the loop has a `break`: whether it was taken (a
    Python iterable is not iterated further, as Python's `break` has it)."""
    if not isinstance(iterable, TracedRange):
        for value in iterable:
            body(value)
            if stop is not None and stop() is True:
                break
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
    return value if isinstance(value, Dim) else operator.index(value)


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


def python_only(test, what):
    """`test`, where the statement cannot be compiled yet: it must be a
    Python value."""
    if traced(test):
        raise UnsupportedError(
            f"{_position()}: {what} whose condition is a traced value is not supported "
            "yet: move the `return`/`break`/`continue` out of it (set a flag and test "
            "it in the loop's condition), or use mljit.cond / mljit.while_loop")
    return test


def python_range(iterable, what):
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
    kinds = [_arrays(branch[index]) is not None for branch in values]
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
    leaves, tree = pytree.flatten(defined)
    placeholders = []
    with trace.region(blocks[other], "a path that has returned"):
        for leaf in leaves:
            placeholder = splat(0, leaf.shape, leaf.dtype)
            placeholder.weak_type = leaf.weak_type
            placeholder.value  # noqa: B018
            placeholders.append(placeholder)
    values[other][index] = pytree.unflatten(tree, placeholders)


# -- loops -------------------------------------------------------------------------------

def _traced_loop(test, body, get_state, set_state, names, live, line, what, bounds=None):
    """The loop compiled: `test()` the condition of a while loop, or
    `bounds` the TracedRange of a for loop whose `body` takes the index."""
    before = list(get_state())
    for index, value in enumerate(before):
        if value is UNDEFINED and live[index]:
            raise _error(f"`{names[index]}` is used in this {what} on a traced value, or "
                         "after it, but is only defined inside it; define it before the loop")
    while True:
        try:
            return _trace_loop(before, test, body, get_state, set_state, names, line, what,
                               bounds)
        except _NotReturnedYet as needed:
            # The value a `return` in the loop gives: carried from a
            # placeholder of its type (read only once it is set).
            before[needed.index] = pytree.unflatten(needed.tree, [
                splat(0, shape, dtype) for shape, dtype in needed.types])


class _NotReturnedYet(control.Retrace):
    """The loop returns `value` (its structure and types are kept: the
    arrays themselves go with the discarded trace)."""

    def __init__(self, index, value):
        super().__init__()
        leaves, self.tree = pytree.flatten(value)
        self.index = index
        self.types = [(leaf.shape, leaf.dtype) for leaf in map(control._as_tracer, leaves)]


def _trace_loop(before, test, body, get_state, set_state, names, line, what, bounds):
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
            if position in carried or position in made_inside or value is before[position]:
                continue
            if names[position] == transform.RETURNED and _carriable(value):
                raise _NotReturnedYet(position, value)
            raise _error(f"{_named(names[position])} is {_kind(value)}, changed in this {what} "
                         "on a traced value; only arrays and Python numbers can be")
        traces.append((carry, after))
        return [after[i] for i in carried]

    def condition(carry):
        enter(carry)
        return test()

    leaves, tree = pytree.flatten([before[i] for i in carried])
    if bounds is None:
        loop = control._WhileLoop(condition, run_body, tree)
    else:
        loop = control._ForLoop(bounds.start, bounds.stop,
                                lambda i, carry: (run_body(carry, i), None), tree,
                                step=bounds.step)
    loop.name = f"this {what} on a traced value"
    loop.parts = (f"the condition of the {what} of line {line}",
                  f"the body of the {what} of line {line}")
    loop.leaf_names = [_named(names[i]) for i in carried
                       for _ in pytree.flatten(before[i])[0]]
    results = pytree.unflatten(tree, control._loop(loop, leaves))
    final = list(before)
    for position, index in enumerate(carried):
        ways = [_how_changed(carry[position], after[index]) for carry, after in traces]
        final[index] = _rejoin(names[index], before[index], results[position], ways)
    set_state(final)


# -- state --------------------------------------------------------------------------

def _carriable(value) -> bool:
    """Whether a loop can carry `value`: an array or a Python number, or a
    tuple, list or dict of them."""
    if isinstance(value, (tuple, list, dict)):
        leaves = pytree.flatten(value)[0]
        return bool(leaves) and all(_carriable(leaf) for leaf in leaves)
    return isinstance(value, (Tracer, Dim, bool, int, float, np.ndarray, np.generic))


def _stand_in(value):
    """An array of the region's own with `value`'s values (it may be
    written there); other values as they are, as is an array out of reach
    (left by a loop that did not carry it: the code does not read it)."""
    if isinstance(value, Tracer) and (value._scope is None or value._scope.open):
        return Tracer(value.value, value.weak_type, scalar=value.scalar)
    return value


def _carried(value):
    """A value after a branch: arrays and numbers as Tracers (values made
    inside the branch), tuples, lists and dicts of them too, anything else
    as it is."""
    if isinstance(value, (tuple, list, dict)):
        leaves, tree = pytree.flatten(value)
        if leaves and all(_carriable(leaf) for leaf in leaves):
            return pytree.unflatten(tree, [_carried(leaf) for leaf in leaves])
        return value
    if _carriable(value):
        tracer = control._as_tracer(value)
        tracer.value  # noqa: B018
        return tracer
    return value


def _how_changed(stand_in, after) -> str:
    if after is stand_in:
        return "written" if isinstance(after, Tracer) and after.written() else "kept"
    return "rebound"


def _check_one_way(name, ways) -> None:
    if "written" in ways and "rebound" in ways:
        raise _error(f"`{name}` is written in place on one path and bound to a new array "
                     "on another, of a branch or loop on a traced value: NumPy would make "
                     "other names for the array see the write only on the first; write "
                     f"`{name} = {name}.copy()` before, or use one form")


def _rejoin(name, original, result: Tracer, ways):
    """What the variable holds after the branch or loop: the original
    array written with `result` where the code wrote it in place, else
    `result` itself."""
    _check_one_way(name, ways)
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
