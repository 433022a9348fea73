"""NumPy's functions for traced arrays: `import mljit.numpy as mnp`.

Every function follows NumPy itself for the result: dtypes come from the
ufunc's own loop resolution (`ufunc.resolve_dtypes`, NEP 50 weak Python
scalars), shapes from NumPy's broadcasting and axis normalization, so errors
carry NumPy's messages. Traced arguments build `ml` ops; called with no
traced argument, a function simply runs NumPy.
"""

from __future__ import annotations

import builtins
import math
import operator

import numpy as _np
from numpy.lib.array_utils import normalize_axis_index, normalize_axis_tuple

from . import dtypes as _dtypes
from .dialects import ml as _ml
from .errors import UnsupportedError
from .tracing import Tracer, build, check_same_trace, constant, splat

__all__ = [
    "abs", "absolute", "add", "amax", "amin", "argmax", "argmin", "asarray",
    "astype", "broadcast_to", "ceil", "concatenate", "cos", "divide", "equal",
    "exp", "floor", "floor_divide", "greater", "greater_equal", "less",
    "less_equal", "log", "log1p", "matmul", "max", "maximum", "mean", "min",
    "minimum", "mod", "multiply", "negative", "not_equal", "positive", "power",
    "prod", "remainder", "reshape", "rsqrt", "sign", "sin", "sqrt", "subtract",
    "sum", "tanh", "transpose", "true_divide", "where",
]


def _traced(*values) -> bool:
    return builtins.any(isinstance(v, Tracer) for v in values)


def _shape(x) -> tuple:
    return x.shape if isinstance(x, Tracer) else _np.shape(x)


def _promotion_key(x):
    """What NumPy's promotion sees: a dtype, or int/float for weak scalars."""
    if isinstance(x, Tracer):
        check_same_trace(x)
        return x.weak_type or x.dtype
    if isinstance(x, _np.generic):  # before float: np.float64 subclasses it
        return x.dtype
    if isinstance(x, bool):
        return _np.dtype(_np.bool_)
    if isinstance(x, (int, float)):
        return type(x)
    return _np.asarray(x).dtype


def _weak_type(dtype: _np.dtype) -> type:
    return {"b": bool, "i": int, "u": int, "f": float}[dtype.kind]


def asarray(x, dtype=None) -> Tracer:
    """`x` as a traced array (constants for non-traced values)."""
    if isinstance(x, Tracer):
        check_same_trace(x)
        return x if dtype is None else astype(x, dtype)
    return constant(x, dtype)


def astype(x, dtype) -> Tracer:
    """`x` converted to `dtype` (ndarray.astype)."""
    dtype = _dtypes.check(dtype)
    if not isinstance(x, Tracer):
        return _np.asarray(x).astype(dtype)
    if x.dtype == dtype:
        return x if x.weak_type is None else Tracer(x.value)
    result_type = _dtypes.tensor_type(x.shape, dtype)
    return Tracer(build(_ml.CastOp, result_type, x.value).result)


def _operand(x, dtype, shape):
    """`x` as an ir.Value of `dtype` broadcast to `shape`."""
    if isinstance(x, Tracer):
        if x.dtype != dtype:
            x = astype(x, dtype)
        if x.shape != shape:
            x = broadcast_to(x, shape)
        return x.value
    # NumPy raises OverflowError for Python ints out of the dtype's range.
    array = _np.asarray(x, dtype=dtype)
    if array.ndim == 0:
        return splat(array, shape, dtype).value
    return broadcast_to(constant(array), shape).value


def _ufunc(ufunc, build_op, *operands):
    """Applies `ufunc`'s NumPy semantics with the op `build_op(dtype, values)`."""
    if not _traced(*operands):
        return ufunc(*operands)
    keys = [_promotion_key(x) for x in operands]
    loop = ufunc.resolve_dtypes(tuple(keys) + (None,) * ufunc.nout)
    for dtype in loop:
        _dtypes.check(dtype, f"{ufunc.__name__} operand")
    in_dtypes, out_dtype = loop[: ufunc.nin], loop[ufunc.nin]
    shape = _np.broadcast_shapes(*(_shape(x) for x in operands))
    values = [_operand(x, d, shape) for x, d in zip(operands, in_dtypes)]
    all_weak = builtins.all(not isinstance(k, _np.dtype) for k in keys)
    result = Tracer(build_op(in_dtypes[0], values), _weak_type(out_dtype) if all_weak else None)
    if result.dtype != out_dtype:
        result = astype(result, out_dtype)
    return result


