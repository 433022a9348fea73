"""Gradients, vector-Jacobian and Jacobian-vector products, as `jax.grad`,
`jax.value_and_grad`, `jax.vjp` and `jax.jvp`.

In a trace, the differentiated function is traced into the body of an
`ml.vjp` op (cotangent 1 for its scalar result) or an `ml.jvp` op: the
derivative is taken of the `ml` IR by the compiler
(`ml-expand-derivatives`, with every op's JVP and transpose rules), inside
the traced function, so that `jit` fuses and tiles the forward and
backward computation as one program. Values the
function reads besides the differentiated arguments (other arguments,
closures) are constants of the derivative. Called outside a trace, a
gradient function compiles itself (a `jit` of it, made once).
"""

from __future__ import annotations

import functools

import numpy as np
from mlir import ir

from . import autograph, pytree
from .control import _as_tracer, _holder
from .errors import TraceError
from .tracing import Tracer, constant, current_trace, user_position

__all__ = ["grad", "jvp", "value_and_grad", "vjp"]


def value_and_grad(fun, argnums=0, has_aux=False):
    """A function returning `fun`'s value and its gradient with respect to
    the arguments at `argnums` (an int or a tuple of ints), as
    `jax.value_and_grad`: `fun` returns a float scalar (with `has_aux`, a
    pair of it and auxiliary data, returned as `((value, aux), gradient)`);
    each gradient has the structure (pytree) and dtypes of its argument."""
    _check_argnums(argnums)
    return compiled_outside_traces(
        fun, lambda *args, **kwargs: _traced_value_and_grad(fun, args, kwargs, argnums,
                                                            has_aux))


def compiled_outside_traces(fun, traced):
    """A function of `fun`'s arguments that runs `traced` in a trace and,
    called outside one, compiles itself (a `jit` of it, made once)."""
    compiled = []

    @functools.wraps(fun)
    def function(*args, **kwargs):
        if current_trace() is None:
            if not compiled:
                from .api import jit
                compiled.append(jit(function))
            return compiled[0](*args, **kwargs)
        return traced(*args, **kwargs)

    return function


def grad(fun, argnums=0, has_aux=False):
    """The gradient of `fun` with respect to the arguments at `argnums`, as
    `jax.grad` (with `has_aux`, `(gradient, aux)`); see `value_and_grad`."""
    both = value_and_grad(fun, argnums, has_aux)

    @functools.wraps(fun)
    def gradient(*args, **kwargs):
        value, gradients = both(*args, **kwargs)
        return (gradients, value[1]) if has_aux else gradients

    return gradient


def vjp(fun, *primals, has_aux=False):
    """`(fun(*primals), vjp_fn)` as `jax.vjp` (with `has_aux`, `(out,
    vjp_fn, aux)`): `vjp_fn(cotangent)`, the cotangent of the structure,
    shapes and dtypes of `out`, returns a tuple of one cotangent per
    primal, each of its primal's structure. Each call of `vjp_fn` computes
    `fun` again with its derivative (one program: no residuals are kept
    between calls)."""
    numbers = tuple(range(len(primals)))

    def traced(primals, cotangent):
        def given(value_tree, values):
            leaves, tree = pytree.flatten(cotangent)
            if tree != value_tree or any(_spec(c) != (tuple(v.shape), v.dtype)
                                         for c, v in zip(leaves, values)):
                raise _error("mljit.vjp: the cotangent must have the structure, shapes and "
                             "dtypes of the function's output: "
                             + ", ".join(f"{v.shape} {v.dtype}" for v in values))
            return [functools.partial(_as_tracer, leaf) for leaf in leaves]
        return _traced_vjp(fun, primals, {}, numbers, has_aux, given, "the primals")

    if current_trace() is None:
        from .api import jit
        output = jit(fun)(*primals)
        backward = jit(lambda primals, cotangent: traced(primals, cotangent)[2])

        def vjp_fn(cotangent):
            return backward(primals, cotangent)
    else:
        output = autograph.converted(fun)(*primals)

        def vjp_fn(cotangent):
            return traced(primals, cotangent)[2]
    value, aux = _split_aux(output, has_aux, "mljit.vjp")
    return (value, vjp_fn, aux) if has_aux else (value, vjp_fn)


