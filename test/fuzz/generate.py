"""Random programs over mljit's supported NumPy surface.

Program `index` of seed `seed` is always the same (its generator is seeded by
both). Programs are built by running them: each candidate statement is
evaluated by NumPy on the values computed so far, so its operands' shapes
and dtypes are known and most candidates NumPy rejects are dropped. A few
are kept, as a program's last statement, because mljit must then raise too.

A share of the programs (STATEFUL) also index with every kind of index,
update arrays in place, make arrays in the traced code and reach captured
arrays (updates.py); not where the fuzzer compiles for the GPU
(MLJIT_FUZZ_PIPELINE naming a GPU pipeline), which does not write at traced
indices yet.
"""

from __future__ import annotations

import os

import numpy as np

import ops
import updates
from programs import CLOSURE, GLOBAL_DICT, OBJECT, Program, Statement, strided
from values import DTYPES, Unfit, partner_shape, random_dims, random_value

# Elements in any value: small keeps compiling and running fast; a few
# programs are large.
MAX_SIZE, MAX_LARGE_SIZE, LARGE = 2048, 1 << 17, 0.08
MAX_STATEMENTS = 8
# Chance that a statement NumPy rejects is kept (and ends the program);
# higher for the statements of updates.py, whose errors mljit must match.
KEEP_ERROR, KEEP_NEW_ERROR = 0.04, 0.1
# Share of array arguments of 2 or more dimensions passed in Fortran order
# or as a strided view (whether a reshape of them is a view depends on it).
OTHER_LAYOUT = 0.2
# Share of programs with statements of updates.py, and of those, programs
# with captured arrays.
STATEFUL, CAPTURED = 0.35, 0.4
_FAMILIES = ops.FAMILIES + list(updates.FAMILIES)
_STATEFUL_WEIGHTS = np.array(list(ops._FAMILIES.values()) + list(updates.FAMILIES.values()),
                             dtype=float)
_STATEFUL_WEIGHTS /= _STATEFUL_WEIGHTS.sum()
_OLD_WEIGHTS = np.concatenate([ops.WEIGHTS, np.zeros(len(updates.FAMILIES))])


def generate(seed: int, index: int, new_kinds: bool | None = None) -> Program:
    """Program `index` of `seed`; `new_kinds` (by default: unless the
    fuzzer compiles for the GPU) allows the statements of updates.py."""
    if new_kinds is None:
        new_kinds = "gpu" not in (os.environ.get("MLJIT_FUZZ_PIPELINE") or "")
    return _Builder(np.random.default_rng([seed, index]), new_kinds).build()