def _op(op_class, bool_op_class=None):
    """build_op for `op_class`, or `bool_op_class` on booleans."""

    def build_op(dtype, values):
        cls = bool_op_class if bool_op_class and dtype == _np.bool_ else op_class
        return build(cls, *values).result

    return build_op


def _identity_unless_float(op_class):
    """floor/ceil keep integers (and booleans) as they are, as NumPy does."""

    def build_op(dtype, values):
        if dtype.kind == "f":
            return build(op_class, *values).result
        return values[0]

    return build_op


def _compare(direction):
    def build_op(dtype, values):
        return build(_ml.CompareOp, direction, *values).result

    return build_op


def _binary(ufunc, build_op, name):
    def function(x1, x2):
        return _ufunc(ufunc, build_op, x1, x2)

    function.__name__ = name
    function.__doc__ = f"NumPy's `{ufunc.__name__}` on traced arrays."
    return function


def _unary(ufunc, build_op, name):
    def function(x):
        return _ufunc(ufunc, build_op, x)

    function.__name__ = name
    function.__doc__ = f"NumPy's `{ufunc.__name__}` on traced arrays."
    return function


_Dir = _ml.ComparisonDirection

add = _binary(_np.add, _op(_ml.AddOp, _ml.MaximumOp), "add")
subtract = _binary(_np.subtract, _op(_ml.SubOp), "subtract")
multiply = _binary(_np.multiply, _op(_ml.MulOp, _ml.MinimumOp), "multiply")
true_divide = divide = _binary(_np.true_divide, _op(_ml.DivOp), "true_divide")
floor_divide = _binary(_np.floor_divide, _op(_ml.FloorDivOp), "floor_divide")
remainder = mod = _binary(_np.remainder, _op(_ml.RemOp), "remainder")
power = _binary(_np.power, _op(_ml.PowOp), "power")
maximum = _binary(_np.maximum, _op(_ml.MaximumOp), "maximum")
minimum = _binary(_np.minimum, _op(_ml.MinimumOp), "minimum")
equal = _binary(_np.equal, _compare(_Dir.EQ), "equal")
not_equal = _binary(_np.not_equal, _compare(_Dir.NE), "not_equal")
less = _binary(_np.less, _compare(_Dir.LT), "less")
less_equal = _binary(_np.less_equal, _compare(_Dir.LE), "less_equal")
greater = _binary(_np.greater, _compare(_Dir.GT), "greater")
greater_equal = _binary(_np.greater_equal, _compare(_Dir.GE), "greater_equal")

negative = _unary(_np.negative, _op(_ml.NegOp), "negative")
positive = _unary(_np.positive, lambda dtype, values: values[0], "positive")
sign = _unary(_np.sign, _op(_ml.SignOp), "sign")
exp = _unary(_np.exp, _op(_ml.ExpOp), "exp")
log = _unary(_np.log, _op(_ml.LogOp), "log")
log1p = _unary(_np.log1p, _op(_ml.Log1pOp), "log1p")
tanh = _unary(_np.tanh, _op(_ml.TanhOp), "tanh")
sqrt = _unary(_np.sqrt, _op(_ml.SqrtOp), "sqrt")
sin = _unary(_np.sin, _op(_ml.SinOp), "sin")
cos = _unary(_np.cos, _op(_ml.CosOp), "cos")
floor = _unary(_np.floor, _identity_unless_float(_ml.FloorOp), "floor")
ceil = _unary(_np.ceil, _identity_unless_float(_ml.CeilOp), "ceil")


def _integer_abs(dtype, values):
    # np.absolute on integers is not the identity: only booleans are.
    if dtype == _np.bool_:
        return values[0]
    return build(_ml.AbsOp, *values).result


absolute = abs = _unary(_np.absolute, _integer_abs, "absolute")


def rsqrt(x):
    """`1 / sqrt(x)` (not a NumPy function; dtype as `np.sqrt`)."""
    if not _traced(x):
        return 1 / _np.sqrt(x)
    return _ufunc(_np.sqrt, _op(_ml.RsqrtOp), x)


def where(condition, x, y):
    """`np.where(condition, x, y)`: elementwise choice, NumPy's dtype rules."""
    if not _traced(condition, x, y):
        return _np.where(condition, x, y)
    keys = [_promotion_key(v) for v in (x, y)]
    dtype = _dtypes.check(_np.result_type(*keys), "where operand")
    shape = _np.broadcast_shapes(*(_shape(v) for v in (condition, x, y)))
    values = [
        _operand(condition, _np.dtype(_np.bool_), shape),
        _operand(x, dtype, shape),
        _operand(y, dtype, shape),
    ]
    return Tracer(build(_ml.SelectOp, *values).result)


