"""Symbolic sizes: dimensions a compiled function reads at run time.

A dynamic variant of a jitted function (`jit(dynamic=...)`) is traced with
some argument dimensions as symbols. Shape arithmetic on them gives `Dim`s:
integer polynomials in the symbols (`n`, `2*n + 1`, `n*h`), plus floor
division and remainder by constants. A Dim carries its `hint`, its value in
the call being traced, and behaves like that int where Python needs a
decision: a comparison returns what the hint says and records a `Guard` on
the trace (the compiled variant then serves only calls where the guard
holds; another call compiles another variant), and `int()`/use as an index
pins the size to the hint (a guard `dim == hint`). A decision the symbols
already settle (`n == n`, `2*n > n - 1` for `n >= 1`... only exact
equalities and constant differences) records nothing.
"""

from __future__ import annotations

import operator
import threading
from typing import Callable, NamedTuple

# An atom of a monomial: a symbol's name, or ("//" or "%", terms, divisor),
# the divisor an int or the terms of a Dim.
_COMPARISONS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt,
                "<=": operator.le, ">": operator.gt, ">=": operator.ge}


class Guard(NamedTuple):
    """`lhs <op> rhs` was `expected` in the traced call."""

    lhs: object  # Dim or int
    op: str
    rhs: object
    expected: bool

    @property
    def key(self) -> tuple:
        """What the guard says, as plain values (Dims compare symbolically)."""
        return (_structure(self.lhs), self.op, _structure(self.rhs), self.expected)

    def __eq__(self, other):
        return isinstance(other, Guard) and self.key == other.key

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash(self.key)

    def holds(self, bindings: dict) -> bool:
        return _COMPARISONS[self.op](evaluate(self.lhs, bindings),
                                     evaluate(self.rhs, bindings)) == self.expected

    def __str__(self) -> str:
        relation = self.op if self.expected else {"==": "!=", "!=": "==", "<": ">=",
                                                  "<=": ">", ">": "<=", ">=": "<"}[self.op]
        return f"{self.lhs} {relation} {self.rhs}"


class _Recorder(threading.local):
    """Where the guards of the trace running on this thread go."""

    guards: list | None = None


_recorder = _Recorder()


def recording(guards: list | None):
    """Context: guards made on this thread go into `guards` (None: nowhere)."""
    class _Context:
        def __enter__(self):
            self.previous, _recorder.guards = _recorder.guards, guards

        def __exit__(self, *exc):
            _recorder.guards = self.previous
    return _Context()


def _record(guard: Guard) -> None:
    guards = _recorder.guards
    if guards is not None and all(g.key != guard.key for g in guards):
        guards.append(guard)


def _structure(value):
    return _frozen(value.terms) if isinstance(value, Dim) else value


def _key(atom) -> str:
    return atom if isinstance(atom, str) else repr(atom)


