"""A fuzzed program: named inputs, straight-line statements and the values it
returns, and maybe arrays it reaches without taking them as arguments
(`captured`: in a closure, a module-level dict or an object). It renders as
the Python source of `def f(...)`, which is what mljit compiles and what a
failure prints, and it runs statement by statement in NumPy, optionally with
rounding noise (see `evaluate`).

A statement either binds a new name (`v3 = x + y`) or is an effect (no
target): an in-place update of its first operand (`x[i] = v`, `x += v`,
`np.add(a, b, out=x)`). What a call leaves in the arguments and captured
arrays is observed along with its results (`observe`); a program with
captured arrays is called twice, the harness changing them in between
(`changes`)."""

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
# Where captured arrays live: what the function's source reads them from.
CLOSURE, GLOBAL_DICT, OBJECT = "closure", "module dict", "object"


class State:
    """The object holding captured arrays as attributes (OBJECT); a class of
    the user's, as far as mljit can tell, so that it walks it."""


@dataclasses.dataclass(frozen=True)
class Statement:
    target: str  # "" for an effect: an update of operands[0] in place
    template: str  # an expression; {0}, {1}, ... stand for the operands
    operands: tuple  # names of inputs, captured arrays or earlier targets
    noise: str = EXACT
    # Written by the families of indexing, updates and state (updates.py):
    # where NumPy rejects it, mljit must raise the same kind of exception.
    new: bool = False
    # For an effect: the float dtype its values are computed in, where that
    # is coarser than the array written (a float32 ufunc loop writing out=
    # into float64), so that noise is that dtype's.
    computes_in: str = ""

    @property
    def effect(self) -> bool:
        return not self.target

    def expression(self, ref=str) -> str:
        return self.template.format(*map(ref, self.operands))

    def line(self, ref=str) -> str:
        text = self.expression(ref)
        return text if self.effect else f"{self.target} = {text}"


def copy_argument(value):
    """A copy of an argument laid out as it is: C or Fortran order, or every
    other element of a last axis twice as long (order='K' keeps the first
    two; the harness makes the third by `strided`)."""
    if not isinstance(value, np.ndarray):
        return value
    if value.flags.c_contiguous or value.flags.f_contiguous:
        return value.copy(order="K")
    return strided(value)


_STRIDED_SOURCE = """def strided(value):
    parent = np.zeros(value.shape[:-1] + (2 * value.shape[-1],), value.dtype)
    parent[..., ::2] = value
    return parent[..., ::2]

"""


def _copy_source(name: str, value) -> str:
    """Source that copies argument `name` (`value`) as `copy_argument` does."""
    if not isinstance(value, np.ndarray):
        return name
    if value.flags.c_contiguous or value.flags.f_contiguous:
        return f"{name}.copy(order='K')"
    return f"strided({name})"


def strided(value: np.ndarray) -> np.ndarray:
    """`value`'s elements in every other element of its last axis (a view
    that is not contiguous, as x[:, ::2] an argument)."""
    parent = np.zeros(value.shape[:-1] + (2 * value.shape[-1],), value.dtype)
    view = parent[..., ::2]
    view[...] = value
    return view


