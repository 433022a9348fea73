"""Arrays a jitted function reaches without taking them as arguments.

NumPy model code keeps its weights in objects (`self.w`), closures and
module globals, and writes some of them in place (a KV cache). Baked in as
constants at trace time, they would go stale when the user changes them.
Instead, what a function reaches is walked at every call (`Reach.collect`):
`self` of a bound method or a callable object, the function's closure
cells, and the module globals its code names (and the code of the functions
of its module that it calls), through attributes of plain Python objects,
lists, tuples and dicts. The arrays found become implicit arguments, passed
by reference; everything else found (ints, strings, None, ...) keys the
compilation cache, so changing it recompiles. Objects of other kinds
(modules, functions, NumPy and library objects) are left as they are.

While tracing, the function runs on stand-ins (`Snapshot.bind`): copies of
the objects, lists and dicts with traced arrays in place of the arrays, and
a copy of its globals. Writes into those arrays and arrays bound to
attributes are given back to the real objects after every call
(effects.py).
"""

from __future__ import annotations

import sys
import types
import weakref
from typing import Callable

import numpy as np

from . import tracing
from .errors import TraceError
from .tracing import Tracer

# Containers longer than this are not walked (their contents do not key
# the cache, nor are their arrays read at every call).
MAX_ITEMS = 1000
# Nor are objects nested deeper than this.
MAX_DEPTH = 12
_CONSTANTS = (bool, int, float, complex, str, bytes, type(None), np.generic)
_RANDOM = (np.random.Generator, np.random.RandomState)
_OPAQUE = ("opaque",)


def _const_key(value):
    # NaN != NaN: keyed by its bits, or the cache would never hit.
    if isinstance(value, float):
        return (float, value.hex())
    if isinstance(value, np.generic):
        return (value.dtype.str, value.tobytes())
    return (type(value), value)


def _is_plain_object(value) -> bool:
    """An instance of a class defined outside the standard library, NumPy
    and mljit, with its attributes in a __dict__."""
    cls = type(value)
    if isinstance(value, (type, types.ModuleType, types.FunctionType, types.MethodType,
                          types.BuiltinFunctionType)) or not hasattr(value, "__dict__"):
        return False
    top = cls.__module__.partition(".")[0]
    # A class with its own __new__ (or a builtin base) cannot be copied bare.
    return (top not in sys.stdlib_module_names and top not in ("numpy", "mljit", "mlir")
            and cls.__new__ is object.__new__)


class _Walk:
    """One walk over what a function reaches: a key (the structure and every
    non-array value, hashable), the arrays (each once), and the objects and
    containers walked (by the index their nodes name)."""

    def __init__(self):
        self.arrays: list = []
        self.objects: list = []
        self._array_index: dict = {}
        self._object_index: dict = {}

    def node(self, value, depth: int = 0):
        if isinstance(value, np.ndarray):
            index = self._array_index.get(id(value))
            if index is None:
                index = self._array_index[id(value)] = len(self.arrays)
                self.arrays.append(value)
            return ("array", index)
        if isinstance(value, _CONSTANTS):
            return ("const", _const_key(value))
        index = self._object_index.get(id(value))
        if index is not None:
            return ("same", index)
        if depth > MAX_DEPTH:
            return _OPAQUE
        kind = type(value)
        if isinstance(value, _RANDOM):
            return ("random", self._remember(value))
        if kind in (list, tuple, dict) and len(value) <= MAX_ITEMS:
            index = self._remember(value)
            items = value.items() if kind is dict else enumerate(value)
            children = tuple((key, self.node(item, depth + 1)) for key, item in items)
            return self._holding(value, (kind.__name__, index, children))
        if isinstance(value, tuple) and hasattr(kind, "_make"):  # a namedtuple
            index = self._remember(value)
            children = tuple((key, self.node(item, depth + 1)) for key, item in enumerate(value))
            return self._holding(value, ("namedtuple", index, kind, children))
        if _is_plain_object(value):
            index = self._remember(value)
            children = tuple((name, self.node(item, depth + 1))
                             for name, item in vars(value).items())
            return self._holding(value, ("object", index, kind, children))
        return _OPAQUE

    def _holding(self, value, node):
        """`node`, if the value holds arrays; else the value is left as it
        is (not copied, not keying the cache: the function may even change
        it while tracing, as a list of traces it logs)."""
        if any(child[0] != "const" and child != _OPAQUE for _, child in node[-1]):
            return node
        del self._object_index[id(value)]
        return _OPAQUE

    def _remember(self, value) -> int:
        self._object_index[id(value)] = len(self.objects)
        self.objects.append(value)
        return len(self.objects) - 1


class Snapshot:
    """What one call reaches: its key, arrays and objects (see _Walk), and
    how to run the function on stand-ins of them (`bind`)."""

    def __init__(self, reach: "Reach", roots: list, walk: _Walk, nodes: tuple):
        self.reach = reach
        self.roots = roots
        self.arrays = walk.arrays
        self.objects = walk.objects
        self.key = nodes

    def bind(self, tracers) -> Callable:
        """The function, running on stand-ins with `tracers` (one per
        array) for the arrays: what it reaches, copied."""
        stand_ins: dict = {}

        def build(node, original):
            kind = node[0]
            if kind == "array":
                return tracers[node[1]]
            if kind in ("const", "opaque"):
                return original
            if kind == "same":
                return stand_ins[node[1]]
            if kind == "random":
                from .effects import RandomProxy
                stand_ins[node[1]] = RandomProxy(node[1], original)
                return stand_ins[node[1]]
            index, children = node[1], node[-1]
            if kind == "list":
                copy = stand_ins[index] = []
                copy.extend(build(child, original[key]) for key, child in children)
                return copy
            if kind in ("tuple", "namedtuple"):
                items = [build(child, original[key]) for key, child in children]
                copy = stand_ins[index] = (tuple(items) if kind == "tuple"
                                           else type(original)._make(items))
                return copy
            if kind == "dict":
                copy = stand_ins[index] = {}
                for key, child in children:
                    copy[key] = build(child, original[key])
                return copy
            copy = stand_ins[index] = _stand_in(original, index)
            attributes = dict(vars(original))
            for name, child in children:
                attributes[name] = build(child, attributes[name])
            vars(copy).update(attributes)
            return copy

        values = [build(node, root) for (_, node), root in zip(self.key, self.roots)]
        return self.reach.rebuilt(values)


