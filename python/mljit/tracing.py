"""Tracing: running a Python function on Tracer values to build `ml` IR.

A Tracer stands for an array whose shape and dtype are known but whose values
are not; every operation on it appends an `ml` op to the function being built,
located at the user's `file:line:col`. Ops are verified as they are built, so
a shape or dtype error is raised at the line that caused it.
"""

from __future__ import annotations

import dataclasses
import operator
import os
import sys
import threading
from typing import Any, Callable, Sequence

import numpy as np
from mlir import ir
from mlir.dialects import func

from . import _native, dtypes, pytree
from .dialects import ml
from .errors import ConcretizationError, TraceError, UnsupportedError

INTERNAL_DIRS = tuple(
    os.path.dirname(os.path.abspath(m.__file__)) + os.sep for m in (sys.modules[__package__], np)
)
_positions_cache: dict = {}


def user_frame():
    """The innermost frame outside mljit and NumPy: the user's code."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(INTERNAL_DIRS):
        frame = frame.f_back
    return frame


def _frame_position(frame) -> tuple[str, int, int]:
    code = frame.f_code
    line, column = frame.f_lineno or code.co_firstlineno, 0
    if hasattr(code, "co_positions"):  # Python 3.11+: columns too
        positions = _positions_cache.get(code)
        if positions is None:
            positions = _positions_cache[code] = list(code.co_positions())
        index = frame.f_lasti // 2
        if 0 <= index < len(positions) and positions[index][2] is not None:
            line, column = positions[index][0] or line, positions[index][2]
    return code.co_filename, line, column + 1


def user_position() -> tuple[str, int, int]:
    frame = user_frame()
    return _frame_position(frame) if frame is not None else ("<unknown>", 0, 0)


def _format_position(position) -> str:
    filename, line, _ = position
    return f"{filename}:{line}"


@dataclasses.dataclass(frozen=True)
class ArgSpec:
    """What a compiled function knows of one array argument."""

    shape: tuple
    dtype: np.dtype
    # int/float/bool for Python scalars: they promote weakly, as in NumPy.
    weak_type: type | None = None
    # Immutable in NumPy (Python and NumPy scalars): never written in place.
    scalar: bool = False


class _Trace:
    """The function under construction; one per `trace()` call. `effects`
    records what the traced call does besides computing its results
    (effects.py)."""

    def __init__(self, context: ir.Context, block: ir.Block, effects):
        self.context = context
        self.block = block
        self.effects = effects
        self._locations: dict = {}

    def new_input(self, spec: "ArgSpec") -> "Tracer":
        """One more argument of the function (a value the call adds, such as
        a random draw)."""
        argument = self.block.add_argument(dtypes.tensor_type(spec.shape, spec.dtype),
                                           self.location())
        return Tracer(argument, spec.weak_type, scalar=spec.weak_type is not None)

    def location(self) -> ir.Location:
        position = user_position()
        location = self._locations.get(position)
        if location is None:
            location = ir.Location.file(*position, context=self.context)
            self._locations[position] = location
        return location


_local = threading.local()


def current_trace() -> _Trace | None:
    stack = getattr(_local, "stack", None)
    return stack[-1] if stack else None


def _check_error_text(error: ir.MLIRError) -> str:
    messages = [d.message for d in error.error_diagnostics] or [str(error)]
    return "; ".join(messages)


def build(op_class, *args, **kwargs) -> ir.OpView:
    """Builds and verifies an `ml` op at the user's current line."""
    trace = current_trace()
    if trace is None:
        raise TraceError("mljit ops can only be built while a function is traced")
    location = trace.location()
    try:
        op = op_class(*args, loc=location, **kwargs)
    except (ir.MLIRError, ValueError) as error:
        raise _trace_error(error) from None
    try:
        op.verify()
    except ir.MLIRError as error:
        op.operation.erase()
        raise _trace_error(error) from None
    return op


def _trace_error(error: Exception) -> TraceError:
    text = _check_error_text(error) if isinstance(error, ir.MLIRError) else str(error)
    return TraceError(f"{_format_position(user_position())}: {text}")