def jvp(fun, primals, tangents, has_aux=False):
    """`(fun(*primals), tangent_out)` as `jax.jvp` (with `has_aux`,
    `(out, tangent_out, aux)`): `tangents`, a tuple or list of the length,
    structure, shapes and float dtypes of `primals`, pushed forward through
    `fun`; `tangent_out` has the structure of `out`, whose arrays must be
    floats. The output and its tangent are computed in one program."""
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError("mljit.jvp takes the primals and the tangents as tuples or lists, "
                        f"not {type(primals).__name__} and {type(tangents).__name__}")
    if len(primals) != len(tangents):
        raise TypeError(f"mljit.jvp got {len(primals)} primals but {len(tangents)} tangents")
    if current_trace() is None:
        return _jitted_jvp(fun, has_aux)(tuple(primals), tuple(tangents))
    return _traced_jvp(fun, tuple(primals), tuple(tangents), has_aux)


@functools.lru_cache(maxsize=64)
def _jitted_jvp(fun, has_aux):
    from .api import jit
    return jit(lambda primals, tangents: jvp(fun, primals, tangents, has_aux=has_aux))


def _traced_jvp(fun, primals, tangents, has_aux):
    leaves, tree = pytree.flatten(primals)
    tangent_leaves, tangent_tree = pytree.flatten(tangents)
    if tangent_tree != tree:
        raise _error(f"mljit.jvp: the tangents have the structure {tangent_tree}, but the "
                     f"primals have {tree}")
    primal_tracers = [_as_tracer(leaf) for leaf in leaves]
    _check_float(primal_tracers, "the primals", "mljit.jvp")
    tangent_tracers = []
    for index, (leaf, primal) in enumerate(zip(tangent_leaves, primal_tracers)):
        if isinstance(leaf, (int, float)) and not isinstance(leaf, bool):
            leaf = np.asarray(leaf, primal.dtype)
        if _spec(leaf) != (tuple(primal.shape), primal.dtype):
            shape, dtype = _spec(leaf)
            raise _error(f"mljit.jvp: tangent {index} has shape {shape} and dtype {dtype}, "
                         f"but its primal has shape {tuple(primal.shape)} and dtype "
                         f"{primal.dtype}")
        tangent_tracers.append(_as_tracer(leaf))

    def call(inner):
        output = autograph.converted(fun)(*pytree.unflatten(tree, inner))
        value, aux = _split_aux(output, has_aux, "mljit.jvp")
        value_leaves, value_tree = pytree.flatten(value)
        value_leaves = [_as_tracer(leaf) for leaf in value_leaves]
        _check_float(value_leaves, "the output", "mljit.jvp")
        aux_leaves, aux_tree = pytree.flatten(aux)
        aux_leaves = [_as_tracer(leaf) for leaf in aux_leaves]
        return value_tree, value_leaves + aux_leaves, (len(value_leaves), aux_tree)

    block, holder, values, (value_tree, yielded, (count, aux_tree)) = _trace_body(
        primal_tracers, call, "a function differentiated by mljit.jvp")
    results = _finish("ml.jvp", block, holder, primal_tracers,
                      [t.value for t in tangent_tracers], values, yielded,
                      [(y, v.type) for y, v in zip(yielded[:count], values)])
    value_out = pytree.unflatten(value_tree, results[:count])
    aux_out = pytree.unflatten(aux_tree, results[count:len(yielded)])
    tangent_out = pytree.unflatten(value_tree, results[len(yielded):])
    return (value_out, tangent_out, aux_out) if has_aux else (value_out, tangent_out)


def _check_float(tracers, what, name) -> None:
    for index, tracer in enumerate(tracers):
        if not np.issubdtype(tracer.dtype, np.floating):
            raise _error(f"{name} differentiates float arrays, but leaf {index} of {what} "
                         f"has dtype {tracer.dtype}")


def _trace_body(primals, call, what):
    """`call(inner)` traced into the block of a new placeholder op, on one
    block argument per primal (`inner`, tracers of them); `call` returns a
    tree, the tracers the body yields and anything else. Returns the block,
    the placeholder, the values it yields and what `call` returned."""
    trace = current_trace()
    holder = _holder(1)
    block = holder.regions[0].blocks.append(*[p.value.type for p in primals])
    with trace.region(block, what):
        inner = [Tracer(argument, p.weak_type, scalar=p.scalar)
                 for argument, p in zip(block.arguments, primals)]
        output = call(inner)
        values = [leaf.value for leaf in output[1]]  # made in the body
    return block, holder, values, output


