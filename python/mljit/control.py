"""Control flow on traced values, in JAX's explicit forms: `cond`,
`while_loop`, `fori_loop` and `scan`.

Each function is traced once, into a region of an `scf` op on tensors
(docs/control-flow.md says why scf and not ops of our own): a loop compiles
once whatever its trip count, and a branch runs only when taken. A region
is traced into a block of a placeholder op first, because the final op's
result types are those the functions return; the blocks then move into the
final op. Outside a trace (a plain call, `disable_jit`), or where the
condition is known while tracing, they run as the Python they stand for.
"""

from __future__ import annotations

import numpy as np
from mlir import ir
from mlir.dialects import arith, scf, tensor

from . import dtypes, pytree, symbolic
from .dialects import ml
from .errors import TraceError, UnsupportedError
from .symbolic import Dim
from .tracing import (Tracer, build, check_same_trace, constant, current_trace, splat,
                      user_position)

__all__ = ["cond", "fori_loop", "scan", "while_loop"]


def cond(pred, true_fun, false_fun, *operands):
    """`true_fun(*operands)` if `pred` else `false_fun(*operands)`, as
    `jax.lax.cond`: both functions return the same structure of arrays of
    the same shapes and dtypes (a Python scalar takes the other's dtype)."""
    trace = current_trace()
    if trace is None:
        return (true_fun if pred else false_fun)(*operands)
    known = _known_truth(pred, "mljit.cond")
    if known is not None:
        return (true_fun if known else false_fun)(*operands)
    condition = _condition(pred, "mljit.cond")

    def branch(fun):
        def traced():
            leaves, tree = pytree.flatten(fun(*operands))
            leaves = [_as_tracer(leaf) for leaf in leaves]
            for leaf in leaves:
                leaf.value  # noqa: B018 (made inside the branch)
            return tree, leaves
        return traced

    holder, (true_tree, true_leaves), (false_tree, false_leaves) = branches(
        [branch(true_fun), branch(false_fun)],
        ["the true_fun of mljit.cond", "the false_fun of mljit.cond"])
    if true_tree != false_tree:
        raise _error(f"mljit.cond: true_fun returns {true_tree} but false_fun returns "
                     f"{false_tree}; both branches must return the same structure")
    names = [f"result {index}" for index in range(len(true_leaves))]
    results = finish_if(holder, condition, [true_leaves, false_leaves], names,
                        "mljit.cond: {name} of true_fun is {a} but that of false_fun is {b}; "
                        "both branches must return arrays of the same shapes and dtypes")
    return pytree.unflatten(true_tree, results)


def branches(functions, whats) -> tuple:
    """Traces each function into a block of a new placeholder op, as a
    scope (`whats` names them); returns the placeholder, then what each
    function returned (whose arrays to yield must have their values made
    in the branch: `.value`)."""
    trace = current_trace()
    holder = _holder(len(functions))
    outputs = []
    for index, (function, what) in enumerate(zip(functions, whats)):
        block = holder.regions[index].blocks.append()
        with trace.region(block, what):
            outputs.append(function())

    return (holder, *outputs)


def finish_if(holder, condition, leaves: list, names: list, mismatch: str) -> list:
    """The scf.if on `condition` whose branches were traced into `holder`'s
    blocks, yielding `leaves[branch]`: Tracers, a Python scalar's taking the
    other branch's dtype. `mismatch` (a format of name, a and b) explains
    arrays that differ."""
    trace = current_trace()
    true_leaves, false_leaves = leaves
    blocks = [region.blocks[0] for region in holder.regions]
    values = [[leaf._value for leaf in branch] for branch in leaves]
    weak_types = []
    for index, (a, b) in enumerate(zip(true_leaves, false_leaves)):
        same_shape = symbolic.same_shape(a.shape, b.shape)
        if not same_shape or a.dtype != b.dtype:
            if same_shape and b.weak_type is not None:
                values[1][index] = _cast(blocks[1], values[1][index], a.dtype)
                b = a
            elif same_shape and a.weak_type is not None:
                values[0][index] = _cast(blocks[0], values[0][index], b.dtype)
                a = b
            else:
                raise _error(mismatch.format(name=names[index], a=_describe(a),
                                             b=_describe(b)))
        weak_types.append(a.weak_type if a.weak_type is b.weak_type else None)
    final = ir.Operation.create("scf.if", results=[v.type for v in values[0]],
                                operands=[condition], regions=2,
                                loc=trace.location(), ip=ir.InsertionPoint(holder))
    for index, block in enumerate(blocks):
        with ir.InsertionPoint(block):
            scf.YieldOp(values[index])
        block.append_to(final.regions[index])
    holder.erase()
    return [_result(trace, value, leaf, weak) for value, leaf, weak
            in zip(final.results, true_leaves, weak_types)]