class Tracer:
    """A traced array: shape and dtype known, values computed at run time.

    mljit.numpy gives it the ndarray interface (operators, methods, NEP 13 and
    NEP 18 dispatch), so NumPy code runs on it unchanged.

    Like an ndarray, a Tracer can be written (`x[i] = v`, `x += y`): its
    `value` then becomes the SSA value of the updated array. A view (a basic
    slice, reshape or transpose, as NumPy makes them) keeps the array it
    views and the steps from it, and reads its value again after that array
    was written, so it sees the write as a NumPy view does (numpy/_views.py).
    `scalar` marks what NumPy would hold as an immutable scalar (a Python or
    NumPy scalar argument, `x[0]` of a 1-D array): in-place operators rebind
    it instead of writing it.
    """

    __slots__ = ("_value", "weak_type", "_trace", "_view", "_version", "scalar", "_known")

    def __init__(self, value: ir.Value, weak_type: type | None = None, scalar: bool = False,
                 known=None):
        self._value = value
        self.weak_type = weak_type
        self._trace = current_trace()
        # (the viewed array, its steps to this view, its version last read).
        self._view = None
        self._version = 0  # of an array: how many writes it has had
        self.scalar = scalar
        # The values, where known while tracing (arrays NumPy made in the
        # traced code, and what is computed from them alone): an ndarray, or
        # a function making it.
        self._known = known

    def concrete(self):
        """The values as an ndarray, where known while tracing, else None."""
        view = self._view
        if view is not None:
            base, steps, _ = view
            array = base.concrete()
            if not all(step.known for step in steps):
                return None
            for step in steps if array is not None else ():
                array = step.layout(array)
            return array
        if callable(self._known):
            self._known = self._known()
        return self._known

    @property
    def value(self) -> ir.Value:
        if self._value is None:  # known values, made a constant where first used
            self._value = constant(self.concrete()).value
        view = self._view
        if view is not None:
            base, steps, seen = view
            if seen != base._version:
                self._value = read_view(base, steps).value
                self._view = (base, steps, base._version)
        return self._value

    def written(self) -> bool:
        """Whether this array (not a view) was written since it was made."""
        return self._version > 0

    @property
    def shape(self) -> tuple:
        if self._value is None:
            return self.concrete().shape
        return tuple(ir.RankedTensorType(self._value.type).shape)

    @property
    def dtype(self) -> np.dtype:
        if self._value is None:
            return self.concrete().dtype
        return dtypes.from_mlir(ir.RankedTensorType(self._value.type).element_type)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of unsized object")
        return self.shape[0]

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(self.shape[0]))

    def __repr__(self) -> str:
        return f"Tracer(shape={self.shape}, dtype={self.dtype})"

    # Python needs concrete values for these; a traced value has none yet,
    # unless NumPy made it in the traced code.
    def _concrete_or_raise(self, what: str):
        array = self.concrete()
        if array is None:
            raise self._concretization_error(what)
        return array

    def _concretization_error(self, what: str) -> ConcretizationError:
        return ConcretizationError(
            f"{_format_position(user_position())}: {what} needs the value of a "
            f"traced array (shape {self.shape}, dtype {self.dtype}), which is only "
            "known when the compiled function runs. Use mljit.numpy.where instead "
            "of Python control flow on array values, or mark the argument static "
            "(static_argnums / static_argnames)."
        )

    def __bool__(self):
        return bool(self._concrete_or_raise("bool() (an `if`, `while`, `and`/`or`)"))

    def __int__(self):
        return int(self._concrete_or_raise("int()"))

    def __float__(self):
        return float(self._concrete_or_raise("float()"))

    def __index__(self):
        return operator.index(self._concrete_or_raise("using it as an index or size")[()])

    def __complex__(self):
        return complex(self._concrete_or_raise("complex()"))

    def __array__(self, dtype=None, copy=None):
        array = self._concrete_or_raise(
            "converting it to a NumPy array (np.asarray, np.array([...]), or a list "
            "or tuple of traced values passed where NumPy wants one array — a list "
            "argument of a jitted function is a pytree of separate arrays, as in "
            "jax.jit: pass np.asarray(the_list) instead; to join traced arrays use "
            "np.stack or np.concatenate)")
        return array.astype(dtype) if dtype is not None else array.copy()


def read_view(base: Tracer, steps) -> Tracer:
    """The view of `base`'s current value that `steps` take."""
    value = Tracer(base.value)
    for step in steps:
        value = step.read(value)
    return value


def check_same_trace(tracer: Tracer) -> None:
    if tracer._trace is not current_trace():
        raise TraceError(
            f"{_format_position(user_position())}: a traced value from another "
            "(finished) trace was used; traced values cannot be kept between calls "
            "of a jitted function"
        )