def _finish(name, block, holder, primals, seeds, values, yielded, derived) -> list:
    """The `name` op (ml.vjp or ml.jvp) on `primals` and `seeds` whose body
    is `block`, yielding `values` (those of the tracers `yielded`), with
    results of their types then of `derived`'s (pairs of a tracer and its
    type); it takes the placeholder's place. Returns tracers of its
    results."""
    trace = current_trace()
    derived_types = [t for _, t in derived]
    derived = [d for d, _ in derived]
    final = ir.Operation.create(
        name, results=[v.type for v in values] + derived_types,
        operands=[p.value for p in primals] + seeds,
        attributes={
            "operandSegmentSizes": ir.DenseI32ArrayAttr.get([len(primals), len(seeds)]),
            "resultSegmentSizes": ir.DenseI32ArrayAttr.get([len(values), len(derived)]),
        },
        regions=1, loc=trace.location(), ip=ir.InsertionPoint(holder))
    with ir.InsertionPoint(block), trace.location():
        ir.Operation.create("ml.yield", operands=values)
    block.append_to(final.regions[0])
    holder.erase()
    return [Tracer(r, leaf.weak_type, scalar=leaf.scalar)
            for r, leaf in zip(final.results, yielded + derived)]


def _spec(leaf) -> tuple:
    """(shape, dtype) of an array leaf, traced or not."""
    if isinstance(leaf, Tracer):
        return tuple(leaf.shape), leaf.dtype
    return np.shape(leaf), np.asarray(leaf).dtype


def _check_argnums(argnums) -> None:
    numbers = argnums if isinstance(argnums, tuple) else (argnums,)
    if not numbers or not all(isinstance(n, int) and not isinstance(n, bool)
                              for n in numbers):
        raise TypeError(f"argnums must be an int or a non-empty tuple of ints, not {argnums!r}")


def _error(message: str) -> TraceError:
    file, line, _ = user_position()
    return TraceError(f"{file}:{line}: {message}")


def _traced_value_and_grad(fun, args, kwargs, argnums, has_aux):
    numbers = argnums if isinstance(argnums, tuple) else (argnums,)
    for number in numbers:
        if not -len(args) <= number < len(args):
            raise _error(f"mljit.grad: argnums {argnums} names argument {number}, but the "
                         f"function was called with {len(args)} positional arguments")

    def ones(value_tree, values):
        value = values[0] if len(values) == 1 else None
        if value is None or value.shape != () or not np.issubdtype(value.dtype, np.floating):
            shape, dtype = (value.shape, value.dtype) if value is not None else ("?", "?")
            raise _error("mljit.grad needs a function returning a float scalar, but it "
                         f"returned an array of shape {shape} and dtype {dtype}")
        return [lambda: constant(np.ones((), value.dtype))]

    value, aux, gradients = _traced_vjp(fun, args, kwargs, numbers, has_aux, ones,
                                        f"the arguments at argnums {argnums}")
    if not isinstance(argnums, tuple):
        gradients = gradients[0]
    return ((value, aux) if has_aux else value), gradients


def _traced_vjp(fun, args, kwargs, numbers, has_aux, cotangents_for, what):
    """`fun(*args, **kwargs)` (value and aux) and the cotangents of the
    arguments at `numbers`, traced as an ml.vjp: `cotangents_for(tree,
    leaves)` checks the differentiated output and gives a function making
    each cotangent (in the enclosing scope)."""
    selected = tuple(args[n] for n in numbers)
    leaves, tree = pytree.flatten(selected)
    primals = [_as_tracer(leaf) for leaf in leaves]
    _check_float(primals, what, "mljit.grad")

    def call(inner):
        inner_args = list(args)
        for number, value in zip(numbers, pytree.unflatten(tree, inner)):
            inner_args[number] = value
        output = autograph.converted(fun)(*inner_args, **kwargs)
        value, aux = _split_aux(output, has_aux, "mljit.grad")
        value_leaves, value_tree = pytree.flatten(value)
        value_leaves = [_as_tracer(leaf) for leaf in value_leaves]
        makers = cotangents_for(value_tree, value_leaves)
        aux_leaves, aux_tree = pytree.flatten(aux)
        aux_leaves = [_as_tracer(leaf) for leaf in aux_leaves]
        return value_tree, value_leaves + aux_leaves, (len(value_leaves), aux_tree, makers)

    block, holder, values, (value_tree, yielded, (count, aux_tree, makers)) = _trace_body(
        primals, call, "a function differentiated by mljit.grad")
    with ir.InsertionPoint(holder):
        cotangents = [make().value for make in makers]
    results = _finish("ml.vjp", block, holder, primals, cotangents, values, yielded,
                      [(p, p.value.type) for p in primals])
    value_out = pytree.unflatten(value_tree, results[:count])
    aux_out = pytree.unflatten(aux_tree, results[count:len(yielded)])
    gradients = pytree.unflatten(tree, results[len(yielded):])
    return value_out, aux_out, gradients


def _split_aux(output, has_aux, name):
    if not has_aux:
        return output, ()
    if not (isinstance(output, (tuple, list)) and len(output) == 2):
        raise _error(f"{name}(has_aux=True) needs a function returning a pair "
                     f"(value, aux), but it returned a {type(output).__name__}")
    return output[0], output[1]