def while_loop(cond_fun, body_fun, init_val, max_iterations=None):
    """`val = init_val; while cond_fun(val): val = body_fun(val)`, as
    `jax.lax.while_loop`: the carry keeps its structure, shapes and dtypes.
    With `max_iterations` (an int, mljit's own), at most that many
    iterations: a counted loop of that many steps whose body runs while
    `cond_fun` holds, which reverse mode (`mljit.grad`) can differentiate,
    as it cannot a loop of unknown length."""
    if max_iterations is not None:
        if not isinstance(max_iterations, int) or isinstance(max_iterations, bool) \
                or max_iterations < 0:
            raise ValueError("mljit.while_loop: max_iterations must be a non-negative "
                             f"int, not {max_iterations!r}")
        if current_trace() is not None:
            def step(_, val):
                return cond(cond_fun(val), body_fun, lambda same: same, val)
            return fori_loop(0, max_iterations, step, init_val)
    if current_trace() is None:
        val, count = init_val, 0
        while (max_iterations is None or count < max_iterations) and cond_fun(val):
            val, count = body_fun(val), count + 1
        return val
    leaves, tree = pytree.flatten(init_val)
    return pytree.unflatten(tree, _loop(_WhileLoop(cond_fun, body_fun, tree), leaves))


def fori_loop(lower, upper, body_fun, init_val):
    """`val = init_val; for i in range(lower, upper): val = body_fun(i, val)`,
    as `jax.lax.fori_loop`; the bounds may be traced integers."""
    if current_trace() is None:
        val = init_val
        for i in range(int(lower), int(upper)):
            val = body_fun(i, val)
        return val
    leaves, tree = pytree.flatten(init_val)
    loop = _ForLoop(lower, upper, lambda i, carry: (body_fun(i, carry), None), tree)
    return pytree.unflatten(tree, _loop(loop, leaves))


def scan(f, init, xs=None, length=None, reverse=False):
    """`jax.lax.scan`: `carry, y = f(carry, x)` for each `x` along the
    leading axis of `xs` (in reverse with `reverse`); returns the final
    carry and the `y`s stacked along a new leading axis."""
    x_leaves, x_tree = pytree.flatten(xs)
    lengths = {_leading_size(leaf) for leaf in x_leaves}
    if length is not None:
        lengths.add(length)
    if len(lengths) != 1:
        raise _error("mljit.scan: " + (
            f"the leading sizes of xs and length differ: {sorted(lengths, key=str)}"
            if lengths else "with no xs, give the number of steps as length"))
    (steps,) = lengths
    if current_trace() is None:
        carry, ys = init, []
        for i in (reversed(range(steps)) if reverse else range(steps)):
            carry, y = f(carry, pytree.unflatten(x_tree, [leaf[i] for leaf in x_leaves]))
            ys.append(y)
        if reverse:
            ys.reverse()
        if not ys:
            raise _error("mljit.scan of 0 steps outside a trace has no y to stack")
        y_leaves = [np.stack(column) for column in zip(*(pytree.flatten(y)[0] for y in ys))]
        return carry, pytree.unflatten(pytree.flatten(ys[0])[1], y_leaves)

    def step(i, carry):
        rows = [_row(current_trace(), _as_tracer(leaf), loop.position) for leaf in x_leaves]
        return f(carry, pytree.unflatten(x_tree, rows))

    leaves, tree = pytree.flatten(init)
    loop = _ForLoop(0, steps, step, tree, stacked=steps, reverse=reverse)
    carry = pytree.unflatten(tree, _loop(loop, leaves))
    return carry, pytree.unflatten(loop.y_tree, loop.ys)


# -- loops ---------------------------------------------------------------------