@dataclasses.dataclass(frozen=True)
class Program:
    inputs: tuple  # (name, value): ndarrays, NumPy scalars, Python scalars
    statements: tuple
    outputs: tuple  # names; one is returned bare, several as a tuple
    captured: tuple = ()  # (name, ndarray) the function reaches
    capture: str = ""  # CLOSURE, GLOBAL_DICT or OBJECT
    changes: tuple = ()  # (name, ndarray, rebind): set before the second call

    @property
    def names(self) -> list:
        return [name for name, _ in self.inputs]

    @property
    def values(self) -> list:
        return [value for _, value in self.inputs]

    @property
    def captured_names(self) -> list:
        return [name for name, _ in self.captured]

    @property
    def calls(self) -> int:
        """Calls observed: a second one where the harness changes state."""
        return 2 if self.captured else 1

    @property
    def new(self) -> bool:
        """Whether the program has a statement or state of the new kinds."""
        return bool(self.captured) or any(s.new for s in self.statements)

    def ref(self, name: str) -> str:
        """How the function's source names `name`."""
        if name not in self.captured_names or self.capture == CLOSURE:
            return name
        return f"S[{name!r}]" if self.capture == GLOBAL_DICT else f"state.{name}"

    def source(self) -> str:
        lines = [f"def f({', '.join(self.names)}):"]
        lines += [f"    {s.line(self.ref)}" for s in self.statements]
        lines.append(f"    return {', '.join(map(self.ref, self.outputs))}")
        if self.capture == CLOSURE:
            lines = [f"def make({', '.join(self.captured_names)}):",
                     *("    " + line for line in lines), "    return f"]
        return "\n".join(lines) + "\n"

    def function(self):
        return Instance(self).function

    # NumPy's runs.

    def start_env(self, state=None) -> dict:
        """Copies of the inputs, and the captured arrays (`state`, or copies
        of their first values): the names a call starts from."""
        env = {name: copy_argument(value) for name, value in self.inputs}
        env.update(state if state is not None else
                   {name: value.copy() for name, value in self.captured})
        return env

    def evaluate(self, noise_rng=None, env=None) -> dict:
        """Runs the statements in NumPy into `env` (name -> value; by default
        `start_env()`) and returns it; an exception propagates, with its
        attribute `fuzz_statement` the failing statement's index and `env`
        holding the values before it. With `noise_rng`, float values are
        perturbed (`perturb`) and float16 accumulated in float32 where the
        statement's noise class allows NumPy and mljit to differ (an effect
        perturbs the elements it changed, in place)."""
        env = self.start_env() if env is None else env
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for i, s in enumerate(self.statements):
                try:
                    _run(s, env, noise_rng)
                except Exception as error:
                    error.fuzz_statement = i
                    raise
        return env

    def results(self, env: dict) -> list:
        return [np.asarray(env[name]) for name in self.outputs]

    def labels(self) -> list:
        """(category, text) of each observed array (`observe`)."""
        return ([("result", f"result {i} ({name})") for i, name in enumerate(self.outputs)]
                + [("argument", f"argument {name} after the call") for name, value in self.inputs
                   if isinstance(value, np.ndarray)]
                + [("captured", f"captured {name} after the call") for name in self.captured_names]
                + [("captured", f"whether captured {name} is still the same array")
                   for name in self.captured_names])

    def observe(self, results, arguments, captured, same) -> list:
        """Copies of what a call gives and leaves, in `labels`' order."""
        return ([np.array(r) for r in results]
                + [np.array(a) for a, (_, v) in zip(arguments, self.inputs)
                   if isinstance(v, np.ndarray)]
                + [np.array(c) for c in captured] + [np.array(s) for s in same])

    def changed(self, state: dict) -> dict:
        """The captured arrays after the harness's changes."""
        state = dict(state)
        for name, value, rebind in self.changes:
            if rebind:
                state[name] = value.copy()
            else:
                state[name][...] = value
        return state

    def run_numpy(self, noise_rng=None) -> list:
        """NumPy's calls: per call, its observations (`observe`), or the
        exception it raised (the last call then)."""
        state = {name: value.copy() for name, value in self.captured}
        observed = []
        for call in range(self.calls):
            if call:
                state = self.changed(state)
            env = self.start_env(state)
            try:
                self.evaluate(noise_rng, env)
            except Exception as error:
                observed.append(error)
                break
            observed.append(self.observe(
                self.results(env), [env[n] for n in self.names],
                [env[n] for n in self.captured_names],
                [env[n] is state[n] for n in self.captured_names]))
            state = {name: env[name] for name in self.captured_names}
        return observed

    # Shrinking.

    def without_dead_code(self) -> Program:
        """Only the statements the outputs need, the effects that may change
        what they read (on arrays they derive from or that derive from them,
        or that share memory with them, the arguments or the captured
        arrays), and only the inputs and captured arrays used."""
        env = self.start_env()
        failing = None
        try:
            self.evaluate(env=env)
        except Exception as error:
            failing = getattr(error, "fuzz_statement", None)
        roots = set(self.names) | set(self.captured_names)
        ancestors = {}  # name -> the names it is computed from
        for s in self.statements:
            if not s.effect:
                ancestors[s.target] = set(s.operands).union(
                    *(ancestors.get(o, ()) for o in s.operands))

        def related(name, needed):
            return name in needed or bool(ancestors.get(name, set()) & needed) or any(
                name in ancestors.get(n, ()) for n in needed)

        needed = set(self.outputs)
        kept = set()
        progress = True
        while progress:
            progress = False
            for i, s in enumerate(self.statements):
                if i in kept:
                    continue
                if s.effect:
                    keep = (i == failing or related(s.operands[0], needed)
                            or _may_write(env, s.operands[0], needed | roots))
                else:
                    keep = s.target in needed or i == failing
                if keep:
                    kept.add(i)
                    needed.update(s.operands)
                    progress = True
        statements = tuple(s for i, s in enumerate(self.statements) if i in kept)
        inputs = tuple((n, v) for n, v in self.inputs if n in needed)
        captured = tuple((n, v) for n, v in self.captured if n in needed)
        changes = tuple(c for c in self.changes if c[0] in needed)
        return Program(inputs, statements, self.outputs, captured,
                       self.capture if captured else "", changes)

    def renumbered(self) -> Program:
        """Inputs named a0, a1, ..., captured arrays c0, c1, ... and
        statements v0, v1, ... in order."""
        names = {n: f"a{i}" for i, n in enumerate(self.names)}
        names.update((n, f"c{i}") for i, n in enumerate(self.captured_names))
        targets = [s.target for s in self.statements if not s.effect]
        names.update((t, f"v{i}") for i, t in enumerate(targets))
        names[""] = ""
        statements = tuple(
            dataclasses.replace(s, target=names[s.target],
                                operands=tuple(names[o] for o in s.operands))
            for s in self.statements)
        return Program(tuple((names[n], v) for n, v in self.inputs), statements,
                       tuple(names[o] for o in self.outputs),
                       tuple((names[n], v) for n, v in self.captured), self.capture,
                       tuple((names[n], v, r) for n, v, r in self.changes))

    # Reports.

    def describe_inputs(self) -> str:
        text = ", ".join(f"{n}: {describe(v)}" for n, v in self.inputs)
        if self.captured:
            text += f"; captured ({self.capture}): " + ", ".join(
                f"{n}: {describe(v)}" for n, v in self.captured)
            text += "; changed before call 2: " + (", ".join(
                f"{n} ({'rebound' if r else 'in place'})" for n, _, r in self.changes) or "none")
        return text

    def reproducer(self) -> str:
        """A standalone script comparing mljit with NumPy on this program
        (and what it leaves in its arguments and captured arrays)."""
        inputs = "\n".join(f"{n} = {literal(v)}" for n, v in self.inputs)
        args = ", ".join(_copy_source(n, v) for n, v in self.inputs)
        if any(_copy_source(n, v).startswith("strided(") for n, v in self.inputs):
            inputs = _STRIDED_SOURCE + inputs
        arrays = any(isinstance(v, np.ndarray) for v in self.values)
        call = [f"arguments = [{args}]", "print(name, function(*arguments))"]
        if arrays:
            call.append("print('  arguments after the call:', arguments)")
        if not self.captured:
            body = "\n".join("    " + line for line in
                             ["function = f if name == 'numpy' else mljit.jit(f)", *call])
            return (f"import numpy as np\nimport mljit\n\n{self.source()}\n{inputs}\n\n"
                    f"for name in ('numpy', 'mljit'):\n{body}\n")
        values = "\n".join(f"{n.upper()} = {literal(v)}" for n, v in self.captured)
        values += "".join(f"\n{n.upper()}_CHANGED = {literal(v)}" for n, v, _ in self.changes)
        fresh = ", ".join(f"{n}={n.upper()}.copy()" for n in self.captured_names)
        if self.capture == CLOSURE:
            holder = ""
            setup = [f"cells = dict({fresh})", "g = make(**cells)",
                     "where = dict(zip(g.__code__.co_freevars, g.__closure__ or ()))",
                     "read = lambda n: where[n].cell_contents if n in where else cells[n]",
                     "function = g if name == 'numpy' else mljit.jit(g)"]
            rebind = "where[{0!r}].cell_contents = {1}.copy()"
        elif self.capture == GLOBAL_DICT:
            holder = "S = {}\n\n"
            setup = ["S.clear()", f"S.update({fresh})", "read = S.__getitem__",
                     "function = f if name == 'numpy' else mljit.jit(f)"]
            rebind = "S[{0!r}] = {1}.copy()"
        else:
            holder = "class State:\n    pass\n\n\nstate = State()\n\n"
            setup = ["vars(state).clear()", f"vars(state).update({fresh})",
                     "read = lambda n: getattr(state, n)",
                     "function = f if name == 'numpy' else mljit.jit(f)"]
            rebind = "state.{0} = {1}.copy()"
        call.append(f"print('  captured after the call:', {{n: read(n) for n in "
                    f"{self.captured_names!r}}})")
        changes = [rebind.format(n, n.upper() + "_CHANGED") if r
                   else f"read({n!r})[...] = {n.upper()}_CHANGED" for n, _, r in self.changes]
        lines = (["    " + line for line in setup] + ["    for call in (1, 2):"]
                 + ["        " + line for line in call] + ["        if call == 1:"]
                 + ["            " + line for line in changes or ["pass"]])
        body = "\n".join(lines)
        return (f"import numpy as np\nimport mljit\n\n{holder}{self.source()}\n{inputs}\n"
                f"{values}\n\nfor name in ('numpy', 'mljit'):\n{body}\n")


