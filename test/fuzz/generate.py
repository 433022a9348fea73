"""Random programs over mljit's supported NumPy surface.

Program `index` of seed `seed` is always the same (its generator is seeded by
both). Programs are built by running them: each candidate statement is
evaluated by NumPy on the values computed so far, so its operands' shapes
and dtypes are known and most candidates NumPy rejects are dropped. A few
are kept, as a program's last statement, because mljit must then raise too.
"""

from __future__ import annotations

import numpy as np

import ops
from programs import Program, Statement
from values import DTYPES, Unfit, partner_shape, random_dims, random_value

# Elements in any value: small keeps compiling and running fast; a few
# programs are large.
MAX_SIZE, MAX_LARGE_SIZE, LARGE = 2048, 1 << 17, 0.08
MAX_STATEMENTS = 8
# Chance that a statement NumPy rejects is kept (and ends the program).
KEEP_ERROR = 0.04


def generate(seed: int, index: int) -> Program:
    return _Builder(np.random.default_rng([seed, index])).build()


class _Builder:
    def __init__(self, rng):
        self.rng = rng
        self.inputs = []  # (name, value)
        self.statements = []
        self.env = {}  # name -> NumPy's value
        self.failed = False  # the last statement raises in NumPy
        self.large = rng.random() < LARGE
        self.max_size = MAX_LARGE_SIZE if self.large else MAX_SIZE

    # Values: picking operands and making new inputs.

    def choice(self, options):
        return options[self.rng.integers(len(options))]

    def pick(self, predicate=lambda v: True, python=False):
        """An existing value's name, recent ones likelier; None if none fits.
        Python scalars (weakly typed) only where `python`: as the second
        operand of an operator they follow NumPy's rules, alone Python's."""
        names = [n for n, v in self.env.items()
                 if (python or not isinstance(v, (bool, int, float))) and predicate(v)]
        if not names:
            return None
        weights = np.arange(1, len(names) + 1, dtype=float) ** 2
        return names[self.rng.choice(len(names), p=weights / weights.sum())]

    def dims(self, ndim) -> tuple:
        return random_dims(self.rng, ndim, self.large)

    def size(self) -> int:
        return self.dims(1)[0]

    def new_input(self, shape=None, dtype=None, kind="array") -> str:
        if kind == "array" and np.prod(shape) > self.max_size:
            raise Unfit
        dtype = self.choice(DTYPES) if dtype is None else np.dtype(dtype)
        if kind == "array":
            value = random_value(self.rng, shape, dtype)
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

    # Statements.

    def _try(self, made) -> bool:
        """Adds statement `made` = (template, operands, noise) if NumPy runs
        it to a supported array; keeps a failing one now and then."""
        template, operands, noise = made
        statement = Statement(f"v{len(self.statements)}", template, tuple(operands), noise)
        program = Program((), (statement,), ())
        try:
            value = program.evaluate(env=dict(self.env))[statement.target]
        except Exception:
            if self.statements and self.rng.random() < KEEP_ERROR:
                self.statements.append(statement)
                self.failed = True
                return True
            return False
        if not isinstance(value, (np.ndarray, np.generic)):
            return False
        if value.dtype not in DTYPES or value.size > self.max_size:
            return False
        self.statements.append(statement)
        self.env[statement.target] = value
        return True

    def _add_statement(self):
        for _ in range(40):
            mark = len(self.inputs)
            family = ops.FAMILIES[self.rng.choice(len(ops.FAMILIES), p=ops.WEIGHTS)]
            try:
                if self._try(family(self)):
                    return
            except Unfit:
                pass
            for name, _ in self.inputs[mark:]:
                del self.env[name]
            del self.inputs[mark:]

    def _outputs(self) -> tuple:
        last = self.statements[-1].target if self.statements else self.inputs[0][0]
        if self.failed:
            return (last,)
        extra = [self.choice(list(self.env)) for _ in range(self.rng.choice(3, p=[0.6, 0.3, 0.1]))]
        return (last, *extra)

    def build(self) -> Program:
        self._first_inputs()
        for _ in range(self.rng.integers(1, MAX_STATEMENTS + 1)):
            self._add_statement()
            if self.failed:
                break
        return Program(tuple(self.inputs), tuple(self.statements), self._outputs())

