"""Gradients and vector-Jacobian products, as `jax.grad`,
`jax.value_and_grad` and `jax.vjp`.

In a trace, the differentiated function is traced into the body of an
`ml.vjp` op (cotangent 1 for its scalar result): the derivative is taken of
the `ml` IR by the compiler (`ml-expand-derivatives`, with every op's JVP
and transpose rules), inside the traced function, so that `jit` fuses and
tiles the forward and backward computation as one program. Values the
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

__all__ = ["grad", "value_and_grad", "vjp"]


def value_and_grad(fun, argnums=0, has_aux=False):
    """A function returning `fun`'s value and its gradient with respect to
    the arguments at `argnums` (an int or a tuple of ints), as
    `jax.value_and_grad`: `fun` returns a float scalar (with `has_aux`, a
    pair of it and auxiliary data, returned as `((value, aux), gradient)`);
    each gradient has the structure (pytree) and dtypes of its argument."""
    _check_argnums(argnums)
    compiled = []

    @functools.wraps(fun)
    def value_and_gradient(*args, **kwargs):
        if current_trace() is None:
            if not compiled:
                from .api import jit
                compiled.append(jit(value_and_gradient))
            return compiled[0](*args, **kwargs)
        return _traced_value_and_grad(fun, args, kwargs, argnums, has_aux)

    return value_and_gradient


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
    value, aux = _split_aux(output, has_aux)
    return (value, vjp_fn, aux) if has_aux else (value, vjp_fn)


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
    trace = current_trace()
    selected = tuple(args[n] for n in numbers)
    leaves, tree = pytree.flatten(selected)
    primals = [_as_tracer(leaf) for leaf in leaves]
    for index, primal in enumerate(primals):
        if not np.issubdtype(primal.dtype, np.floating):
            raise _error(f"mljit.grad differentiates float arrays, but leaf {index} of "
                         f"{what} has dtype {primal.dtype}; leave integer and boolean "
                         "arguments out")
    holder = _holder(1)
    block = holder.regions[0].blocks.append(*[p.value.type for p in primals])
    with trace.region(block, "a function differentiated by mljit.grad"):
        inner = [Tracer(argument, p.weak_type, scalar=p.scalar)
                 for argument, p in zip(block.arguments, primals)]
        inner_selected = pytree.unflatten(tree, inner)
        inner_args = list(args)
        for number, value in zip(numbers, inner_selected):
            inner_args[number] = value
        output = autograph.converted(fun)(*inner_args, **kwargs)
        value, aux = _split_aux(output, has_aux)
        value_leaves, value_tree = pytree.flatten(value)
        value_leaves = [_as_tracer(leaf) for leaf in value_leaves]
        makers = cotangents_for(value_tree, value_leaves)
        aux_leaves, aux_tree = pytree.flatten(aux)
        aux_leaves = [_as_tracer(leaf) for leaf in aux_leaves]
        yielded = value_leaves + aux_leaves
        values = [leaf.value for leaf in yielded]
    with ir.InsertionPoint(holder):
        cotangents = [make().value for make in makers]
    final = ir.Operation.create(
        "ml.vjp", results=[v.type for v in values] + [p.value.type for p in primals],
        operands=[p.value for p in primals] + cotangents,
        attributes={
            "operandSegmentSizes": ir.DenseI32ArrayAttr.get([len(primals), len(cotangents)]),
            "resultSegmentSizes": ir.DenseI32ArrayAttr.get([len(values), len(primals)]),
        },
        regions=1, loc=trace.location(), ip=ir.InsertionPoint(holder))
    with ir.InsertionPoint(block), trace.location():
        ir.Operation.create("ml.yield", operands=values)
    block.append_to(final.regions[0])
    holder.erase()
    results = [Tracer(r, leaf.weak_type, scalar=leaf.scalar)
               for r, leaf in zip(final.results, yielded + primals)]
    value_out = pytree.unflatten(value_tree, results[:len(value_leaves)])
    aux_out = pytree.unflatten(aux_tree, results[len(value_leaves):len(values)])
    gradients = pytree.unflatten(tree, results[len(values):])
    return value_out, aux_out, gradients


def _split_aux(output, has_aux):
    if not has_aux:
        return output, ()
    if not (isinstance(output, (tuple, list)) and len(output) == 2):
        raise _error("mljit.grad(has_aux=True) needs a function returning a pair "
                     f"(value, aux), but it returned a {type(output).__name__}")
    return output[0], output[1]