class Dim:
    """A size known when the compiled function runs (see the module's doc)."""

    __slots__ = ("terms", "hint")

    def __init__(self, terms: dict, hint: int):
        # {monomial (a sorted tuple of atoms): coefficient}; () is the constant.
        self.terms = terms
        self.hint = hint

    @staticmethod
    def symbol(name: str, hint: int) -> "Dim":
        return Dim({(name,): 1}, hint)

    # -- arithmetic --------------------------------------------------------

    def __add__(self, other):
        if not _is_size(other):
            return self._traced(other, operator.add)
        terms = dict(self.terms)
        for monomial, coefficient in _terms(other).items():
            terms[monomial] = terms.get(monomial, 0) + coefficient
        return _make(terms, self.hint + _hint(other))

    __radd__ = __add__

    def __neg__(self):
        return Dim({m: -c for m, c in self.terms.items()}, -self.hint)

    def __sub__(self, other):
        return self + (-other) if _is_size(other) else self._traced(other, operator.sub)

    def __rsub__(self, other):
        return (-self) + other if _is_size(other) else self._traced(
            other, lambda a, b: b - a)

    def __mul__(self, other):
        if not _is_size(other):
            return self._traced(other, operator.mul)
        terms: dict = {}
        for m1, c1 in self.terms.items():
            for m2, c2 in _terms(other).items():
                monomial = tuple(sorted(m1 + m2, key=_key))
                terms[monomial] = terms.get(monomial, 0) + c1 * c2
        return _make(terms, self.hint * _hint(other))

    __rmul__ = __mul__

    def __floordiv__(self, other):
        if isinstance(other, Dim):
            quotient = _divide(self, other)
            if quotient is not None:
                return quotient
            if not other > 0:  # a guard: the division never divides by 0
                return int(self) // int(other)
            return Dim({(("//", _frozen(self.terms), _frozen(other.terms)),): 1},
                       self.hint // other.hint)
        if not isinstance(other, int) or isinstance(other, bool):
            return NotImplemented
        if other <= 0:
            return int(self) // other
        if all(c % other == 0 for c in self.terms.values()):
            return _make({m: c // other for m, c in self.terms.items()}, self.hint // other)
        return Dim({(("//", _frozen(self.terms), other),): 1}, self.hint // other)

    def __mod__(self, other):
        if isinstance(other, Dim):
            return self - (self // other) * other
        if not isinstance(other, int) or isinstance(other, bool):
            return NotImplemented
        if other <= 0:
            return int(self) % other
        if all(c % other == 0 for c in self.terms.values()):
            return 0
        return Dim({(("%", _frozen(self.terms), other),): 1}, self.hint % other)

    def __divmod__(self, other):
        quotient = self // other
        return NotImplemented if quotient is NotImplemented else (quotient, self % other)

    def __rdivmod__(self, other):
        return divmod(other, int(self))

    def __rfloordiv__(self, other):
        return other // int(self)

    def __rmod__(self, other):
        return other % int(self)

    def __truediv__(self, other):
        return int(self) / other

    def __pow__(self, other):
        """A size to a natural power stays a size (n ** 2); to a float
        power (d ** 0.5) it is a traced float, as NumPy computes it."""
        if isinstance(other, int) and not isinstance(other, bool) and other >= 0:
            result = 1
            for _ in range(other):
                result = self * result
            return result
        return self._traced(other, operator.pow)

    def __rpow__(self, other):
        if isinstance(other, (float, complex)):
            return self._traced(other, lambda size, base: base ** size)
        return other ** int(self)

    def _traced(self, other, operation):
        """`operation` on this size as a traced int64, with a Python float
        or complex (which sizes do not take); NotImplemented with others."""
        if not isinstance(other, (float, complex)):
            return NotImplemented
        from .numpy import _core
        return operation(_core.as_value(self), other)

    def __rtruediv__(self, other):
        return other / int(self)

    # -- decisions -----------------------------------------------------------

    def _compare(self, other, op: str):
        if not _is_size(other):
            return NotImplemented
        difference = self - other
        result = _COMPARISONS[op](_hint(difference), 0)
        if isinstance(difference, Dim):
            _record(Guard(self, op, other, result))
        return result

    def __eq__(self, other):
        return self._compare(other, "==")

    def __ne__(self, other):
        return self._compare(other, "!=")

    def __lt__(self, other):
        return self._compare(other, "<")

    def __le__(self, other):
        return self._compare(other, "<=")

    def __gt__(self, other):
        return self._compare(other, ">")

    def __ge__(self, other):
        return self._compare(other, ">=")

    def __bool__(self):
        return self != 0

    def __int__(self):
        """The hint, and from here on this variant is for that size only."""
        _record(Guard(self, "==", self.hint, True))
        return self.hint

    def __float__(self):
        return float(int(self))

    __index__ = __int__

    def __hash__(self):
        return hash(_frozen(self.terms))

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        """NumPy functions of a size (`np.sqrt(x.shape[-1])`) compute on it
        as a traced int64, known at run time."""
        from .numpy import _core
        inputs = tuple(map(_core.as_value, inputs))
        traced = next(x for x in inputs if isinstance(x, _core.Tracer))
        return traced.__array_ufunc__(ufunc, method, *inputs, **kwargs)

    def __repr__(self) -> str:
        parts = []
        for monomial, coefficient in sorted(self.terms.items(), key=lambda t: (-len(t[0]), repr(t[0]))):
            atoms = "*".join(_atom_text(a) for a in monomial)
            if not atoms:
                parts.append(str(coefficient))
            elif coefficient == 1:
                parts.append(atoms)
            else:
                parts.append(f"{coefficient}*{atoms}")
        return " + ".join(parts).replace("+ -", "- ")


def _atom_text(atom) -> str:
    if isinstance(atom, str):
        return atom
    kind, terms, divisor = atom
    if isinstance(divisor, tuple):
        divisor = f"({Dim(dict(divisor), 0)})"
    return f"({Dim(dict(terms), 0)} {kind} {divisor})"


def _is_size(value) -> bool:
    return isinstance(value, Dim) or (isinstance(value, int) and not isinstance(value, bool))


def _terms(value) -> dict:
    return value.terms if isinstance(value, Dim) else ({(): value} if value else {})


def _hint(value) -> int:
    return value.hint if isinstance(value, Dim) else value


def _frozen(terms: dict) -> tuple:
    return tuple(sorted(terms.items(), key=lambda t: repr(t[0])))


def _make(terms: dict, hint: int):
    """A Dim of `terms`, or the int they are when no symbol is left."""
    terms = {m: c for m, c in terms.items() if c}
    if not terms:
        return 0
    if list(terms) == [()]:
        return terms[()]
    return Dim(terms, hint)


def _divide(dividend: Dim, divisor: Dim):
    """dividend // divisor where the divisor's symbols divide every term
    (n*h*d // (2*n*h) is d // 2), else None."""
    if len(divisor.terms) != 1:
        return 1 if _frozen(dividend.terms) == _frozen(divisor.terms) else None
    (monomial, coefficient), = divisor.terms.items()
    terms = {}
    for m, c in dividend.terms.items():
        rest = list(m)
        for atom in monomial:
            if atom not in rest:
                return None
            rest.remove(atom)
        terms[tuple(rest)] = c
    quotient = _make(terms, dividend.hint * coefficient // divisor.hint if divisor.hint else 0)
    return quotient // coefficient if coefficient != 1 else quotient


def evaluate(value, bindings: dict) -> int:
    """The int `value` (a Dim or an int) is when the symbols are `bindings`."""
    if not isinstance(value, Dim):
        return value
    total = 0
    for monomial, coefficient in value.terms.items():
        product = coefficient
        for atom in monomial:
            product *= _atom_value(atom, bindings)
        total += product
    return total


def _atom_value(atom, bindings: dict) -> int:
    if isinstance(atom, str):
        return bindings[atom]
    kind, terms, divisor = atom
    inner = evaluate(Dim(dict(terms), 0), bindings)
    if isinstance(divisor, tuple):
        divisor = evaluate(_make(dict(divisor), 0), bindings)
    return inner // divisor if kind == "//" else inner % divisor


def materialize(value, atom_value: Callable, constant: Callable, add: Callable,
                multiply: Callable, divide: Callable, remainder: Callable):
    """`value` built from its atoms' values with the given operations (the
    tracer's index arithmetic): one way to compute a Dim for every consumer
    of sizes."""
    if not isinstance(value, Dim):
        return constant(value)
    total = None
    for monomial, coefficient in sorted(value.terms.items(), key=lambda t: repr(t[0])):
        product = None if coefficient == 1 and monomial else constant(coefficient)
        for atom in monomial:
            if isinstance(atom, str):
                factor = atom_value(atom)
            else:
                kind, terms, divisor = atom
                parts = [materialize(_make(dict(t), 0) if isinstance(t, tuple) else t,
                                     atom_value, constant, add, multiply, divide, remainder)
                         for t in (terms, divisor)]
                factor = (divide if kind == "//" else remainder)(*parts)
            product = factor if product is None else multiply(product, factor)
        total = product if total is None else add(total, product)
    return total


def names(value) -> set:
    """The symbols `value` (a Dim or an int) is made of."""
    if not isinstance(value, Dim):
        return set()
    found = set()
    for monomial in value.terms:
        for atom in monomial:
            if isinstance(atom, str):
                found.add(atom)
            else:
                _, terms, divisor = atom
                found |= names(_make(dict(terms), 0))
                if isinstance(divisor, tuple):
                    found |= names(_make(dict(divisor), 0))
    return found


def is_symbolic(shape) -> bool:
    return any(isinstance(d, Dim) for d in shape)


def same_shape(a, b) -> bool:
    """Whether shapes `a` and `b` are the same as written: equal ints and
    equal Dims, with no guard (a Dim is never the same as an int, whatever
    its size: their tensor types differ)."""
    return len(a) == len(b) and all(
        (_frozen(x.terms) == _frozen(y.terms)) if isinstance(x, Dim) and isinstance(y, Dim)
        else not isinstance(x, Dim) and not isinstance(y, Dim) and x == y
        for x, y in zip(a, b))


def to_json(value):
    """`value` (a Dim or an int) in the form exported artifacts hold, which
    loader.py evaluates: an int, or {"terms": [[coefficient, [atom, ...]],
    ...]}, an atom a symbol's name or [kind, terms, divisor] for floor
    division ("//") and remainder ("%")."""
    if not isinstance(value, Dim):
        return value
    return {"terms": _terms_json(value.terms)}


def _terms_json(terms) -> list:
    def atom_json(atom):
        if isinstance(atom, str):
            return atom
        kind, inner, divisor = atom
        return [kind, _terms_json(dict(inner)),
                {"terms": _terms_json(dict(divisor))} if isinstance(divisor, tuple) else divisor]

    return [[coefficient, [atom_json(a) for a in monomial]]
            for monomial, coefficient in sorted(terms.items(), key=lambda t: repr(t[0]))]
