"""`mljit.checkpoint` (alias `remat`), as `jax.checkpoint`: what a function
computes is recomputed by reverse mode rather than kept for it.

In a trace, the function is traced into the body of an `ml.checkpoint` op.
It computes its results as if it were not there; the transpose that reverse
mode builds for it (`ml-expand-derivatives`) recomputes the body's values
where the backward pass needs them, from what the body reads, so that the
forward values inside the function need not live until the backward pass:
memory traded for time. Called outside a trace, the function just runs.
"""

from __future__ import annotations

import functools

from mlir import ir

from . import autograph, pytree
from .control import _as_tracer, _result, branches
from .tracing import current_trace

__all__ = ["checkpoint", "remat"]


def checkpoint(fun, *, prevent_cse=True, policy=None, static_argnums=()):
    """`fun`, whose intermediate values a reverse-mode derivative recomputes
    instead of storing, as `jax.checkpoint`. With `prevent_cse` (the
    default) the recomputation reads its inputs through an
    `ml.optimization_barrier`, so that the compiler cannot merge it back into
    the forward computation; `prevent_cse=False` lets it (as `jax.checkpoint`
    allows inside `scan`, whose loop already recomputes its body).
    `static_argnums` is accepted for JAX's signature: arguments reach `fun`
    unchanged, so Python values stay Python values whatever it says.
    `policy` (JAX's choice of what to save anyway) is not supported."""
    if policy is not None:
        raise NotImplementedError(
            "mljit.checkpoint: policy is not supported; every value computed "
            "inside the function is recomputed")
    if not isinstance(static_argnums, (int, tuple)):
        raise TypeError(f"static_argnums must be an int or a tuple of ints, not "
                        f"{static_argnums!r}")

    @functools.wraps(fun)
    def rematerialized(*args, **kwargs):
        trace = current_trace()
        if trace is None:
            return fun(*args, **kwargs)

        def traced():
            leaves, tree = pytree.flatten(autograph.converted(fun)(*args, **kwargs))
            leaves = [_as_tracer(leaf) for leaf in leaves]
            for leaf in leaves:
                leaf.value  # noqa: B018 (made inside the body)
            return tree, leaves

        holder, (tree, leaves) = branches([traced], ["a function under mljit.checkpoint"])
        block = holder.regions[0].blocks[0]
        values = [leaf._value for leaf in leaves]
        final = ir.Operation.create(
            "ml.checkpoint", results=[v.type for v in values],
            attributes={"prevent_cse": ir.BoolAttr.get(bool(prevent_cse))},
            regions=1, loc=trace.location(), ip=ir.InsertionPoint(holder))
        with ir.InsertionPoint(block), trace.location():
            ir.Operation.create("ml.yield", operands=values)
        block.append_to(final.regions[0])
        holder.erase()
        results = [_result(trace, r, leaf, leaf.weak_type)
                   for r, leaf in zip(final.results, leaves)]
        return pytree.unflatten(tree, results)

    return rematerialized


remat = checkpoint
