"""Shrinking a failing program to a small one that fails the same way.

Greedy: the first smaller candidate that still fails with the same outcome
kind replaces the program, until no candidate does (or the budget of
compilations is spent). Candidates, roughly largest cut first: fewer
results; a statement replaced by a new input holding NumPy's value for it
(which drops everything only it needed); a statement bypassed (its uses
take one of its operands); an operand replaced by another value of the same
shape and dtype; smaller input arrays.
"""

from __future__ import annotations

import dataclasses

import numpy as np

import compare
from programs import Program


def shrink(program: Program, kind: str, noise_seed, budget: int = 400) -> Program:
    """The smallest program found, trying at most `budget` candidates, that
    fails with outcome `kind` (compare.run with `noise_seed`)."""

    def still_fails(candidate):
        if kind != compare.ONLY_NUMPY_RAISED:
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
    env = dict(program.inputs)
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
    for name in dict.fromkeys(outputs + tuple(s.target for s in statements)):
        if (name,) != outputs:
            yield dataclasses.replace(program, outputs=(name,))
    for i, s in enumerate(statements):
        if s.target in env:
            rest = statements[:i] + statements[i + 1:]
            yield Program(program.inputs + ((s.target, env[s.target]),), rest, outputs)
    for i, s in enumerate(statements):
        for operand in dict.fromkeys(s.operands):
            yield _renamed(program, i, s.target, operand)
    for i, s in enumerate(statements):
        earlier = program.names + [t.target for t in statements[:i]]
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
    return Program(program.inputs, program.statements[:i] + later,
                   tuple(map(rename, program.outputs)))


def _same_kind(env, name, names):
    value = env.get(name)
    if value is None:
        return []
    return [n for n in names if n != name and n in env and np.shape(env[n]) == np.shape(value)
            and np.asarray(env[n]).dtype == np.asarray(value).dtype]


def _smaller_inputs(program: Program):
    """Each array input with one axis shortened or, if of size 1, removed."""
    for k, (name, value) in enumerate(program.inputs):
        if not isinstance(value, np.ndarray):
            continue
        for axis, size in enumerate(value.shape):
            smaller = []
            if size == 1:
                smaller.append(value.reshape(value.shape[:axis] + value.shape[axis + 1:]))
            for new_size in sorted(n for n in {1, size // 2, size - 1} if 0 < n < size):
                smaller.append(value[(slice(None),) * axis + (slice(0, new_size),)])
            for array in smaller:
                inputs = program.inputs[:k] + ((name, array),) + program.inputs[k + 1:]
                yield dataclasses.replace(program, inputs=inputs)