class _WhileLoop:
    """scf.while: the condition in the `before` region, the body in `after`."""

    regions = 2
    name = "mljit.while_loop"
    # How errors name the condition and body, and the carry's leaves.
    parts = ("the cond_fun of mljit.while_loop", "the body_fun of mljit.while_loop")
    leaf_names = None

    def __init__(self, cond_fun, body_fun, tree):
        self.cond_fun, self.body_fun, self.tree = cond_fun, body_fun, tree

    def operands(self, trace):
        return []

    def trace_regions(self, trace, holder, carry):
        types = [leaf.value.type for leaf in carry]
        before = holder.regions[0].blocks.append(*types)
        with trace.region(before, self.parts[0]):
            arguments = _carry_tracers(trace, before.arguments, carry)
            condition = _condition(self.cond_fun(pytree.unflatten(self.tree, arguments)),
                                   self.parts[0])
            scf.ConditionOp(condition, list(before.arguments))
        after = holder.regions[1].blocks.append(*types)
        with trace.region(after, self.parts[1]):
            arguments = _carry_tracers(trace, after.arguments, carry)
            out = self.body_fun(pytree.unflatten(self.tree, arguments))
            values, promotions = _check_carry(self, out, carry)
            if not promotions:
                scf.YieldOp(values)
        return promotions

    def finish(self, trace, final, carried: int):
        pass

    def create(self, trace, holder, operands):
        return ir.Operation.create("scf.while", results=[v.type for v in operands],
                                   operands=operands, regions=2,
                                   loc=trace.location(), ip=ir.InsertionPoint(holder))


class _ForLoop:
    """scf.for from `lower` to `upper`; `body(i, carry)` returns the new carry
    and the values to stack (`stacked` steps of them, for scan)."""

    regions = 1

    def __init__(self, lower, upper, body, tree, stacked=None, reverse=False, step=1):
        self.lower, self.upper, self.body, self.tree = lower, upper, body, tree
        self.step = step
        # The body sees steps counting down from upper - 1 with `reverse`.
        self.stacked, self.reverse = stacked, reverse
        self.name = "mljit.scan" if stacked is not None else "mljit.fori_loop"
        self.parts = (None, "the body of " + self.name)
        self.leaf_names = None
        _check_bounds(lower, upper, self.name)
        # What scan stacks: the stacked arrays' initial values (outside the
        # loop), then their final ones, as the results.
        self.y_inits, self.y_weak, self.ys, self.y_tree = [], [], [], None

    def operands(self, trace):
        index = ir.IndexType.get()
        with trace.location():
            bounds = [_index_value(trace, b) for b in (self.lower, self.upper)]
            return bounds + [arith.ConstantOp(index, self.step).result]

    def trace_regions(self, trace, holder, carry):
        index = ir.IndexType.get()
        block = holder.regions[0].blocks.append(index, *[c.value.type for c in carry])
        what = self.parts[1]
        with trace.region(block, what):
            # The index is what Python's range gives: an int (weakly typed).
            int64 = np.dtype(np.int64)
            element = arith.IndexCastOp(dtypes.to_mlir(int64), block.arguments[0])
            i = Tracer(tensor.FromElementsOp(dtypes.tensor_type((), int64),
                                             [element.result]).result, int, scalar=True)
            # The row of stacked values this step reads and writes.
            self.position = block.arguments[0]
            if self.reverse:
                i = (self.upper - 1) - i
                last = trace.size_value(self.upper - 1)
                self.position = arith.SubIOp(last, self.position).result
            arguments = _carry_tracers(trace, block.arguments[1:], carry)
            out, ys = self.body(i, pytree.unflatten(self.tree, arguments))
            values, promotions = _check_carry(self, out, carry)
            if promotions:
                return promotions
            if self.stacked is not None:
                values += self._stack(trace, block, ys)
            scf.YieldOp(values)
        return {}

    def _stack(self, trace, block, ys) -> list:
        """Each y written at its row of a carried array of all of them."""
        y_leaves, self.y_tree = pytree.flatten(ys)
        y_leaves = [_as_tracer(y) for y in y_leaves]
        outside = trace.scopes[-2]
        values = []
        for y in y_leaves:
            shape = (self.stacked,) + tuple(y.shape)
            with trace.insertion_point(outside):
                self.y_inits.append(splat(0, shape, y.dtype))
            self.y_inits[-1]._scope = outside
            rows = block.add_argument(self.y_inits[-1].value.type, trace.location())
            if symbolic.is_symbolic(shape):
                trace.shapes[rows] = shape
            row = build(ml.ReshapeOp, dtypes.tensor_type((1,) + tuple(y.shape), y.dtype),
                        y.value, trace.dynamic_sizes((1,) + tuple(y.shape))).result
            values.append(build(ml.DynamicUpdateSliceOp, rows, row,
                                [self.position] + _zeros(len(y.shape))).result)
        self.y_weak = [y.weak_type for y in y_leaves]
        return values

    def create(self, trace, holder, operands):
        operands = operands + [y.value for y in self.y_inits]
        return ir.Operation.create("scf.for", results=[v.type for v in operands[3:]],
                                   operands=operands, regions=1,
                                   loc=trace.location(), ip=ir.InsertionPoint(holder))

    def finish(self, trace, final, carried: int):
        if self.stacked is not None:
            self.ys = [_result(trace, value, y, weak) for value, y, weak in
                       zip(list(final.results)[carried:], self.y_inits, self.y_weak)]