class Instance:
    """The program's function, compiled from its source, reaching its own
    copies of the captured arrays; `read` and `change` them as the harness."""

    def __init__(self, program: Program):
        namespace = {"np": np}
        exec(compile(program.source(), "<fuzzed program>", "exec"), namespace)
        self._values = {name: value.copy() for name, value in program.captured}
        self._cells = {}
        self.capture = program.capture
        if program.capture == CLOSURE:
            self.function = namespace["make"](**self._values)
            self._cells = dict(zip(self.function.__code__.co_freevars,
                                   self.function.__closure__ or ()))
            return
        self.function = namespace["f"]
        if program.capture == GLOBAL_DICT:
            namespace["S"] = self._holder = dict(self._values)
        elif program.capture == OBJECT:
            namespace["state"] = self._holder = State()
            vars(self._holder).update(self._values)

    def read(self, name: str):
        if self.capture == CLOSURE:
            cell = self._cells.get(name)
            return self._values[name] if cell is None else cell.cell_contents
        if self.capture == GLOBAL_DICT:
            return self._holder[name]
        return getattr(self._holder, name)

    def change(self, name: str, value, rebind: bool) -> None:
        if not rebind:
            self.read(name)[...] = value
        elif self.capture == CLOSURE:
            if name in self._cells:
                self._cells[name].cell_contents = value.copy()
            else:
                self._values[name] = value.copy()
        elif self.capture == GLOBAL_DICT:
            self._holder[name] = value.copy()
        else:
            setattr(self._holder, name, value.copy())


