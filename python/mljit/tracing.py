"""Tracing: running a Python function on Tracer values to build `ml` IR.

A Tracer stands for an array whose shape and dtype are known but whose values
are not; every operation on it appends an `ml` op to the function being built,
located at the user's `file:line:col`. Ops are verified as they are built, so
a shape or dtype error is raised at the line that caused it.
"""

from __future__ import annotations

import dataclasses
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

_INTERNAL_DIRS = tuple(
    os.path.dirname(os.path.abspath(m.__file__)) + os.sep for m in (sys.modules[__package__], np)
)
_positions_cache: dict = {}


def user_frame():
    """The innermost frame outside mljit and NumPy: the user's code."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_INTERNAL_DIRS):
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


class _Trace:
    """The function under construction; one per `trace()` call."""

    def __init__(self, context: ir.Context, block: ir.Block):
        self.context = context
        self.block = block
        self._locations: dict = {}

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
    """

    __slots__ = ("value", "weak_type", "_trace")

    def __init__(self, value: ir.Value, weak_type: type | None = None):
        self.value = value
        self.weak_type = weak_type
        self._trace = current_trace()

    @property
    def shape(self) -> tuple:
        return tuple(ir.RankedTensorType(self.value.type).shape)

    @property
    def dtype(self) -> np.dtype:
        return dtypes.from_mlir(ir.RankedTensorType(self.value.type).element_type)

    @property
    def ndim(self) -> int:
        return ir.RankedTensorType(self.value.type).rank

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

    # Python needs concrete values for these; a traced value has none yet.
    def _concretization_error(self, what: str) -> ConcretizationError:
        return ConcretizationError(
            f"{_format_position(user_position())}: {what} needs the value of a "
            f"traced array (shape {self.shape}, dtype {self.dtype}), which is only "
            "known when the compiled function runs. Use mljit.numpy.where instead "
            "of Python control flow on array values, or mark the argument static "
            "(static_argnums / static_argnames)."
        )

    def __bool__(self):
        raise self._concretization_error("bool() (an `if`, `while`, `and`/`or`)")

    def __int__(self):
        raise self._concretization_error("int()")

    def __float__(self):
        raise self._concretization_error("float()")

    def __index__(self):
        raise self._concretization_error("using it as an index or size")

    def __complex__(self):
        raise self._concretization_error("complex()")

    def __array__(self, dtype=None, copy=None):
        raise self._concretization_error(
            "converting it to a NumPy array (np.asarray, np.array([...]), or a list "
            "or tuple of traced values passed where NumPy wants one array — a list "
            "argument of a jitted function is a pytree of separate arrays, as in "
            "jax.jit: pass np.asarray(the_list) instead; to join traced arrays use "
            "np.stack or np.concatenate)")


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
    return Tracer(build(ml.ConstantOp, attribute).result)


def splat(scalar, shape, dtype) -> Tracer:
    """A constant of `shape` whose every element is `scalar` (as `dtype`)."""
    array = np.asarray(scalar, dtype=dtype)
    attribute = ir.DenseElementsAttr.get_splat(
        dtypes.tensor_type(shape, array.dtype), _scalar_attribute(array)
    )
    return Tracer(build(ml.ConstantOp, attribute).result)


def _scalar_attribute(array: np.ndarray) -> ir.Attribute:
    element_type = dtypes.to_mlir(array.dtype)
    if array.dtype.kind == "f":
        return ir.FloatAttr.get(element_type, float(array))
    return ir.IntegerAttr.get(element_type, int(array))


@dataclasses.dataclass
class TracedFunction:
    """The `ml` IR of one function for one signature."""

    context: ir.Context
    module: ir.Module
    name: str
    out_tree: Any  # pytree.TreeDef of the results
    out_specs: list  # one ArgSpec per result leaf

    def as_text(self, debug_info: bool = False) -> str:
        """The module's text; with `debug_info`, each op's source location."""
        return self.module.operation.get_asm(enable_debug_info=debug_info)


def trace(fn: Callable[[Sequence[Tracer]], Any], specs: Sequence[ArgSpec], name: str,
          location: tuple | None = None) -> TracedFunction:
    """Runs `fn` on one Tracer per spec and returns the `ml` function it built.

    `fn` takes the list of input Tracers and returns a pytree of arrays.
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
        state = _Trace(context, block)
        stack = _local.__dict__.setdefault("stack", [])
        stack.append(state)
        try:
            with ir.InsertionPoint(block):
                inputs = [Tracer(arg, s.weak_type) for arg, s in zip(block.arguments, specs)]
                outputs = fn(inputs)
                leaves, out_tree = pytree.flatten(outputs)
                results = [_as_result(leaf) for leaf in leaves]
                func.ReturnOp([r.value for r in results])
        finally:
            stack.pop()
        function.attributes["function_type"] = ir.TypeAttr.get(
            ir.FunctionType.get(input_types, [r.value.type for r in results])
        )
    out_specs = [ArgSpec(r.shape, r.dtype, r.weak_type) for r in results]
    return TracedFunction(context, module, name, out_tree, out_specs)


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