def _loop(loop, leaves) -> list:
    """Traces `loop` on the carry `leaves`; returns the final carry. A weak
    (Python scalar) carry leaf that the body makes of another dtype is
    promoted to it and the loop traced again, as in JAX."""
    trace = current_trace()
    carry = [_as_tracer(leaf) for leaf in leaves]
    while True:
        # Made here, before the holder the final op goes before.
        inits = [leaf.value for leaf in carry]
        operands = loop.operands(trace) + inits
        holder = _holder(loop.regions)
        try:
            promotions = loop.trace_regions(trace, holder, carry)
        except Retrace:
            holder.erase()
            raise
        if not promotions:
            break
        holder.erase()
        carry = [_promoted(leaf, promotions.get(index)) for index, leaf in enumerate(carry)]
    final = loop.create(trace, holder, operands)
    for index, region in enumerate(holder.regions):
        region.blocks[0].append_to(final.regions[index])
    holder.erase()
    results = [_result(trace, value, leaf, leaf.weak_type)
               for value, leaf in zip(final.results, carry)]
    loop.finish(trace, final, len(carry))
    return results


class Retrace(Exception):
    """Raised by a loop body that must be traced again, on another carry
    (the caller catches it; the loop traced so far is discarded)."""


def _check_carry(loop, out, carry) -> tuple[list, dict]:
    """The values of the new carry `out`, cast where a Python scalar stands
    for an array of the carry's dtype; and the dtypes weak carry leaves must
    be promoted to first (by leaf index)."""
    name, tree, who = loop.name, loop.tree, loop.parts[1]
    leaves, out_tree = pytree.flatten(out)
    if out_tree != tree:
        raise _error(f"{name}: {who} makes the carry {out_tree} but it entered as "
                     f"{tree}; a carry keeps its structure")
    values, promotions = [], {}
    for index, (new, old) in enumerate(zip(leaves, carry)):
        new = _as_tracer(new)
        what = loop.leaf_names[index] if loop.leaf_names else f"carry leaf {index}"
        changed = (f"{name}: {who} makes {what} {_describe(new)}, but it entered as "
                   f"{_describe(old)}; a carry keeps its shape and dtype at every iteration")
        if not symbolic.same_shape(new.shape, old.shape):
            raise _error(changed)
        value = new.value
        if new.dtype != old.dtype:
            if new.weak_type is not None and np.can_cast(new.dtype, old.dtype, "same_kind"):
                value = build(ml.CastOp, dtypes.tensor_type(old.shape, old.dtype), value).result
            elif old.weak_type is not None:
                promotions[index] = new.dtype
            else:
                raise _error(changed + " (cast it with .astype)")
        values.append(value)
    return values, promotions


def _promoted(leaf: Tracer, dtype) -> Tracer:
    if dtype is None:
        return leaf
    value = build(ml.CastOp, dtypes.tensor_type(leaf.shape, dtype), leaf.value).result
    return Tracer(value, leaf.weak_type if dtype.kind == leaf.dtype.kind else None,
                  scalar=leaf.scalar)


def _carry_tracers(trace, arguments, carry) -> list:
    tracers = []
    for argument, leaf in zip(arguments, carry):
        shape = leaf.shape
        if symbolic.is_symbolic(shape):
            trace.shapes[argument] = tuple(shape)
        tracers.append(Tracer(argument, leaf.weak_type, scalar=leaf.scalar))
    return tracers


# -- helpers -------------------------------------------------------------------

def _holder(regions: int) -> ir.Operation:
    """A placeholder op at the current point holding the regions being
    traced (never verified: erased once they move to the final op)."""
    return ir.Operation.create("scf.execute_region", regions=regions,
                               loc=current_trace().location())