# --- shapes ---------------------------------------------------------------


def broadcast_to(array, shape):
    """`np.broadcast_to`: NumPy's broadcasting rules, as a copy-free op."""
    shape = tuple(operator.index(d) for d in ((shape,) if _np.ndim(shape) == 0 else shape))
    if not isinstance(array, Tracer):
        return _np.broadcast_to(array, shape)
    if array.shape == shape:
        return array
    try:
        compatible = _np.broadcast_shapes(array.shape, shape) == shape
    except ValueError:
        compatible = False
    if not compatible:
        raise ValueError(
            f"operands could not be broadcast together with remapped shapes "
            f"[original->remapped]: {array.shape} and requested shape {shape}"
        )
    result_type = _dtypes.tensor_type(shape, array.dtype)
    return Tracer(build(_ml.BroadcastOp, result_type, array.value).result)


def _new_shape(size: int, shape) -> tuple:
    """`shape` with a -1 resolved, checked against `size` as NumPy does."""
    shape = tuple(operator.index(d) for d in ((shape,) if _np.ndim(shape) == 0 else shape))
    unknown = [i for i, d in enumerate(shape) if d == -1]
    if len(unknown) > 1:
        raise ValueError("can only specify one unknown dimension")
    if builtins.any(d < -1 for d in shape):
        raise ValueError("negative dimensions not allowed")
    known = math.prod(d for d in shape if d != -1)
    if unknown and known and size % known == 0:
        shape = shape[: unknown[0]] + (size // known,) + shape[unknown[0] + 1 :]
    if -1 in shape or math.prod(shape) != size:
        raise ValueError(f"cannot reshape array of size {size} into shape {shape}")
    return shape


def reshape(a, shape, order="C"):
    """`np.reshape` (row-major only)."""
    if not isinstance(a, Tracer):
        return _np.reshape(a, shape, order=order)
    if order != "C":
        raise UnsupportedError(f"reshape order={order!r}; mljit supports order='C'")
    shape = _new_shape(a.size, shape)
    if shape == a.shape:
        return a
    result_type = _dtypes.tensor_type(shape, a.dtype)
    return Tracer(build(_ml.ReshapeOp, result_type, a.value).result)


def transpose(a, axes=None):
    """`np.transpose`: reverses the axes, or permutes them by `axes`."""
    if not isinstance(a, Tracer):
        return _np.transpose(a, axes)
    if axes is None:
        axes = tuple(reversed(range(a.ndim)))
    elif len(axes) != a.ndim:
        raise ValueError("axes don't match array")
    axes = normalize_axis_tuple(axes, a.ndim)
    if axes == tuple(range(a.ndim)):
        return a
    return Tracer(build(_ml.TransposeOp, a.value, list(axes)).result)


def concatenate(arrays, axis=0):
    """`np.concatenate` of a sequence of arrays (`axis=None` flattens)."""
    arrays = list(arrays)
    if not _traced(*arrays):
        return _np.concatenate(arrays, axis=axis)
    if not arrays:
        raise ValueError("need at least one array to concatenate")
    if axis is None:
        arrays, axis = [reshape(asarray(a), -1) for a in arrays], 0
    if builtins.any(_np.ndim(a) == 0 if not isinstance(a, Tracer) else a.ndim == 0 for a in arrays):
        raise ValueError("zero-dimensional arrays cannot be concatenated")
    dtype = _dtypes.check(
        _np.result_type(*(a.dtype if isinstance(a, Tracer) else _np.asarray(a).dtype for a in arrays)),
        "concatenate operand",
    )
    tracers = [asarray(a, dtype) for a in arrays]
    axis = normalize_axis_index(axis, tracers[0].ndim)
    return Tracer(build(_ml.ConcatenateOp, [t.value for t in tracers], axis).result)


def _index(x: Tracer, key) -> Tracer:
    """Basic indexing: integers, slices (any step), None and `...`."""
    key = key if isinstance(key, tuple) else (key,)
    for k in key:
        if not (k is None or k is Ellipsis or isinstance(k, slice)
                or (isinstance(k, (int, _np.integer)) and not isinstance(k, (bool, _np.bool_)))
                or isinstance(k, Tracer)):
            raise UnsupportedError(
                f"index {k!r}: mljit supports integers, slices, None and ... "
                "(integer-array and boolean indexing are not supported yet)"
            )
    used = builtins.sum(1 for k in key if k is not None and k is not Ellipsis)
    ellipses = builtins.sum(1 for k in key if k is Ellipsis)
    if ellipses > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if used > x.ndim:
        raise IndexError(
            f"too many indices for array: array is {x.ndim}-dimensional, "
            f"but {used} were indexed"
        )
    fill = (slice(None),) * (x.ndim - used)
    if ellipses:
        at = key.index(Ellipsis)
        key = key[:at] + fill + key[at + 1 :]
    else:
        key = key + fill

    start, limit, stride, shape = [], [], [], []
    dim = 0
    for k in key:
        if k is None:
            shape.append(1)
            continue
        size = x.shape[dim]
        if isinstance(k, slice):
            lo, hi, step = k.indices(size)
            count = len(range(lo, hi, step))
            start.append(lo)
            limit.append(hi if count else lo)
            stride.append(step)
            shape.append(count)
        else:
            i = operator.index(k)
            if not -size <= i < size:
                raise IndexError(f"index {i} is out of bounds for axis {dim} with size {size}")
            i %= size
            start.append(i)
            limit.append(i + 1)
            stride.append(1)
        dim += 1
    full = (start == [0] * x.ndim and stride == [1] * x.ndim and limit == list(x.shape))
    result = x if full else Tracer(build(_ml.SliceOp, x.value, start, limit, stride).result)
    return reshape(result, tuple(shape))


# --- contractions and reductions -----------------------------------------


def matmul(x1, x2):
    """`np.matmul` (`@`): 1-D operands are promoted and squeezed as NumPy does."""
    if not _traced(x1, x2):
        return _np.matmul(x1, x2)
    a, b = asarray(x1), asarray(x2)
    for i, operand in enumerate((a, b)):
        if operand.ndim == 0:
            raise ValueError(
                f"matmul: Input operand {i} does not have enough dimensions (has 0, "
                "gufunc core with signature (n?,k),(k,m?)->(n?,m?) requires 1)"
            )
    dtype = _np.matmul.resolve_dtypes((_promotion_key(x1), _promotion_key(x2), None))[2]
    _dtypes.check(dtype, "matmul operand")
    # Booleans: any(a and b) == (count of true products) != 0.
    compute = _np.dtype(_np.int64) if dtype == _np.bool_ else dtype
    a, b = astype(a, compute), astype(b, compute)
    squeeze = []
    if a.ndim == 1:
        a, squeeze = reshape(a, (1, a.shape[0])), squeeze + [-2]
    if b.ndim == 1:
        b, squeeze = reshape(b, (b.shape[0], 1)), squeeze + [-1]
    result = Tracer(build(_ml.MatmulOp, a.value, b.value).result)
    if squeeze:
        shape = list(result.shape)
        for axis in sorted(squeeze):
            del shape[axis if axis == -1 else len(shape) - 2]
        result = reshape(result, tuple(shape))
    if dtype == _np.bool_:
        result = not_equal(result, 0)
    return result


def _axes(axis, ndim) -> list:
    if axis is None:
        return list(range(ndim))
    return sorted(normalize_axis_tuple(axis, ndim))


def _reduce(kind, a: Tracer, axis, keepdims) -> Tracer:
    axes = _axes(axis, a.ndim)
    if not axes:
        return a
    result = build(_ml.ReduceOp, kind, a.value, axes, keepdims=bool(keepdims))
    return Tracer(result.result)


def _accumulating(kind, numpy_function, a, axis, dtype, keepdims):
    """sum/prod: small integers and booleans accumulate in int64 as NumPy's."""
    if not isinstance(a, Tracer):
        return numpy_function(a, axis=axis, dtype=dtype, keepdims=keepdims)
    out = _np.dtype(dtype) if dtype is not None else numpy_function(_np.zeros(1, a.dtype)).dtype
    return _reduce(kind, astype(a, out), axis, keepdims)


def sum(a, axis=None, dtype=None, keepdims=False):
    """`np.sum`."""
    return _accumulating(_ml.ReduceKind.Sum, _np.sum, a, axis, dtype, keepdims)


def prod(a, axis=None, dtype=None, keepdims=False):
    """`np.prod`."""
    return _accumulating(_ml.ReduceKind.Prod, _np.prod, a, axis, dtype, keepdims)


def max(a, axis=None, keepdims=False):
    """`np.max` (NaN propagates; a zero-size axis is an error)."""
    if not isinstance(a, Tracer):
        return _np.max(a, axis=axis, keepdims=keepdims)
    return _reduce(_ml.ReduceKind.Max, a, axis, keepdims)


def min(a, axis=None, keepdims=False):
    """`np.min` (NaN propagates; a zero-size axis is an error)."""
    if not isinstance(a, Tracer):
        return _np.min(a, axis=axis, keepdims=keepdims)
    return _reduce(_ml.ReduceKind.Min, a, axis, keepdims)


amax, amin = max, min


def mean(a, axis=None, dtype=None, keepdims=False):
    """`np.mean`: integers average in float64, float16 accumulates in float32."""
    if not isinstance(a, Tracer):
        return _np.mean(a, axis=axis, dtype=dtype, keepdims=keepdims)
    out = _np.dtype(dtype) if dtype is not None else _np.mean(_np.zeros(1, a.dtype)).dtype
    accumulate = _np.dtype(_np.float32) if out == _np.float16 else out
    count = math.prod(a.shape[i] for i in _axes(axis, a.ndim))
    total = _reduce(_ml.ReduceKind.Sum, astype(a, accumulate), axis, keepdims)
    return astype(true_divide(total, float(count)), out)


def _arg_reduce(op_class, numpy_function, a, axis, keepdims):
    if not isinstance(a, Tracer):
        return numpy_function(a, axis=axis, keepdims=keepdims)
    if axis is None:
        flat = reshape(a, -1)
        index = Tracer(build(op_class, flat.value, 0).result)
        return reshape(index, (1,) * a.ndim) if keepdims else index
    axis = normalize_axis_index(axis, a.ndim)
    return Tracer(build(op_class, a.value, axis, keepdims=bool(keepdims)).result)


def argmax(a, axis=None, keepdims=False):
    """`np.argmax`: the first maximal element (the first NaN if any)."""
    return _arg_reduce(_ml.ArgMaxOp, _np.argmax, a, axis, keepdims)


def argmin(a, axis=None, keepdims=False):
    """`np.argmin`: the first minimal element (the first NaN if any)."""
    return _arg_reduce(_ml.ArgMinOp, _np.argmin, a, axis, keepdims)


# --- the ndarray interface of Tracer --------------------------------------


def _reshape_method(self, *shape, order="C"):
    """x.reshape(2, 3) or x.reshape((2, 3))."""
    return reshape(self, shape[0] if len(shape) == 1 else shape, order=order)


def _transpose_method(self, *axes):
    """x.transpose(), x.transpose(1, 0) or x.transpose((1, 0))."""
    if not axes or axes == (None,):
        return transpose(self)
    if len(axes) == 1 and _np.ndim(axes[0]) == 1:
        axes = tuple(axes[0])
    return transpose(self, axes)


def _install_tracer_methods():
    def binary(function):
        def method(self, other):
            if not isinstance(other, (Tracer, _np.ndarray, _np.generic, bool, int, float)):
                return NotImplemented
            return function(self, other)

        def reflected(self, other):
            if not isinstance(other, (_np.ndarray, _np.generic, bool, int, float)):
                return NotImplemented
            return function(other, self)

        return method, reflected

    for name, function in {
        "add": add, "sub": subtract, "mul": multiply, "truediv": true_divide,
        "floordiv": floor_divide, "mod": remainder, "pow": power, "matmul": matmul,
    }.items():
        method, reflected = binary(function)
        setattr(Tracer, f"__{name}__", method)
        setattr(Tracer, f"__r{name}__", reflected)
    for name, function in {
        "eq": equal, "ne": not_equal, "lt": less, "le": less_equal,
        "gt": greater, "ge": greater_equal,
    }.items():
        setattr(Tracer, f"__{name}__", binary(function)[0])
    Tracer.__hash__ = None
    Tracer.__neg__ = negative
    Tracer.__pos__ = positive
    Tracer.__abs__ = absolute
    Tracer.__getitem__ = _index
    Tracer.T = property(lambda self: transpose(self))
    Tracer.astype = astype
    Tracer.reshape = _reshape_method
    Tracer.transpose = _transpose_method
    Tracer.sum = lambda self, axis=None, dtype=None, keepdims=False: sum(self, axis, dtype, keepdims)
    Tracer.prod = lambda self, axis=None, dtype=None, keepdims=False: prod(self, axis, dtype, keepdims)
    Tracer.mean = lambda self, axis=None, dtype=None, keepdims=False: mean(self, axis, dtype, keepdims)
    Tracer.max = lambda self, axis=None, keepdims=False: max(self, axis, keepdims)
    Tracer.min = lambda self, axis=None, keepdims=False: min(self, axis, keepdims)
    Tracer.argmax = lambda self, axis=None, keepdims=False: argmax(self, axis, keepdims)
    Tracer.argmin = lambda self, axis=None, keepdims=False: argmin(self, axis, keepdims)


_install_tracer_methods()
