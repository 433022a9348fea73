"""A fuzzed program: named inputs, straight-line statements and the values it
returns. It renders as the Python source of `def f(...)`, which is what
mljit compiles and what a failure prints, and it runs statement by
statement in NumPy, optionally with rounding noise (see `evaluate`)."""

from __future__ import annotations

import dataclasses
import math
import os
import sys
import warnings

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pytest"))
from checks import RTOL  # noqa: E402

# How a statement may round, as NumPy and mljit may legitimately differ:
# "exact" ops agree bit for bit (shapes, comparisons, max, casts), "round"
# ops may differ in the last bits of their result (transcendentals, and
# arithmetic LLVM may contract into FMAs), "accumulate" ops also in the
# order and precision they add their operands up in (reductions,
# contractions; NumPy rounds float16 partial results or not depending on
# the memory layout, mljit computes float16 in float32 and rounds once).
EXACT, ROUND, ACCUMULATE = "exact", "round", "accumulate"


@dataclasses.dataclass(frozen=True)
class Statement:
    target: str
    template: str  # an expression; {0}, {1}, ... stand for the operands
    operands: tuple  # names of inputs or earlier targets
    noise: str = EXACT

    def expression(self) -> str:
        return self.template.format(*self.operands)


@dataclasses.dataclass(frozen=True)
class Program:
    inputs: tuple  # (name, value): ndarrays, NumPy scalars, Python scalars
    statements: tuple
    outputs: tuple  # names; one is returned bare, several as a tuple

    @property
    def names(self) -> list:
        return [name for name, _ in self.inputs]

    @property
    def values(self) -> list:
        return [value for _, value in self.inputs]

    def source(self) -> str:
        lines = [f"def f({', '.join(self.names)}):"]
        lines += [f"    {s.target} = {s.expression()}" for s in self.statements]
        lines.append(f"    return {', '.join(self.outputs)}")
        return "\n".join(lines) + "\n"

    def function(self):
        namespace = {"np": np}
        exec(compile(self.source(), "<fuzzed program>", "exec"), namespace)
        return namespace["f"]

    def evaluate(self, noise_rng=None, env=None) -> dict:
        """Runs the statements in NumPy into `env` (name -> value) and returns
        it; an exception propagates with `env` holding the values computed
        before it. With `noise_rng`, float values are perturbed (`perturb`)
        and float16 accumulated in float32 where the statement's noise class
        allows NumPy and mljit to differ."""
        env = dict(self.inputs) if env is None else env
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for s in self.statements:
                scope = {"np": np, **env}
                if noise_rng is not None and s.noise == ACCUMULATE:
                    scope.update((o, perturb(env[o], noise_rng)) for o in s.operands)
                value = eval(s.expression(), scope)
                if noise_rng is not None and s.noise == ACCUMULATE:
                    value = _in_float32(s.expression(), scope, s.operands, value)
                if noise_rng is not None and s.noise != EXACT:
                    value = perturb(value, noise_rng)
                env[s.target] = value
        return env

    def results(self, env: dict) -> list:
        return [np.asarray(env[name]) for name in self.outputs]

    def without_dead_code(self) -> Program:
        """Only the statements the outputs need, and only the inputs used."""
        needed = set(self.outputs)
        kept = []
        for s in reversed(self.statements):
            if s.target in needed:
                kept.append(s)
                needed.update(s.operands)
        inputs = tuple((n, v) for n, v in self.inputs if n in needed)
        return Program(inputs, tuple(reversed(kept)), self.outputs)

    def renumbered(self) -> Program:
        """Inputs named a0, a1, ... and statements v0, v1, ... in order."""
        names = {n: f"a{i}" for i, n in enumerate(self.names)}
        names.update((s.target, f"v{i}") for i, s in enumerate(self.statements))
        statements = tuple(
            dataclasses.replace(s, target=names[s.target],
                                operands=tuple(names[o] for o in s.operands))
            for s in self.statements)
        inputs = tuple((names[n], v) for n, v in self.inputs)
        return Program(inputs, statements, tuple(names[o] for o in self.outputs))

    def describe_inputs(self) -> str:
        return ", ".join(f"{n}: {describe(v)}" for n, v in self.inputs)

    def reproducer(self) -> str:
        """A standalone script comparing mljit with NumPy on this program."""
        inputs = "\n".join(f"{n} = {literal(v)}" for n, v in self.inputs)
        args = ", ".join(self.names)
        return (f"import numpy as np\nimport mljit\n\n{self.source()}\n{inputs}\n"
                f"print('numpy:', f({args}))\nprint('mljit:', mljit.jit(f)({args}))\n")


def _like(array: np.ndarray, value):
    """`array` as the same kind of thing as `value`: Python or NumPy scalar,
    or array."""
    if isinstance(value, float):
        return float(array)
    return array[()] if isinstance(value, np.generic) else array


def perturb(value, rng):
    """`value` with each float moved by up to checks.RTOL of its dtype (the
    difference between NumPy's and mljit's functions the tests accept), its
    type and dtype kept."""
    array = np.asarray(value)
    if array.dtype.kind != "f":
        return value
    factors = 1 + rng.uniform(-1, 1, array.shape) * RTOL[array.dtype]
    with np.errstate(all="ignore"):
        return _like((array * factors).astype(array.dtype), value)


def _in_float32(expression, scope, operands, value):
    """`value`, the expression's, as computed from its float16 operands in
    float32 and rounded once (mljit's way) rather than as NumPy did."""
    wide = {o: np.asarray(scope[o], np.float32) for o in operands
            if np.asarray(scope[o]).dtype == np.float16}
    if not wide:
        return value
    result = np.asarray(eval(expression, {**scope, **wide}))
    return _like(result.astype(np.asarray(value).dtype), value)


def describe(value) -> str:
    if isinstance(value, np.ndarray):
        return f"{value.dtype}{list(value.shape)}"
    if isinstance(value, np.generic):
        return f"np.{value.dtype} scalar"
    return f"Python {type(value).__name__}"


def _scalar_literal(x) -> str:
    if isinstance(x, float) and not math.isfinite(x):
        return "np.nan" if math.isnan(x) else ("np.inf" if x > 0 else "-np.inf")
    return repr(x)


def literal(value) -> str:
    """Python source that rebuilds `value` exactly."""
    if isinstance(value, np.ndarray):
        items = ", ".join(_scalar_literal(x) for x in value.ravel().tolist())
        return f"np.array([{items}], dtype=np.{value.dtype}).reshape({value.shape})"
    if isinstance(value, np.generic):
        return f"np.{value.dtype}({_scalar_literal(value.item())})"
    return _scalar_literal(value)