def _may_write(env: dict, name: str, names) -> bool:
    """Whether an effect on `name` may change one of `names`' values (as far
    as the values NumPy computed tell; unknown values may)."""
    written = env.get(name)
    if not isinstance(written, np.ndarray):
        return True
    return any(n not in env or (isinstance(env[n], np.ndarray)
                                and np.may_share_memory(written, env[n])) for n in names)


def _run(s: Statement, env: dict, noise_rng) -> None:
    """Statement `s` run in NumPy on `env` (see Program.evaluate)."""
    scope = {"np": np, **env}
    if s.effect:
        written = env[s.operands[0]]
        noisy = noise_rng is not None and s.noise != EXACT and isinstance(written, np.ndarray)
        before = written.copy() if noisy else None
        exec(s.line(), scope)
        env.update((o, scope[o]) for o in s.operands)
        if noisy:
            with np.errstate(all="ignore"):
                changed = ~((before == written) | (np.isnan(before) & np.isnan(written))
                            if written.dtype.kind == "f" else before == written)
            written[changed] = np.asarray(
                perturb(written, noise_rng, s.computes_in or None))[changed]
        return
    exact = eval(s.expression(), scope) if isinstance(noise_rng, ToZero) else None
    if noise_rng is not None and s.noise == ACCUMULATE:
        scope.update((o, perturb(env[o], noise_rng)) for o in s.operands)
    value = eval(s.expression(), scope)
    if noise_rng is not None and s.noise == ACCUMULATE:
        value = _integers_in_float(s.expression(), scope, s.operands, value, noise_rng)
        value = _in_float32(s.expression(), scope, s.operands, value)
    if noise_rng is not None and s.noise != EXACT:
        value = perturb(value, noise_rng)
    if exact is not None and s.noise == ACCUMULATE:
        value = _zero_where_cancelled(value, exact)
    env[s.target] = value


