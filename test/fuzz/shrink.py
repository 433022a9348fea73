"""Shrinking a failing program to a small one that fails the same way.

Greedy: the first smaller candidate that still fails with the same outcome
kind replaces the program, until no candidate does (or the budget of
compilations is spent). Candidates, roughly largest cut first: fewer
results; a statement replaced by a new input holding NumPy's value for it
(which drops everything only it needed); an effect (an update in place)
dropped; a statement bypassed (its uses take one of its operands); the
harness's changes of captured arrays dropped, or a captured array made an
argument; an operand replaced by another value of the same shape and dtype;
smaller input (and captured) arrays.
"""

from __future__ import annotations

import dataclasses

import numpy as np

import compare
from programs import Program

# Outcomes of programs NumPy rejects: a candidate must run to show them.
_RAISING = (compare.ONLY_NUMPY_RAISED, compare.OTHER_EXCEPTION)


def shrink(program: Program, kind: str, noise_seed, budget: int = 400) -> Program:
    """The smallest program found, trying at most `budget` candidates, that
    fails with outcome `kind` (compare.run with `noise_seed`)."""

    def still_fails(candidate):
        if kind not in _RAISING:
            try:
                candidate.evaluate()
            except Exception:
                return False  # cheaper than compiling: it cannot fail as before
        return compare.run(candidate, noise_seed).kind == kind

    attempts = 0
    progress = True
    while progress and attempts < budget:
        progress = False
        for candidate in _candidates(program):
            attempts += 1
            if still_fails(candidate):
                program, progress = candidate, True
                break
            if attempts >= budget:
                break
    return program.renumbered()


def _candidates(program: Program):
    env = program.start_env()
    try:
        program.evaluate(env=env)
    except Exception:
        pass  # env holds the values before the failing statement
    for candidate in _cuts(program, env):
        yield candidate.without_dead_code()
    yield from _smaller_inputs(program)


def _cuts(program: Program, env: dict):
    outputs = program.outputs
    statements = program.statements
    # Any value as the only result; a statement's, even if unused, since
    # tracing runs unused statements too (mljit may fail on one).
    for name in dict.fromkeys(outputs + tuple(s.target for s in statements if not s.effect)):
        if (name,) != outputs:
            yield dataclasses.replace(program, outputs=(name,))
    for i, s in enumerate(statements):
        rest = statements[:i] + statements[i + 1:]
        if s.effect:
            yield dataclasses.replace(program, statements=rest)
        elif s.target in env:
            yield dataclasses.replace(program, inputs=program.inputs + ((s.target, env[s.target]),),
                                      statements=rest)
    for i, s in enumerate(statements):
        if not s.effect:
            for operand in dict.fromkeys(s.operands):
                yield _renamed(program, i, s.target, operand)
    if program.changes:
        yield dataclasses.replace(program, changes=())
    for k, (name, value) in enumerate(program.captured):
        captured = program.captured[:k] + program.captured[k + 1:]
        yield dataclasses.replace(
            program, inputs=program.inputs + ((name, value),), captured=captured,
            capture=program.capture if captured else "",
            changes=tuple(c for c in program.changes if c[0] != name))
    for i, s in enumerate(statements):
        earlier = (program.names + program.captured_names
                   + [t.target for t in statements[:i] if not t.effect])
        for j, operand in enumerate(s.operands):
            for other in _same_kind(env, operand, earlier):
                operands = s.operands[:j] + (other,) + s.operands[j + 1:]
                changed = dataclasses.replace(s, operands=operands)
                yield dataclasses.replace(
                    program, statements=statements[:i] + (changed,) + statements[i + 1:])


def _renamed(program: Program, i: int, old: str, new: str) -> Program:
    """Statement i dropped, its later uses (and the outputs) reading `new`."""
    def rename(name):
        return new if name == old else name

    later = tuple(dataclasses.replace(s, operands=tuple(map(rename, s.operands)))
                  for s in program.statements[i + 1:])
    return dataclasses.replace(program, statements=program.statements[:i] + later,
                               outputs=tuple(map(rename, program.outputs)))


def _same_kind(env, name, names):
    value = env.get(name)
    if value is None:
        return []
    return [n for n in names if n != name and n in env and np.shape(env[n]) == np.shape(value)
            and np.asarray(env[n]).dtype == np.asarray(value).dtype]


def _smaller(value: np.ndarray):
    """`value` with one axis shortened or, if of size 1, removed."""
    for axis, size in enumerate(value.shape):
        if size == 1:
            yield lambda v, axis=axis: v.reshape(v.shape[:axis] + v.shape[axis + 1:])
        for new_size in sorted(n for n in {1, size // 2, size - 1} if 0 < n < size):
            yield lambda v, axis=axis, n=new_size: v[(slice(None),) * axis + (slice(0, n),)]


def _smaller_inputs(program: Program):
    """Each array input with one axis shortened or, if of size 1, removed;
    each captured array too (and the harness's new values for it)."""
    for k, (name, value) in enumerate(program.inputs):
        if isinstance(value, np.ndarray):
            for cut in _smaller(value):
                inputs = program.inputs[:k] + ((name, cut(value)),) + program.inputs[k + 1:]
                yield dataclasses.replace(program, inputs=inputs)
    for k, (name, value) in enumerate(program.captured):
        for cut in _smaller(value):
            captured = program.captured[:k] + ((name, cut(value).copy()),) + program.captured[k + 1:]
            changes = tuple((n, cut(v).copy() if n == name else v, r)
                            for n, v, r in program.changes)
            yield dataclasses.replace(program, captured=captured, changes=changes)
