"""Jacobians, as `jax.jacfwd` and `jax.jacrev`.

Without `vmap`, the Jacobian is built one basis vector at a time, in a
`scan` over them: forward mode pushes each input basis vector through
`jvp` (a column per step), reverse mode pulls each output basis vector
back through `vjp` (a row per step). The loop compiles once whatever the
number of steps, and each step runs the function with its derivative, so
`jacfwd` suits few inputs and `jacrev` few outputs, as in JAX.
"""

from __future__ import annotations

import math

import numpy as np

from . import autograph, pytree
from .autodiff import (_as_tracer, _check_argnums, _error, _split_aux, _traced_vjp,
                       compiled_outside_traces, jvp)
from .control import scan

__all__ = ["jacfwd", "jacrev"]


def jacfwd(fun, argnums=0, has_aux=False):
    """The Jacobian of `fun` with respect to the arguments at `argnums`, by
    forward mode, as `jax.jacfwd`: for each array of the output, the
    structure of the differentiated arguments, with arrays of shape
    `output.shape + argument.shape` (with `has_aux`, `(jacobian, aux)`)."""
    return _jacobian(fun, argnums, has_aux, _forward)


def jacrev(fun, argnums=0, has_aux=False):
    """The Jacobian of `fun` by reverse mode, as `jax.jacrev`; the same
    structure and values as `jacfwd`'s."""
    return _jacobian(fun, argnums, has_aux, _reverse)


def _jacobian(fun, argnums, has_aux, build):
    _check_argnums(argnums)

    def jacobian(*args, **kwargs):
        numbers = argnums if isinstance(argnums, tuple) else (argnums,)
        for number in numbers:
            if not -len(args) <= number < len(args):
                raise _error(f"the Jacobian's argnums {argnums} names argument {number}, but "
                             f"the function was called with {len(args)} positional arguments")
        selected = tuple(args[n] for n in numbers)
        in_leaves, in_tree = pytree.flatten(selected if isinstance(argnums, tuple)
                                            else selected[0])
        in_leaves = [_as_tracer(leaf) for leaf in in_leaves]

        def call(*leaves):
            chosen = pytree.unflatten(in_tree, list(leaves))
            chosen = chosen if isinstance(argnums, tuple) else (chosen,)
            inner = list(args)
            for number, value in zip(numbers, chosen):
                inner[number] = value
            return _split_aux(autograph.converted(fun)(*inner, **kwargs), has_aux,
                              "the Jacobian")

        value, aux = call(*in_leaves)
        out_leaves, out_tree = pytree.flatten(value)
        out_leaves = [_as_tracer(leaf) for leaf in out_leaves]
        blocks = build(call, in_leaves, out_leaves)
        result = pytree.unflatten(out_tree, [
            pytree.unflatten(in_tree, [blocks[o][i] for i in range(len(in_leaves))])
            for o in range(len(out_leaves))])
        return (result, aux) if has_aux else result

    return compiled_outside_traces(fun, jacobian)


def _one_hot(leaves, k, start=0) -> list:
    """For each leaf, its slice of the basis vector `k` of all the leaves'
    elements in a row, of the leaf's shape and dtype."""
    basis = []
    for leaf in leaves:
        size = math.prod(leaf.shape)
        basis.append((np.arange(size) == k - start).astype(leaf.dtype).reshape(leaf.shape))
        start += size
    return basis


def _forward(call, in_leaves, out_leaves) -> list:
    """blocks[o][i], the Jacobian of output leaf o in input leaf i, one
    input basis vector (a column) per step."""
    total = sum(math.prod(leaf.shape) for leaf in in_leaves)

    def column(carry, k):
        tangents = _one_hot(in_leaves, k)
        _, tangent_out = jvp(lambda *leaves: call(*leaves)[0], tuple(in_leaves),
                             tuple(tangents))
        return carry, pytree.flatten(tangent_out)[0]

    _, columns = scan(column, (), np.arange(total))
    blocks = []
    for out, stacked in zip(out_leaves, columns):
        row, start = [], 0
        for leaf in in_leaves:
            size = math.prod(leaf.shape)
            part = np.moveaxis(stacked[start:start + size], 0, -1)
            row.append(part.reshape(tuple(out.shape) + tuple(leaf.shape)))
            start += size
        blocks.append(row)
    return blocks


def _reverse(call, in_leaves, out_leaves) -> list:
    """blocks[o][i], one output basis vector (a row) per step."""
    for index, out in enumerate(out_leaves):
        if not np.issubdtype(out.dtype, np.floating):
            raise _error(f"mljit.jacrev differentiates float outputs, but leaf {index} of the "
                         f"output has dtype {out.dtype}")
    total = sum(math.prod(leaf.shape) for leaf in out_leaves)
    numbers = tuple(range(len(in_leaves)))

    def row(carry, k):
        cotangents = [_as_tracer(c) for c in _one_hot(out_leaves, k)]

        def given(value_tree, values):
            return [lambda c=c: c for c in cotangents]

        _, _, gradients = _traced_vjp(lambda *leaves: call(*leaves)[0], tuple(in_leaves), {},
                                      numbers, False, given, "the arguments")
        return carry, list(gradients)

    _, rows = scan(row, (), np.arange(total))
    blocks, start = [], 0
    for out in out_leaves:
        size = math.prod(out.shape)
        blocks.append([stacked[start:start + size].reshape(tuple(out.shape) + tuple(leaf.shape))
                       for leaf, stacked in zip(in_leaves, rows)])
        start += size
    return blocks