class _Rebinding:
    """Mixed into stand-ins of objects: binding an attribute during the
    trace is recorded (arrays: bound again on the real object at every
    call) or refused (anything else would only happen while tracing)."""

    __slots__ = ()

    def __setattr__(self, name, value):
        if not isinstance(value, (Tracer, np.ndarray)):
            filename, line, _ = tracing.user_position()
            raise TraceError(
                f"{filename}:{line}: the jitted function sets the attribute {name!r} of "
                f"a {type(self).__mro__[2].__name__} to a {type(value).__name__}; mljit "
                "runs the function's Python code once, while tracing, so this would "
                "not happen at later calls. Only arrays can be bound to attributes "
                "inside a jitted function; keep other state outside it or pass it "
                "as a (static) argument")
        if isinstance(value, Tracer) and vars(self).get(name) is value:
            # The array it holds, written in place (self.w -= g binds self.w
            # to self.w): written back, it stays the same array, as in NumPy.
            return
        tracing.only_outside_regions(f"binding the attribute {name!r}")
        effects = tracing.current_trace().effects
        index = effects.stand_in_index[id(self)]
        if not any(i == index and n == name for i, n, _ in effects.rebinds):
            effects.rebinds.append((index, name, self))
        object.__setattr__(self, name, value)


_stand_in_classes: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _stand_in(original, index: int):
    cls = type(original)
    stand_in_class = _stand_in_classes.get(cls)
    if stand_in_class is None:
        stand_in_class = _stand_in_classes[cls] = type(
            cls.__name__, (_Rebinding, cls),
            {"__module__": cls.__module__, "__qualname__": cls.__qualname__})
    copy = object.__new__(stand_in_class)
    tracing.current_trace().effects.stand_in_index[id(copy)] = index
    return copy


class Reach:
    """What a function reaches without arguments: found once from its code
    (`of`), walked at every call (`collect`)."""

    def __init__(self, function, owner, names, helpers):
        self.function = function  # the Python function that runs
        self.owner = owner        # self of a bound method or callable object, or None
        self.names = names        # global names its code reads
        self.helpers = helpers    # functions of its module it calls, by name

    @classmethod
    def of(cls, fun) -> "Reach | None":
        """The Reach of `fun`; None where it reaches nothing to walk."""
        owner = None
        if isinstance(fun, types.MethodType):
            owner, function = fun.__self__, fun.__func__
        elif isinstance(fun, types.FunctionType):
            function = fun
        elif _is_plain_object(fun) and isinstance(type(fun).__call__, types.FunctionType):
            owner, function = fun, type(fun).__call__
        else:
            return None
        names, helpers = set(), {}
        _read_names(function, function.__globals__, names, helpers)
        if owner is None and not function.__closure__ and not names:
            return None
        return cls(function, owner, tuple(sorted(names)), helpers)

    def collect(self) -> Snapshot:
        roots = [] if self.owner is None else [self.owner]
        for cell in self.function.__closure__ or ():
            try:
                roots.append(cell.cell_contents)
            except ValueError:  # a cell not yet filled
                roots.append(None)
        scope = self.function.__globals__
        roots += [scope.get(name) for name in self.names]
        walk = _Walk()
        nodes = tuple(walk.node(root) for root in roots)
        return Snapshot(self, roots, walk, tuple(zip(self.root_names(), nodes)))

    def root_names(self) -> list:
        return ((["self"] if self.owner is not None else [])
                + list(self.function.__code__.co_freevars) + list(self.names))

    def rebuilt(self, values: list) -> Callable:
        """The function reading `values` for its owner, closure cells and
        globals (in `collect`'s order)."""
        values = iter(values)
        owner = next(values) if self.owner is not None else None
        function = self.function
        cells = tuple(types.CellType(next(values)) for _ in function.__closure__ or ())
        scope = dict(function.__globals__)
        scope.update((name, next(values)) for name in self.names)
        for name, helper in self.helpers.items():
            scope[name] = _with_globals(helper, scope, helper.__closure__)
        rebuilt = _with_globals(function, scope, cells or None)
        return rebuilt if owner is None else types.MethodType(rebuilt, owner)


def _with_globals(function, scope, closure):
    rebuilt = types.FunctionType(function.__code__, scope, function.__name__,
                                 function.__defaults__, closure)
    rebuilt.__kwdefaults__ = function.__kwdefaults__
    return rebuilt


def _read_names(function, scope, names, helpers) -> None:
    """The global names `function`'s code reads that may hold state, and the
    functions of the same module it calls (whose names are read too)."""
    for name in _code_names(function.__code__):
        if name not in scope or name in names or name in helpers:
            continue
        value = scope[name]
        if isinstance(value, types.FunctionType):
            if value.__globals__ is scope:
                helpers[name] = value
                _read_names(value, scope, names, helpers)
        elif not isinstance(value, (type, types.ModuleType, types.BuiltinFunctionType)):
            names.add(name)


def _code_names(code) -> set:
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _code_names(constant)
    return names