class _Builder:
    def __init__(self, rng, new_kinds=True):
        self.rng = rng
        self.inputs = []  # (name, value)
        self.captured = []  # (name, value): arrays the function reaches
        self.capture = ""
        self.statements = []
        self.env = {}  # name -> NumPy's value
        self.failed = False  # the last statement raises in NumPy
        self.large = rng.random() < LARGE
        self.max_size = MAX_LARGE_SIZE if self.large else MAX_SIZE
        self.stateful = rng.random() < STATEFUL and new_kinds
        self.created = []  # names of arrays made in the traced code
        self.written = []  # names of arrays written in place
        self._family = None  # of the statement being written
        # Arrays that may be, in mljit, views of what NumPy holds as a scalar
        # (x = np.sum(y); v = x[None]): NumPy's 0-d results of reductions and
        # ufuncs are scalars, mljit's 0-d arrays, so writing v writes x in
        # mljit only. Not written.
        self.scalar_views = set()

    # Values: picking operands and making new inputs.

    def choice(self, options):
        return options[self.rng.integers(len(options))]

    def pick(self, predicate=lambda v: True, python=False, exclude=()):
        """An existing value's name (not in `exclude`), recent ones likelier;
        None if none fits. Python scalars (weakly typed) only where `python`:
        as the second operand of an operator they follow NumPy's rules, alone
        Python's."""
        names = [n for n, v in self.env.items() if n not in exclude
                 and (python or not isinstance(v, (bool, int, float))) and predicate(v)]
        if not names:
            return None
        weights = np.arange(1, len(names) + 1, dtype=float) ** 2
        return names[self.rng.choice(len(names), p=weights / weights.sum())]

    def dims(self, ndim) -> tuple:
        return random_dims(self.rng, ndim, self.large)

    def size(self) -> int:
        return self.dims(1)[0]

    def new_input(self, shape=None, dtype=None, kind="array", value=None) -> str:
        """A new argument: a random value (or `value`) of `shape` and `dtype`
        (random if None), an array, a NumPy scalar or a Python scalar."""
        if kind == "array" and np.prod(shape) > self.max_size:
            raise Unfit
        dtype = self.choice(DTYPES) if dtype is None else np.dtype(dtype)
        if value is not None:
            pass
        elif kind == "array":
            value = random_value(self.rng, shape, dtype)
            if len(shape) >= 2 and self.rng.random() < OTHER_LAYOUT:
                value = (np.asfortranarray(value) if self.rng.random() < 0.5
                         else strided(value))
        else:
            value = random_value(self.rng, (), dtype)[()]  # a NumPy scalar
            if kind == "python":
                value = value.item()
        name = f"a{len(self.inputs)}"
        self.inputs.append((name, value))
        self.env[name] = value
        return name

    def _first_inputs(self):
        shape = self.dims(self.rng.integers(1, 3) if self.large else self.rng.integers(0, 5))
        self.new_input(shape)
        for _ in range(self.rng.integers(0, 3)):
            kind = self.choice(["array"] * 8 + ["numpy", "python"])
            self.new_input(partner_shape(self.rng, shape), kind=kind)
        if self.stateful and self.rng.random() < CAPTURED:
            self.capture = self.choice([CLOSURE, GLOBAL_DICT, OBJECT])
            for i in range(self.rng.integers(1, 3)):
                dims = partner_shape(self.rng, shape) if self.rng.random() < 0.6 else (
                    self.dims(self.rng.integers(0, 3)))
                if np.prod(dims) > self.max_size:
                    dims = (2,)
                value = np.asarray(random_value(self.rng, dims, self.choice(DTYPES)))
                self.captured.append((f"c{i}", value))
                self.env[f"c{i}"] = value

    def names_of_inputs(self) -> set:
        return {name for name, _ in self.inputs}

    def _changes(self) -> tuple:
        """What the harness writes into (or binds to) the captured arrays
        between the two calls: new values of the same shape and dtype."""
        changes = []
        for name, value in self.captured:
            if self.rng.random() < 0.75:
                new = np.asarray(random_value(self.rng, value.shape, value.dtype))
                changes.append((name, new, bool(self.rng.random() < 0.3)))
        return tuple(changes)

    # Statements.

    def _try(self, made, new: bool) -> bool:
        """Adds statement `made` = (template, operands, noise[, "effect"[,
        dtype computed in]]) if
        NumPy runs it (to a supported array); keeps a failing one now and
        then. An effect is run with all the statements before it, on copies
        of the inputs, whose values then replace `env`."""
        template, operands, noise, *effect = made
        target = "" if effect else f"v{len(self.statements)}"
        statement = Statement(target, template, tuple(operands), noise, new, *effect[1:])
        if effect:
            program = Program(tuple(self.inputs), (*self.statements, statement), (),
                              tuple(self.captured), self.capture)
        else:
            program = Program((), (statement,), ())
        try:
            env = program.evaluate(env=program.start_env() if effect else dict(self.env))
        except Exception:
            if self.statements and self.rng.random() < (KEEP_NEW_ERROR if new else KEEP_ERROR):
                self.statements.append(statement)
                self.failed = True
                return True
            return False
        if effect:
            self.statements.append(statement)
            self.env = env
            return True
        value = env[statement.target]
        if not isinstance(value, (np.ndarray, np.generic)):
            return False
        if value.dtype not in DTYPES or value.size > self.max_size:
            return False
        if isinstance(value, np.ndarray) and any(
                isinstance(self.env[o], np.generic) and o not in self.names_of_inputs()
                or o in self.scalar_views and np.may_share_memory(value, self.env[o])
                for o in statement.operands):
            self.scalar_views.add(statement.target)
        self.statements.append(statement)
        self.env[statement.target] = value
        if self._family is updates.create:
            self.created.append(statement.target)
        return True

    def _add_statement(self):
        weights = _STATEFUL_WEIGHTS if self.stateful else _OLD_WEIGHTS
        # An array just made in the traced code is likely written next (with
        # traced values, at traced indices).
        just_made = self.statements and self.statements[-1].target in self.created
        for attempt in range(40):
            mark, written = len(self.inputs), len(self.written)
            family = _FAMILIES[self.rng.choice(len(_FAMILIES), p=weights)]
            if just_made and attempt < 3 and self.rng.random() < 0.6:
                family = updates.update
            self._family = family
            try:
                if self._try(family(self), family in updates.FAMILIES):
                    return
            except Unfit:
                pass
            for name, _ in self.inputs[mark:]:
                del self.env[name]
            del self.inputs[mark:]
            del self.written[written:]

    def _outputs(self) -> tuple:
        last = self.inputs[0][0]
        if self.statements:  # an effect's: the array it writes
            last = self.statements[-1].target or self.statements[-1].operands[0]
        if self.failed:
            return (last,)
        extra = [self.choice(list(self.env)) for _ in range(self.rng.choice(3, p=[0.6, 0.3, 0.1]))]
        if self.written:
            # Values sharing memory with an array written in place (views
            # taken before the write, the array itself), read after it.
            written = [self.env[n] for n in self.written]
            inputs = {name for name, _ in self.inputs}
            views = [n for n, v in self.env.items() if isinstance(v, np.ndarray) and any(
                np.may_share_memory(v, w) for w in written) and n not in inputs]
            extra += [self.choice(views) for _ in range(min(len(views), self.rng.integers(0, 3)))]
        return (last, *extra)

    def build(self) -> Program:
        self._first_inputs()
        for _ in range(self.rng.integers(1, MAX_STATEMENTS + 1)):
            self._add_statement()
            if self.failed:
                break
        outputs = self._outputs()
        return Program(tuple(self.inputs), tuple(self.statements), outputs,
                       tuple(self.captured), self.capture, self._changes())