def constant(value, dtype=None) -> Tracer:
    """An `ml.constant` holding `value` (array-like) as `dtype`."""
    array = np.asarray(value, dtype=dtype)
    native = dtypes.check(array.dtype, "constant")
    # order="C" copies only when needed and, unlike ascontiguousarray, keeps 0-d.
    array = np.asarray(array, dtype=native, order="C")
    attribute = ir.DenseElementsAttr.get(array, context=current_trace().context)
    return Tracer(build(ml.ConstantOp, attribute).result, known=array)


def splat(scalar, shape, dtype) -> Tracer:
    """A constant of `shape` whose every element is `scalar` (as `dtype`)."""
    array = np.asarray(scalar, dtype=dtype)
    attribute = ir.DenseElementsAttr.get_splat(
        dtypes.tensor_type(shape, array.dtype), _scalar_attribute(array)
    )
    return Tracer(build(ml.ConstantOp, attribute).result,
                  known=lambda: np.full(shape, array, dtype=array.dtype))


def _scalar_attribute(array: np.ndarray) -> ir.Attribute:
    element_type = dtypes.to_mlir(array.dtype)
    if array.dtype.kind == "f":
        return ir.FloatAttr.get(element_type, float(array))
    return ir.IntegerAttr.get(element_type, int(array))


@dataclasses.dataclass
class TracedFunction:
    """The `ml` IR of one function for one signature.

    The function returns its results (`out_tree` over the first
    `len(out_specs)` result leaves), then the values of the effects
    recorded in `effects` (see effects.py).
    """

    context: ir.Context
    module: ir.Module
    name: str
    out_tree: Any  # pytree.TreeDef of the results
    out_specs: list  # one ArgSpec per result leaf, effects' values last
    effects: Any = None

    @property
    def result_tree(self):
        """The structure of everything the function returns: the results,
        then a tuple of the effects' values (if there are any)."""
        extra = len(self.out_specs) - self.out_tree.num_leaves
        if not extra:
            return self.out_tree
        return pytree.TreeDef(tuple, None, (self.out_tree,
                                            pytree.TreeDef(tuple, None, (pytree.LEAF,) * extra)))

    def as_text(self, debug_info: bool = False) -> str:
        """The module's text; with `debug_info`, each op's source location."""
        return self.module.operation.get_asm(enable_debug_info=debug_info)


def trace(fn: Callable[[Sequence[Tracer]], Any], specs: Sequence[ArgSpec], name: str,
          location: tuple | None = None, effects=None) -> TracedFunction:
    """Runs `fn` on one Tracer per spec and returns the `ml` function it built.

    `fn` takes the list of input Tracers and returns a pytree of arrays.
    `effects` (an effects.Effects) records writes into the inputs and the
    other effects of the call; their values become extra results.
    """
    context = _native.new_context()
    file_location = (
        ir.Location.file(*location, context=context) if location else ir.Location.unknown(context)
    )
    with context, file_location:
        module = ir.Module.create()
        input_types = [dtypes.tensor_type(s.shape, s.dtype) for s in specs]
        with ir.InsertionPoint(module.body):
            function = func.FuncOp(name, (input_types, []))
        function.attributes["llvm.emit_c_interface"] = ir.UnitAttr.get()
        block = function.add_entry_block()
        state = _Trace(context, block, effects)
        stack = _local.__dict__.setdefault("stack", [])
        stack.append(state)
        try:
            with ir.InsertionPoint(block):
                inputs = [Tracer(arg, s.weak_type, scalar=s.scalar)
                          for arg, s in zip(block.arguments, specs)]
                outputs = fn(inputs)
                leaves, out_tree = pytree.flatten(outputs)
                results = [_as_result(leaf) for leaf in leaves]
                extras = effects.results(inputs) if effects is not None else []
                func.ReturnOp([r.value for r in results + extras])
        finally:
            stack.pop()
        input_types = [argument.type for argument in block.arguments]
        function.attributes["function_type"] = ir.TypeAttr.get(
            ir.FunctionType.get(input_types, [r.value.type for r in results + extras])
        )
    out_specs = [ArgSpec(r.shape, r.dtype, r.weak_type) for r in results + extras]
    return TracedFunction(context, module, name, out_tree, out_specs, effects)


def _as_result(leaf) -> Tracer:
    if isinstance(leaf, Tracer):
        check_same_trace(leaf)
        return leaf
    if isinstance(leaf, (np.ndarray, np.generic, bool, int, float)):
        return constant(leaf)
    raise UnsupportedError(
        f"the jitted function returned a {type(leaf).__name__}; results must be "
        "arrays, Python/NumPy scalars, or tuples, lists and dicts of them"
    )
