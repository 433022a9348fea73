"""What every function of mljit.numpy shares: NumPy's promotion rules,
turning operands into `ml` values, and applying a ufunc's semantics.

Result dtypes always come from NumPy itself (`ufunc.resolve_dtypes`,
`np.result_type`), with Python scalars weak as NEP 50 says.
"""

from __future__ import annotations

import builtins

import numpy as _np
from mlir import ir as _ir
from mlir.dialects import arith as _arith, tensor as _tensor

from .. import dtypes as _dtypes
from ..dialects import ml as _ml
from ..errors import UnsupportedError
from ..symbolic import Dim, same_shape
from ..tracing import (Tracer, broadcast_shapes, build, check_same_trace, constant, current_trace,
                       splat, user_position)


def traced(*values) -> bool:
    return builtins.any(isinstance(v, Tracer) for v in values)


def shape_of(x) -> tuple:
    return x.shape if isinstance(x, Tracer) else _np.shape(x)


def ndim_of(x) -> int:
    return x.ndim if isinstance(x, Tracer) else _np.ndim(x)


def promotion_key(x):
    """What NumPy's promotion sees: a dtype, or int/float for weak scalars."""
    if isinstance(x, Tracer):
        check_same_trace(x)
        return x.weak_type or x.dtype
    if isinstance(x, _np.generic):  # before float: np.float64 subclasses it
        return x.dtype
    if isinstance(x, bool):
        return _np.dtype(_np.bool_)
    if isinstance(x, (int, float, complex)):
        return type(x)
    if isinstance(x, Dim):  # a symbolic size: a Python int, known at run time
        return int
    return _np.asarray(x).dtype


def result_type(*values) -> _np.dtype:
    """np.result_type over values (tracers by dtype, Python scalars weak)."""
    keys = [promotion_key(v) for v in values]
    # np.result_type takes Python scalars themselves as weak, not their types.
    samples = [{int: 0, float: 0.0, complex: 0j}.get(k, k) if isinstance(k, type) else k
               for k in keys]
    return _np.result_type(*samples)


is_float = _dtypes.is_float


def weak_type(dtype: _np.dtype) -> type:
    return float if is_float(dtype) else {"b": bool, "i": int, "u": int, "c": complex}[dtype.kind]


def at_line(message: str) -> str:
    """`message` prefixed by the user's file:line."""
    filename, line, _ = user_position()
    return f"{filename}:{line}: {message}"


def unsupported(what: str) -> UnsupportedError:
    filename, line, _ = user_position()
    return UnsupportedError(f"{filename}:{line}: {what} is not supported by mljit")


def asarray(x, dtype=None) -> Tracer:
    """`x` as a traced array (constants for non-traced values)."""
    if isinstance(x, Tracer):
        check_same_trace(x)
        return x if dtype is None else astype(x, dtype)
    return constant(x, dtype)


def astype(x, dtype, order="K", casting="unsafe", subok=True, copy=True) -> Tracer:
    """`x` converted to `dtype` (ndarray.astype)."""
    dtype = _dtypes.check(dtype)
    if not isinstance(x, Tracer):
        return _np.asarray(x).astype(dtype)
    if casting != "unsafe" and not _np.can_cast(x.dtype, dtype, casting):
        raise TypeError(f"Cannot cast array data from {x.dtype} to {dtype} "
                        f"according to the rule '{casting}'")
    if x.dtype == dtype:
        # NumPy's astype copies (unless copy=False); a weak scalar becomes strong.
        return x if copy is False and x.weak_type is None else Tracer(x.value)
    result_type_ = _dtypes.tensor_type(x.shape, dtype)
    return Tracer(build(_ml.CastOp, result_type_, x.value).result)


def complex_parts(z: Tracer) -> tuple:
    """The real and imaginary parts of a traced complex array."""
    return tuple(Tracer(build(op, z.value).result) for op in (_ml.RealOp, _ml.ImagOp))


def broadcast_value(x: Tracer, shape: tuple) -> Tracer:
    """`x` broadcast to `shape` (assumed compatible)."""
    if same_shape(x.shape, shape):
        return x
    # A symbolic size that is 1 here (`n - 4`, guarded so by the broadcast)
    # stretches: made a static 1 first, as ml.broadcast stretches only those.
    lead = len(shape) - x.ndim
    ones = tuple(1 if isinstance(d, Dim) and d.hint == 1 and not same_shape((d,), (shape[lead + i],))
                 else d for i, d in enumerate(x.shape))
    if not same_shape(ones, x.shape):
        x = Tracer(build(_ml.ReshapeOp, _dtypes.tensor_type(ones, x.dtype), x.value,
                         current_trace().dynamic_sizes(ones)).result)
    result_type_ = _dtypes.tensor_type(shape, x.dtype)
    return Tracer(build(_ml.BroadcastOp, result_type_, x.value,
                        current_trace().dynamic_sizes(shape)).result)


