"""Tracing: running a Python function on Tracer values to build `ml` IR.

A Tracer stands for an array whose shape and dtype are known but whose values
are not; every operation on it appends an `ml` op to the function being built,
located at the user's `file:line:col`. Ops are verified as they are built, so
a shape or dtype error is raised at the line that caused it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import operator
import os
import sys
import threading
from typing import Any, Callable, Sequence

import numpy as np
from mlir import ir
from mlir.dialects import func

from mlir.dialects import arith, tensor

from . import _native, dtypes, pytree, symbolic
from .dialects import ml
from .errors import ConcretizationError, TraceError, UnsupportedError
from .symbolic import Dim

# Frames that are never the user's code: mljit's, NumPy's, and contextlib's
# (entering mljit's own context managers).
INTERNAL_DIRS = tuple(
    os.path.dirname(os.path.abspath(m.__file__)) + os.sep for m in (sys.modules[__package__], np)
) + (contextlib.__file__,)
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
    # A Python int argument's value in the call (not part of the signature);
    # in a dynamic variant, the symbol (a Dim) the traced code gets for it.
    value: object = dataclasses.field(default=None, compare=False)
    # An array argument's strides in elements where it is not C-contiguous:
    # whether a reshape of it is a view (a write through which shows in it)
    # depends on them.
    strides: tuple | None = None


class Scope:
    """Code being traced into one block: the function's body, or a region
    of a conditional or loop (`what` names it in errors). A Tracer belongs
    to the scope it was made in; once the scope is closed, its values are
    out of reach (a value computed in a loop body exists only there)."""

    __slots__ = ("what", "holder", "open")

    def __init__(self, what: str, holder: ir.Operation | None):
        self.what = what
        # The op whose region the block is in, in the enclosing scope's
        # block: what a value of an enclosing scope is inserted before.
        self.holder = holder
        self.open = True


class _Trace:
    """The function under construction; one per `trace()` call. `effects`
    records what the traced call does besides computing its results
    (effects.py)."""

    def __init__(self, context: ir.Context, block: ir.Block, effects):
        self.context = context
        self.block = block
        self.effects = effects
        self.scopes = [Scope("the traced function", None)]
        self._locations: dict = {}
        # Symbolic sizes: the shapes of values with dynamic dimensions, the
        # index value of each size computed so far (and back), and the
        # guards the trace's decisions on sizes recorded.
        self.shapes: dict = {}
        self._size_values: dict = {}
        self.sizes_of_values: dict = {}
        self.guards: list = []

    def bind_symbols(self, specs) -> None:
        """The index value of every symbol in `specs`' shapes: the size of
        the first argument dimension that has it, read at function entry."""
        for argument, spec in zip(self.block.arguments, specs):
            for axis, size in enumerate(spec.shape):
                if isinstance(size, Dim) and _symbol_name(size):
                    key = symbolic._frozen(size.terms)
                    if key not in self._size_values:
                        axis_value = arith.ConstantOp(ir.IndexType.get(), axis).result
                        self._remember(size, tensor.DimOp(argument, axis_value).result)
            if symbolic.is_symbolic(spec.shape):
                self.shapes[argument] = tuple(spec.shape)
            if isinstance(spec.value, Dim):
                element = tensor.ExtractOp(argument, []).result
                self._remember(spec.value,
                               arith.IndexCastOp(ir.IndexType.get(), element).result)

    def _remember(self, size: Dim, value: ir.Value) -> ir.Value:
        self._size_values[symbolic._frozen(size.terms)] = value
        self.sizes_of_values[value] = size
        return value

    def size_value(self, size) -> ir.Value:
        """The index value of `size` (a Dim or an int) at this point."""
        if isinstance(size, Dim):
            known = self._size_values.get(symbolic._frozen(size.terms))
            if known is not None:
                return known
        index = ir.IndexType.get()

        def constant(value):
            return arith.ConstantOp(index, value).result

        def atom(name):
            return self._size_values[symbolic._frozen({(name,): 1})]
        value = symbolic.materialize(
            size, atom, constant, lambda a, b: arith.AddIOp(a, b).result,
            lambda a, b: arith.MulIOp(a, b).result,
            lambda a, b: arith.FloorDivSIOp(a, b).result,
            lambda a, b: arith.RemSIOp(a, b).result)
        return self._remember(size, value) if isinstance(size, Dim) else value

    def dynamic_sizes(self, shape) -> list:
        """The index values of `shape`'s symbolic sizes, in order (what
        ml.broadcast and ml.reshape take)."""
        return [self.size_value(d) for d in shape if isinstance(d, Dim)]

    def new_input(self, spec: "ArgSpec") -> "Tracer":
        """One more argument of the function (a value the call adds, such as
        a random draw)."""
        argument = self.block.add_argument(dtypes.tensor_type(spec.shape, spec.dtype),
                                           self.location())
        return Tracer(argument, spec.weak_type, scalar=spec.weak_type is not None)

    @property
    def scope(self) -> Scope:
        return self.scopes[-1]

    @contextlib.contextmanager
    def region(self, block: ir.Block, what: str):
        """Traces into `block` (of an op the enclosing scope holds) as a new
        scope; sizes computed inside stay inside."""
        scope = Scope(what, block.owner)
        sizes = dict(self._size_values)
        self.scopes.append(scope)
        try:
            # Glue ops (yields, index casts) at the line of the region's op.
            with ir.InsertionPoint(block), self.location():
                yield scope
        finally:
            self.scopes.pop()
            scope.open = False
            self._size_values = sizes

    def insertion_point(self, scope: Scope) -> ir.InsertionPoint | None:
        """Where code computing a value of the open `scope` goes: before the
        op holding the scope nested in it; None for the current scope."""
        for inner, outer in zip(reversed(self.scopes), reversed(self.scopes[:-1])):
            if outer is scope:
                return ir.InsertionPoint(inner.holder)
        return None

    def location(self) -> ir.Location:
        position = user_position()
        location = self._locations.get(position)
        if location is None:
            location = ir.Location.file(*position, context=self.context)
            self._locations[position] = location
        return location


_local = threading.local()


def only_outside_regions(what: str) -> None:
    """Refuses `what`, an effect of the call, inside a branch or loop body,
    where it would happen a number of times known only at run time."""
    trace = current_trace()
    if trace is not None and len(trace.scopes) > 1:
        raise UnsupportedError(
            f"{_format_position(user_position())}: {what} inside {trace.scope.what} is not "
            "supported: it would happen as often as the traced condition decides, known "
            "only when the compiled code runs. Do it before or after, on values the "
            "branch or loop returns")


def current_trace() -> _Trace | None:
    stack = getattr(_local, "stack", None)
    return stack[-1] if stack else None


def _symbol_name(size: Dim) -> str | None:
    """The symbol `size` is, if it is one alone."""
    if len(size.terms) == 1:
        (monomial, coefficient), = size.terms.items()
        if coefficient == 1 and len(monomial) == 1 and isinstance(monomial[0], str):
            return monomial[0]
    return None


# Ops whose result does not have their first operand's shape.
_NOT_SAME_SHAPE = {"ml.broadcast", "ml.reshape", "ml.iota", "ml.transpose", "ml.matmul", "ml.reduce",
                   "ml.argmax", "ml.argmin", "ml.slice", "ml.concatenate", "ml.gather",
                   "ml.dynamic_slice"}


def shape_of_value(trace: _Trace, value: ir.Value) -> tuple:
    """The shape of a tensor value, symbolic sizes included."""
    type_ = ir.RankedTensorType(value.type)
    if type_.has_static_shape:
        return tuple(type_.shape)
    return trace.shapes[value]


def _result_shape(trace: _Trace, op) -> tuple:
    """The symbolic shape of `op`'s (only) result, by the op's shape rule."""
    operation = op.operation
    name = operation.name
    operands = list(operation.operands)
    static = ir.RankedTensorType(operation.results[0].type).shape
    if name in ("ml.broadcast", "ml.reshape", "ml.iota", "ml.dynamic_slice"):
        first = {"ml.iota": 0, "ml.dynamic_slice": 1 + len(static)}.get(name, 1)
        sizes = iter(operands[first:])
        return tuple(trace.sizes_of_values[next(sizes)] if ir.ShapedType.is_dynamic_size(d)
                     else d for d in static)
    if name not in _NOT_SAME_SHAPE:
        return shape_of_value(trace, operands[0])
    shape = shape_of_value(trace, operands[0])
    attributes = operation.attributes
    keep = "keepdims" in attributes
    if name == "ml.concatenate":
        axis = ir.IntegerAttr(attributes["dimension"]).value
        shapes = [shape_of_value(trace, v) for v in operands]
        return tuple(d_static if not ir.ShapedType.is_dynamic_size(d_static)
                     else sum(s[axis] for s in shapes) if d == axis else size
                     for d, (d_static, size) in enumerate(zip(static, shape)))
    if name == "ml.gather":
        axis = ir.IntegerAttr(attributes["axis"]).value
        return (tuple(shape[:axis]) + shape_of_value(trace, operands[1])
                + tuple(shape[axis + 1:]))
    if name == "ml.slice":  # a dynamic dimension is taken whole
        return tuple(size if ir.ShapedType.is_dynamic_size(d) else d
                     for d, size in zip(static, shape))
    if name == "ml.transpose":
        return tuple(shape[axis] for axis in ir.DenseI64ArrayAttr(attributes["permutation"]))
    if name in ("ml.reduce", "ml.argmax", "ml.argmin"):
        axes = (list(ir.DenseI64ArrayAttr(attributes["axes"])) if name == "ml.reduce"
                else [ir.IntegerAttr(attributes["axis"]).value])
        return tuple(1 if axis in axes else size for axis, size in enumerate(shape)
                     if keep or axis not in axes)
    rhs = shape_of_value(trace, operands[1])  # ml.matmul
    return broadcast_shapes(shape[:-2], rhs[:-2]) + (shape[-2], rhs[-1])


def broadcast_shapes(*shapes) -> tuple:
    """NumPy's broadcast of `shapes`, symbolic sizes included: a symbolic
    size broadcasts with itself or 1 (a guard says it is not 1)."""
    if not any(symbolic.is_symbolic(s) for s in shapes):
        return np.broadcast_shapes(*shapes)
    rank = max((len(s) for s in shapes), default=0)
    result = []
    for axis in range(rank):
        sizes = [s[axis - rank + len(s)] for s in shapes if axis - rank + len(s) >= 0]
        size = 1
        for other in sizes:
            if other == 1:
                continue
            if size == 1:
                size = other
            elif size != other:
                raise ValueError("shape mismatch: objects cannot be broadcast to a single "
                                 f"shape: {' and '.join(str(tuple(s)) for s in shapes)}")
            elif isinstance(other, Dim):
                size = other  # equal to an int by a guard: the dynamic type wins
        result.append(size)
    return tuple(result)


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
    operation = op.operation
    if operation.results and _is_dynamic(operation.results[0].type):
        trace.shapes[operation.results[0]] = _result_shape(trace, op)
    return op


def _is_dynamic(type_: ir.Type) -> bool:
    return isinstance(type_, ir.RankedTensorType) and not type_.has_static_shape


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

    __slots__ = ("_value", "weak_type", "_trace", "_view", "_version", "scalar", "_known",
                 "_layout", "_scope")

    def __init__(self, value: ir.Value, weak_type: type | None = None, scalar: bool = False,
                 known=None):
        self._value = value
        self.weak_type = weak_type
        self._trace = trace = current_trace()
        self._scope = trace.scopes[-1] if trace is not None else None
        # (the viewed array, its steps to this view, its version last read).
        self._view = None
        self._version = 0  # of an array: how many writes it has had
        self.scalar = scalar
        # The values, where known while tracing (arrays NumPy made in the
        # traced code, and what is computed from them alone): an ndarray, or
        # a function making it.
        self._known = known
        # Of an array that views no other, where not in C order: its strides
        # in elements, or how NumPy made it (numpy/_layouts.py).
        self._layout = None

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
        scope = self._scope
        if scope is not None and not scope.open:
            raise self._escaped_error(scope)
        view = self._view
        if self._value is not None and (view is None or view[2] == view[0]._version):
            return self._value
        # Computed where first used, but in this array's own scope: inside a
        # loop body it would not be seen after the loop.
        point = self._trace.insertion_point(scope) if scope is not None else None
        with point or contextlib.nullcontext():
            if self._value is None:  # known values, made a constant
                self._value = constant(self.concrete()).value
            if view is not None:
                base, steps, seen = view
                if seen != base._version:
                    self._value = read_view(base, steps).value
                    self._view = (base, steps, base._version)
        return self._value

    def _escaped_error(self, scope: Scope) -> TraceError:
        return TraceError(
            f"{_format_position(user_position())}: an array (shape "
            f"{shape_of_value(self._trace, self._value)}, dtype {self.dtype}) computed in "
            f"{scope.what} is used outside it; "
            "its values exist only there. Return it from the function of the "
            "branch or loop body instead (as a result or in the carry)")

    def written(self) -> bool:
        """Whether this array (not a view) was written since it was made."""
        return self._version > 0

    @property
    def shape(self) -> tuple:
        if self._value is None:
            return self.concrete().shape
        return shape_of_value(self._trace, self._value)  # a view's re-read keeps it

    @property
    def dtype(self) -> np.dtype:
        if self._value is None:
            return self.concrete().dtype
        return dtypes.from_mlir(ir.RankedTensorType(self._value.type).element_type)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self):
        size = 1
        for d in self.shape:
            size = size * d
        return size

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
        from . import autograph
        frame = user_frame()
        why = autograph.why_not_converted(frame.f_code) if frame is not None else None
        unconverted = (f" mljit did not compile the control flow of {frame.f_code.co_name}() "
                       f"because {why}." if why else "")
        return ConcretizationError(
            f"{_format_position(user_position())}: {what} needs the value of a "
            f"traced array (shape {self.shape}, dtype {self.dtype}), which is only "
            "known when the compiled function runs. Use mljit.cond, mljit.while_loop, "
            "mljit.fori_loop or mljit.numpy.where instead of Python control flow on "
            "array values, or mark the argument static (static_argnums / "
            "static_argnames)." + unconverted
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
    if dtypes.is_complex(native) or native.kind == "V":
        # The bindings read complex elements as pairs of their parts, and
        # ml_dtypes' floats (which have no buffer format) as their bits.
        parts = array.reshape(-1).view(
            {"c": f"f{native.itemsize // 2}", "V": f"u{native.itemsize}"}[native.kind])
        attribute = ir.DenseElementsAttr.get(parts, type=dtypes.to_mlir(native),
                                             shape=list(array.shape),
                                             context=current_trace().context)
    else:
        # From the buffer alone, unsigned elements would be signless ones.
        element_type = dtypes.to_mlir(native) if native.kind == "u" else None
        attribute = ir.DenseElementsAttr.get(array, type=element_type,
                                             context=current_trace().context)
    return Tracer(build(ml.ConstantOp, attribute).result, known=array)


def splat(scalar, shape, dtype) -> Tracer:
    """A constant of `shape` whose every element is `scalar` (as `dtype`)."""
    array = np.asarray(scalar, dtype=dtype)
    # The bindings have no complex scalar attribute: a 0-d constant, broadcast.
    if dtypes.is_complex(array.dtype) and shape == ():
        return constant(array)
    if symbolic.is_symbolic(shape) or dtypes.is_complex(array.dtype):
        one = splat(array, (), array.dtype)
        return Tracer(build(ml.BroadcastOp, dtypes.tensor_type(shape, array.dtype), one.value,
                            current_trace().dynamic_sizes(shape)).result)
    attribute = ir.DenseElementsAttr.get_splat(
        dtypes.tensor_type(shape, array.dtype), _scalar_attribute(array)
    )
    return Tracer(build(ml.ConstantOp, attribute).result,
                  known=lambda: np.full(shape, array, dtype=array.dtype))


def _scalar_attribute(array: np.ndarray) -> ir.Attribute:
    element_type = dtypes.to_mlir(array.dtype)
    if dtypes.is_float(array.dtype):
        return ir.FloatAttr.get(element_type, float(array))
    value = int(array)
    if value >= 1 << 63:  # a uint64 beyond int64: the same bits, as int64
        value -= 1 << 64
    return ir.IntegerAttr.get(element_type, value)


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
    # What the trace assumed of symbolic sizes (symbolic.Guard): the
    # function serves only calls where every guard holds.
    guards: list = dataclasses.field(default_factory=list)

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
    guards: list = []
    with context, file_location, symbolic.recording(guards):
        module = ir.Module.create()
        input_types = [dtypes.tensor_type(s.shape, s.dtype) for s in specs]
        with ir.InsertionPoint(module.body):
            function = func.FuncOp(name, (input_types, []))
        function.attributes["llvm.emit_c_interface"] = ir.UnitAttr.get()
        block = function.add_entry_block()
        state = _Trace(context, block, effects)
        state.guards = guards
        stack = _local.__dict__.setdefault("stack", [])
        stack.append(state)
        try:
            with ir.InsertionPoint(block):
                state.bind_symbols(specs)
                # A symbolic int argument is its Dim: Python arithmetic and
                # decisions on it stay symbolic (guards), slices by it are
                # dynamic; arrays see it as a traced int.
                inputs = [s.value if isinstance(s.value, Dim)
                          else Tracer(arg, s.weak_type, scalar=s.scalar)
                          for arg, s in zip(block.arguments, specs)]
                for tracer, spec in zip(inputs, specs):
                    if spec.strides is not None:
                        tracer._layout = spec.strides
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
    return TracedFunction(context, module, name, out_tree, out_specs, effects, guards)


def _as_result(leaf) -> Tracer:
    if isinstance(leaf, Dim):
        from .numpy import _core
        return _core.as_value(leaf)
    if isinstance(leaf, Tracer):
        check_same_trace(leaf)
        return leaf
    if isinstance(leaf, (np.ndarray, np.generic, bool, int, float)):
        return constant(leaf)
    raise UnsupportedError(
        f"the jitted function returned a {type(leaf).__name__}; results must be "
        "arrays, Python/NumPy scalars, or tuples, lists and dicts of them"
    )