def _like(array: np.ndarray, value):
    """`array` as the same kind of thing as `value`: Python or NumPy scalar,
    or array."""
    if isinstance(value, float):
        return float(array)
    return array[()] if isinstance(value, np.generic) else array


class Extreme:
    """Noise at its bound, as `perturb` draws it: every float moved by the
    whole tolerance, all one way (`sign`), where random draws may all miss a
    flip (a float just inside -1 truncating to 0)."""

    def __init__(self, sign: float):
        self.sign = sign

    def uniform(self, low, high, size):
        return np.full(size, self.sign)


class ToZero:
    """Random noise (from `rng`), and every accumulated float that noise
    moves by at least its own magnitude set to zero: a sum that cancels
    (int64 extremes in a mean) may come out exactly zero in another order,
    which random draws never hit."""

    def __init__(self, rng):
        self.rng = rng

    def uniform(self, low, high, size):
        return self.rng.uniform(low, high, size)


def _zero_where_cancelled(value, exact):
    """`value`, noisy, with zeros where it is as far from `exact` as `exact`
    is from zero."""
    array = np.asarray(value)
    if array.dtype.kind != "f" or np.shape(exact) != array.shape:
        return value
    with np.errstate(all="ignore"):
        cancelled = np.abs(array.astype(np.float64) - exact) >= np.abs(exact)
    return _like(np.where(cancelled, 0, array).astype(array.dtype), value)


def perturb(value, rng, precision=None):
    """`value` with each float moved by up to checks.RTOL of its dtype, or of
    the dtype `precision` it was computed in (the difference between NumPy's
    and mljit's functions the tests accept), its type and dtype kept."""
    array = np.asarray(value)
    if array.dtype.kind == "c":  # each part moved as a float of its width
        parts = [perturb(part, rng, precision) for part in (array.real, array.imag)]
        return _like((parts[0] + 1j * parts[1]).astype(array.dtype), value)
    if array.dtype.kind != "f":
        return value
    rtol = RTOL[np.dtype(precision or array.dtype)]
    factors = 1 + rng.uniform(-1, 1, array.shape) * rtol
    with np.errstate(all="ignore"):
        return _like((array * factors).astype(array.dtype), value)


def _integers_in_float(expression, scope, operands, value, rng):
    """`value`, the expression's, with its integer and boolean operands
    converted to float64 and perturbed, where it is a float: these add up
    in floats (np.mean of int64, an int8 @ float16 product), in an order
    NumPy and mljit may choose differently, and that order matters as much
    as it does for float operands (int64 extremes cancelling in a mean).
    `scope` keeps the converted operands."""
    if np.asarray(value).dtype.kind != "f":
        return value
    ints = {o: perturb(np.asarray(scope[o]).astype(np.float64), rng) for o in operands
            if isinstance(scope[o], (np.ndarray, np.generic)) and scope[o].dtype.kind in "bi"}
    if not ints:
        return value
    scope.update(ints)
    result = np.asarray(eval(expression, scope))
    return _like(result.astype(np.asarray(value).dtype), value)


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
    """Python source that rebuilds `value` exactly (in Fortran order too)."""
    if isinstance(value, np.ndarray):
        items = ", ".join(_scalar_literal(x) for x in value.ravel().tolist())
        text = f"np.array([{items}], dtype=np.{value.dtype}).reshape({value.shape})"
        fortran = value.flags.f_contiguous and not value.flags.c_contiguous
        return f"np.asfortranarray({text})" if fortran else text
    if isinstance(value, np.generic):
        return f"np.{value.dtype}({_scalar_literal(value.item())})"
    return _scalar_literal(value)