def size_array(size: Dim) -> Tracer:
    """A symbolic size as a traced 0-d int64 (intp) array."""
    index = current_trace().size_value(size)
    i64 = _ir.IntegerType.get_signless(64)
    element = _arith.IndexCastOp(i64, index).result
    return Tracer(_tensor.FromElementsOp(_ir.RankedTensorType.get([], i64), [element]).result)


def as_value(x):
    """`x`, a symbolic size (or int argument) as the traced Python int it
    is where a function takes it as a value (weakly typed, immutable)."""
    return Tracer(size_array(x).value, int, scalar=True) if isinstance(x, Dim) else x


def operand(x, dtype, shape):
    """`x` as an ir.Value of `dtype` broadcast to `shape`."""
    x = as_value(x)
    if isinstance(x, Tracer):
        if x.dtype != dtype:
            x = astype(x, dtype)
        return broadcast_value(x, shape).value
    # NumPy raises OverflowError for Python ints out of the dtype's range.
    array = _np.asarray(x, dtype=dtype)
    if array.ndim == 0:
        return splat(array, shape, dtype).value
    return broadcast_value(constant(array), shape).value


# The ufuncs mljit computes on complex numbers (NumPy's results); `np.fft`
# and the others are refused with a clear error.
COMPLEX_UFUNCS = frozenset((
    _np.add, _np.subtract, _np.multiply, _np.true_divide, _np.power, _np.negative,
    _np.positive, _np.absolute, _np.square, _np.reciprocal, _np.conjugate, _np.exp, _np.log,
    _np.sqrt, _np.sin, _np.cos, _np.tanh, _np.equal, _np.not_equal, _np.less, _np.less_equal,
    _np.greater, _np.greater_equal, _np.maximum, _np.minimum, _np.isnan, _np.isinf,
    _np.isfinite, _np.logical_and, _np.logical_or, _np.logical_xor, _np.logical_not,
))


def apply_ufunc(ufunc, build_op, *operands, dtype=None):
    """Applies `ufunc` with NumPy's dtype and broadcasting rules; the op is
    `build_op(loop_dtype, values) -> ir.Value` on operands already cast to
    the loop's input dtype and broadcast to the result shape."""
    if not traced(*operands):
        return ufunc(*operands) if dtype is None else ufunc(*operands, dtype=dtype)
    keys = [promotion_key(x) for x in operands]
    all_weak = builtins.all(not isinstance(k, _np.dtype) for k in keys)
    if dtype is not None:
        keys = [_np.dtype(dtype)] * len(keys)
    elif all_weak:
        # Only Python scalars: NumPy computes in their default dtypes (two
        # weak ints alone would resolve comparisons to object).
        keys = [_np.dtype(k) for k in keys]
    else:
        # A Python bool promotes as NumPy's bool beside arrays.
        keys = [_np.dtype(_np.bool_) if k is bool else k for k in keys]
    loop = ufunc.resolve_dtypes(tuple(keys) + (None,) * ufunc.nout)
    for loop_dtype in loop:
        _dtypes.check(loop_dtype, f"numpy.{ufunc.__name__} operand")
    if ufunc not in COMPLEX_UFUNCS and builtins.any(_dtypes.is_complex(d) for d in loop):
        raise unsupported(f"numpy.{ufunc.__name__} of complex numbers")
    in_dtypes, out_dtype = loop[: ufunc.nin], loop[ufunc.nin]
    shape = broadcast_shapes(*(shape_of(x) for x in operands))
    values = [operand(x, d, shape) for x, d in zip(operands, in_dtypes)]
    result = Tracer(build_op(in_dtypes[0], values), weak_type(out_dtype) if all_weak else None)
    if result.dtype != out_dtype:
        result = astype(result, out_dtype)
    return result


def splat_like(shape, dtype, value) -> Tracer:
    return splat(_np.asarray(value, dtype=dtype), tuple(shape), dtype)


def known_values(values):
    """`values` (a sequence or dict; lists and tuples in it too) with every
    Tracer replaced by its values known while tracing; None if one is not
    known."""
    def replaced(value):
        if isinstance(value, Tracer):
            array = value.concrete()
            if array is None:
                raise LookupError
            return array[()] if value.scalar else array
        if isinstance(value, (list, tuple)):
            return type(value)(replaced(v) for v in value)
        # A size or int argument is known only at run time (as a slice bound too).
        if isinstance(value, Dim) or (isinstance(value, slice) and any(
                isinstance(v, Dim) for v in (value.start, value.stop, value.step))):
            raise LookupError
        return value

    try:
        if isinstance(values, dict):
            return {key: replaced(value) for key, value in values.items()}
        return [replaced(value) for value in values]
    except LookupError:
        return None


def as_known(result):
    """What NumPy computed from known values, as traced arrays that know them
    (unchanged where mljit has no such dtype)."""
    if isinstance(result, (list, tuple)):
        return type(result)(as_known(r) for r in result)
    if isinstance(result, (_np.ndarray, _np.generic)):
        if result.dtype.newbyteorder("=") not in _dtypes.supported():
            return result
        return Tracer(None, scalar=isinstance(result, _np.generic), known=_np.asarray(result))
    return result