def _as_tracer(leaf) -> Tracer:
    """A leaf a function returns or takes as a traced array: Python scalars
    become weakly typed constants, as in NumPy's promotion."""
    if isinstance(leaf, Tracer):
        check_same_trace(leaf)
        return leaf
    if isinstance(leaf, Dim):
        from .numpy import _core
        return _core.as_value(leaf)
    if isinstance(leaf, (bool, int, float)):
        tracer = constant(leaf)
        tracer.weak_type, tracer.scalar = type(leaf), True
        return tracer
    if isinstance(leaf, (np.ndarray, np.generic)):
        return constant(leaf)
    raise UnsupportedError(f"{_position()}: a {type(leaf).__name__} in a carry or result of "
                           "traced control flow; only arrays and Python/NumPy scalars "
                           "(in tuples, lists and dicts) can be")


def _result(trace, value: ir.Value, like: Tracer, weak) -> Tracer:
    if symbolic.is_symbolic(like.shape):
        trace.shapes[value] = tuple(like.shape)
    return Tracer(value, weak, scalar=like.scalar)


def _known_truth(pred, name: str):
    """The truth of `pred` where known while tracing (Python values, arrays
    NumPy made in the traced code), else None."""
    if isinstance(pred, Tracer):
        values = pred.concrete()
        if values is None:
            return None
        pred = values
    if isinstance(pred, Dim):
        return None
    array = np.asarray(pred)
    if array.shape != ():
        raise _error(f"{name}: the condition must be a scalar, not an array of shape "
                     f"{array.shape}")
    return bool(array)


def _condition(pred, name: str) -> ir.Value:
    """The i1 an scf op branches on: `pred` (a scalar: a boolean, or a
    number that is true where non-zero)."""
    pred = _as_tracer(pred)
    if pred.shape != ():
        raise _error(f"{name}: the condition must be a scalar, not an array of shape "
                     f"{pred.shape}")
    if pred.dtype != np.bool_:
        zero = constant(np.zeros((), pred.dtype))
        pred = Tracer(build(ml.CompareOp, ml.ComparisonDirection.NE, pred.value,
                            zero.value).result)
    return tensor.ExtractOp(pred.value, []).result


def _check_bounds(lower, upper, name) -> None:
    for bound in (lower, upper):
        if isinstance(bound, Tracer):
            if bound.shape != () or bound.dtype.kind not in "iu":
                raise _error(f"{name}: a bound must be an integer scalar, not "
                             f"{_describe(bound)}")
        elif not isinstance(bound, (int, np.integer, Dim)) or isinstance(bound, bool):
            raise _error(f"{name}: a bound must be an integer, not a {type(bound).__name__}")


def _index_value(trace, bound) -> ir.Value:
    index = ir.IndexType.get()
    if isinstance(bound, Dim):
        return trace.size_value(bound)
    if not isinstance(bound, Tracer):
        return arith.ConstantOp(index, int(bound)).result
    return arith.IndexCastOp(index, tensor.ExtractOp(bound.value, []).result).result


def _zeros(count: int) -> list:
    zero = arith.ConstantOp(ir.IndexType.get(), 0).result
    return [zero] * count


def _row(trace, leaf: Tracer, position: ir.Value) -> Tracer:
    """`leaf[position]`, a position known to be in range (no wrapping or
    clamping as NumPy's indexing would need)."""
    rest = tuple(leaf.shape[1:])
    sliced = build(ml.DynamicSliceOp, dtypes.tensor_type((1,) + rest, leaf.dtype), leaf.value,
                   [position] + _zeros(len(rest)), trace.dynamic_sizes((1,) + rest)).result
    return Tracer(build(ml.ReshapeOp, dtypes.tensor_type(rest, leaf.dtype), sliced,
                        trace.dynamic_sizes(rest)).result)


def _leading_size(leaf):
    shape = leaf.shape if isinstance(leaf, Tracer) else np.shape(leaf)
    if not shape:
        raise _error("mljit.scan: every leaf of xs must have a leading axis to scan over, "
                     "not a scalar")
    return shape[0]


def _cast(block: ir.Block, value: ir.Value, dtype) -> ir.Value:
    """`value` cast to `dtype` at the end of the (closed) region `block`."""
    type_ = ir.RankedTensorType(value.type)
    with ir.InsertionPoint(block):
        result_type = ir.RankedTensorType.get(type_.shape, dtypes.to_mlir(dtype))
        return build(ml.CastOp, result_type, value).result


def _describe(x: Tracer) -> str:
    shape = ",".join(str(d) for d in x.shape)
    weak = " (a Python scalar)" if x.weak_type is not None else ""
    return f"{x.dtype}[{shape}]{weak}"


def _position() -> str:
    filename, line, _ = user_position()
    return f"{filename}:{line}"


def _error(message: str) -> TraceError:
    return TraceError(f"{_position()}: {message}")
