"""NumPy's ufuncs on traced arrays, each with NumPy's own loop resolution.

`UFUNCS` maps each NumPy ufunc to its implementation; `__array_ufunc__`
dispatches through it.
"""

from __future__ import annotations

import math

import numpy as _np

from .. import dtypes as _dtypes
from ..dialects import ml as _ml
from ..symbolic import Dim
from ..tracing import Tracer, build
from . import _core
from ._core import apply_ufunc

_Dir = _ml.ComparisonDirection
_BOOL = _np.dtype(_np.bool_)


def _op(op_class, bool_op_class=None):
    """build_op for `op_class` (or `bool_op_class` on booleans)."""

    def build_op(dtype, values):
        cls = bool_op_class if bool_op_class and dtype == _np.bool_ else op_class
        return build(cls, *values).result

    return build_op


def _float_op(op_class):
    """Ops NumPy applies to floats only and passes integers through
    (floor, ceil, trunc keep integer dtypes in NumPy 2)."""

    def build_op(dtype, values):
        return build(op_class, *values).result if _core.is_float(dtype) else values[0]

    return build_op


def _compare(direction):
    def build_op(dtype, values):
        kinds = [Tracer(v).dtype.kind for v in values]
        if kinds in (["i", "u"], ["u", "i"]):
            return _mixed_sign_compare(direction, values, kinds.index("i"))
        return build(_ml.CompareOp, direction, *values).result

    return build_op


# Each direction, with its operands swapped.
_SWAPPED = {_Dir.EQ: _Dir.EQ, _Dir.NE: _Dir.NE, _Dir.LT: _Dir.GT, _Dir.LE: _Dir.GE,
            _Dir.GT: _Dir.LT, _Dir.GE: _Dir.LE}


def _mixed_sign_compare(direction, values, signed):
    """int64 against uint64, which NumPy compares exactly (its own loop,
    not a promotion): a negative int64 is below every uint64; the others
    compare as uint64."""
    x, y = values[signed], values[1 - signed]
    if signed == 1:
        direction = _SWAPPED[direction]
    zero = _splat_for([x], Tracer(x).dtype, 0)
    negative = build(_ml.CompareOp, _Dir.LT, x, zero).result
    as_unsigned = _core.astype(Tracer(x), Tracer(y).dtype).value
    compared = build(_ml.CompareOp, direction, as_unsigned, y).result
    below = direction in (_Dir.LT, _Dir.LE, _Dir.NE)
    return build(_ml.SelectOp, negative, _splat_for([x], _BOOL, below), compared).result


def _as_bool(value, dtype):
    if dtype == _np.bool_:
        return value
    x = Tracer(value)
    return _core.astype(x, _BOOL).value


def _logical(op_class):
    """logical_and/or/xor: operands tested for non-zero, then combined."""

    def build_op(dtype, values):
        return build(op_class, *(_as_bool(v, dtype) for v in values)).result

    return build_op


def _splat_for(values, dtype, value):
    shape = Tracer(values[0]).shape
    return _core.splat_like(shape, dtype, value).value


def _logical_not(dtype, values):
    true = _splat_for(values, _BOOL, True)
    return build(_ml.XorOp, _as_bool(values[0], dtype), true).result


def _invert(dtype, values):
    # ~x: flips every bit; on booleans that is `not`.
    every_bit = True if dtype == _np.bool_ else -1 if dtype.kind == "i" else _np.iinfo(dtype).max
    ones = _splat_for(values, dtype, every_bit)
    return build(_ml.XorOp, values[0], ones).result


def _absolute(dtype, values):
    if dtype == _np.bool_:
        return values[0]
    op = _ml.ComplexAbsOp if _dtypes.is_complex(dtype) else _ml.AbsOp
    return build(op, *values).result


def _conjugate(dtype, values):
    return build(_ml.ConjOp, *values).result if _dtypes.is_complex(dtype) else values[0]


def _square(dtype, values):
    op = _ml.MinimumOp if dtype == _np.bool_ else _ml.MulOp
    return build(op, values[0], values[0]).result


def _reciprocal(dtype, values):
    x = values[0]
    if _core.is_float(dtype) or _dtypes.is_complex(dtype):
        return build(_ml.DivOp, _splat_for(values, dtype, 1), x).result
    # NumPy computes (T)(1.0 / x): 1 for 1, -1 for -1, 0 otherwise, and for 0
    # what x86 makes of (T)inf: the 32-bit "integer indefinite" 0x80000000,
    # truncated (so 0 for int8) or INT64_MIN for int64.
    def where(condition, a, b):
        return build(_ml.SelectOp, condition, a, b).result

    def equals(value):
        return build(_ml.CompareOp, _Dir.EQ, x, _splat_for(values, dtype, value)).result

    if dtype.kind == "u":  # (T)inf is 0 there: 1 for 1, 0 otherwise
        return where(equals(1), _splat_for(values, dtype, 1), _splat_for(values, dtype, 0))
    minimum = _splat_for(values, dtype, _np.iinfo(dtype).min if dtype.itemsize >= 4 else 0)
    zero, one, minus_one = (_splat_for(values, dtype, v) for v in (0, 1, -1))
    result = where(equals(0), minimum, zero)
    result = where(equals(-1), minus_one, result)
    return where(equals(1), one, result)


def _isnan(dtype, values):
    # A complex number with a NaN part differs from itself.
    if not (_core.is_float(dtype) or _dtypes.is_complex(dtype)):
        return _splat_for(values, _BOOL, False)
    return build(_ml.CompareOp, _Dir.NE, values[0], values[0]).result


def _infinity_test(direction, integer_answer):
    """isinf: |x| == inf; isfinite: |x| < inf (false for NaN)."""

    def build_op(dtype, values):
        if _dtypes.is_complex(dtype):
            # isinf: either part infinite; isfinite: both parts finite.
            parts = _core.complex_parts(Tracer(values[0]))
            answers = [build_op(part.dtype, [part.value]) for part in parts]
            combine = _ml.OrOp if integer_answer is False else _ml.AndOp
            return build(combine, *answers).result
        if not _core.is_float(dtype):
            return _splat_for(values, _BOOL, integer_answer)
        magnitude = build(_ml.AbsOp, values[0]).result
        infinity = _splat_for(values, dtype, _np.inf)
        return build(_ml.CompareOp, direction, magnitude, infinity).result

    return build_op


def _nan_ignoring(op_class):
    """fmax/fmin: like maximum/minimum, but a NaN operand loses."""

    def build_op(dtype, values):
        result = build(op_class, *values).result
        if not _core.is_float(dtype):
            return result
        a, b = values
        a_nan = build(_ml.CompareOp, _Dir.NE, a, a).result
        b_nan = build(_ml.CompareOp, _Dir.NE, b, b).result
        result = build(_ml.SelectOp, b_nan, a, result).result
        return build(_ml.SelectOp, a_nan, b, result).result

    return build_op


def _beyond_range_comparison(ufunc, args):
    """NumPy compares an integer array with a Python int beyond its dtype's
    range exactly (`int8 < 300` and `uint8 > -1` are true everywhere) instead
    of overflowing:
    the answer is a constant, None when no such int is compared."""
    for number, array in (args, reversed(args)):
        if type(number) is int and isinstance(array, Tracer) and array.dtype.kind in "iu":
            info = _np.iinfo(array.dtype)
            if not info.min <= number <= info.max:
                # Every element compares with `number` as 0 does with 1 (or 1 with 0).
                above = number > info.max
                answer = ufunc(*(int(above) if a is number else int(not above) for a in args))
                return _core.splat_like(array.shape, _BOOL, answer)
    return None


def _widened_for_weak_int(args):
    """A Python int known only at run time (a traced weak int, int64 inside)
    compared with a narrower integer: NumPy compares the int's exact value,
    so one beyond the dtype's range (`int8 < 2**63 - 1`) is not wrapped
    into it. Comparing both in int64, which holds every such int and every
    element, is exact; in range, it agrees with NumPy's narrow loop. Against
    uint64, the int compares as a strong int64, exactly."""
    if not any(isinstance(a, Tracer) and a.weak_type is int for a in args):
        return args
    keys = [_core.promotion_key(a) for a in args]
    if any(isinstance(k, _np.dtype) and k.kind in "iu" and k.itemsize < 8 for k in keys):
        return tuple(a if isinstance(k, type) else _core.asarray(a, _np.int64)
                     for a, k in zip(args, keys))
    if any(k == _np.uint64 for k in keys):
        # No integer type holds both: the int, strong, compares with uint64
        # in NumPy's exact int64-uint64 loop.
        return tuple(_core.astype(a, _np.int64) if isinstance(k, type) else a
                     for a, k in zip(args, keys))
    return args


def _log_add_exp(base_two):
    """logaddexp/logaddexp2 as NumPy's npy_logaddexp(2): the larger operand
    plus log1p(exp(-|a - b|)), which cannot overflow. Equal operands give
    a + log(2) (infinities of one sign among them, whose difference is NaN);
    NaN propagates. float16 is computed in float32 and rounded once, as
    NumPy's float16 loop does."""

    def build_op(dtype, values):
        a, b = (Tracer(v) for v in values)
        if dtype == _np.float16:
            a, b = (_core.astype(x, _np.float32) for x in (a, b))
        exp, log_two = (UFUNCS[_np.exp2], 1.0) if base_two else (UFUNCS[_np.exp], math.log(2))
        distance = UFUNCS[_np.absolute](UFUNCS[_np.subtract](a, b))
        tail = UFUNCS[_np.log1p](exp(UFUNCS[_np.negative](distance)))
        if base_two:
            tail = UFUNCS[_np.multiply](tail, 1 / math.log(2))
        result = where(UFUNCS[_np.equal](a, b), UFUNCS[_np.add](a, log_two),
                       UFUNCS[_np.add](UFUNCS[_np.maximum](a, b), tail))
        return _core.astype(result, dtype).value

    return build_op


def _ufunc(numpy_ufunc, build_op):
    def function(*args, dtype=None):
        args = tuple(map(_core.as_value, args))
        if len(args) != numpy_ufunc.nin:
            raise TypeError(f"{numpy_ufunc.__name__}() takes {numpy_ufunc.nin} positional "
                            f"arguments but {len(args)} were given")
        if numpy_ufunc in _COMPARISONS and dtype is None:
            answer = _beyond_range_comparison(numpy_ufunc, args)
            if answer is not None:
                return answer
            args = _widened_for_weak_int(args)
        return apply_ufunc(numpy_ufunc, build_op, *args, dtype=dtype)

    function.__name__ = numpy_ufunc.__name__
    function.__qualname__ = numpy_ufunc.__name__
    function.__doc__ = f"NumPy's `{numpy_ufunc.__name__}` on traced arrays."
    return function


def _sqrt_or_pow(dtype, values):
    if dtype in (_np.float32, _np.float64):
        return build(_ml.SqrtOp, values[0]).result
    return build(_ml.PowOp, *values).result


def power(x1, x2, /, dtype=None):
    """NumPy's `power` on traced arrays: pow, but NumPy's float32 and float64
    loops take a scalar exponent of 0.5 as sqrt (NaN, not inf, at -inf)."""
    half = not isinstance(x2, Tracer) and _np.ndim(x2) == 0 and x2 == 0.5
    return apply_ufunc(_np.power, _sqrt_or_pow if half else _op(_ml.PowOp), x1, x2, dtype=dtype)


_IMPLEMENTATIONS = {
    # arithmetic
    _np.add: _op(_ml.AddOp, _ml.MaximumOp),
    _np.subtract: _op(_ml.SubOp),
    _np.multiply: _op(_ml.MulOp, _ml.MinimumOp),
    _np.true_divide: _op(_ml.DivOp),
    _np.floor_divide: _op(_ml.FloorDivOp),
    _np.remainder: _op(_ml.RemOp),
    _np.maximum: _op(_ml.MaximumOp),
    _np.minimum: _op(_ml.MinimumOp),
    _np.fmax: _nan_ignoring(_ml.MaximumOp),
    _np.fmin: _nan_ignoring(_ml.MinimumOp),
    _np.arctan2: _op(_ml.Atan2Op),
    _np.negative: _op(_ml.NegOp),
    _np.positive: lambda dtype, values: values[0],
    _np.absolute: _absolute,
    _np.fabs: _op(_ml.AbsOp),
    _np.sign: _op(_ml.SignOp),
    _np.conjugate: _conjugate,
    _np.square: _square,
    _np.reciprocal: _reciprocal,
    # exponents, logarithms, roots, trigonometry
    _np.exp: _op(_ml.ExpOp),
    _np.expm1: _op(_ml.Expm1Op),
    _np.exp2: _op(_ml.Exp2Op),
    _np.log: _op(_ml.LogOp),
    _np.log1p: _op(_ml.Log1pOp),
    _np.log2: _op(_ml.Log2Op),
    _np.log10: _op(_ml.Log10Op),
    _np.sqrt: _op(_ml.SqrtOp),
    _np.cbrt: _op(_ml.CbrtOp),
    _np.sin: _op(_ml.SinOp),
    _np.cos: _op(_ml.CosOp),
    _np.tan: _op(_ml.TanOp),
    _np.arcsin: _op(_ml.AsinOp),
    _np.arccos: _op(_ml.AcosOp),
    _np.arctan: _op(_ml.AtanOp),
    _np.sinh: _op(_ml.SinhOp),
    _np.cosh: _op(_ml.CoshOp),
    _np.tanh: _op(_ml.TanhOp),
    _np.logaddexp: _log_add_exp(base_two=False),
    _np.logaddexp2: _log_add_exp(base_two=True),
    # rounding
    _np.floor: _float_op(_ml.FloorOp),
    _np.ceil: _float_op(_ml.CeilOp),
    _np.trunc: _float_op(_ml.TruncOp),
    _np.rint: _float_op(_ml.RintOp),
    # comparisons and logic
    _np.equal: _compare(_Dir.EQ),
    _np.not_equal: _compare(_Dir.NE),
    _np.less: _compare(_Dir.LT),
    _np.less_equal: _compare(_Dir.LE),
    _np.greater: _compare(_Dir.GT),
    _np.greater_equal: _compare(_Dir.GE),
    _np.logical_and: _logical(_ml.AndOp),
    _np.logical_or: _logical(_ml.OrOp),
    _np.logical_xor: _logical(_ml.XorOp),
    _np.logical_not: _logical_not,
    _np.isnan: _isnan,
    _np.isinf: _infinity_test(_Dir.EQ, False),
    _np.isfinite: _infinity_test(_Dir.LT, True),
    # bits
    _np.bitwise_and: _op(_ml.AndOp),
    _np.bitwise_or: _op(_ml.OrOp),
    _np.bitwise_xor: _op(_ml.XorOp),
    _np.invert: _invert,
    _np.left_shift: _op(_ml.ShiftLeftOp),
    _np.right_shift: _op(_ml.ShiftRightOp),
}

_COMPARISONS = {_np.equal, _np.not_equal, _np.less, _np.less_equal, _np.greater,
                _np.greater_equal}

# NumPy ufunc -> mljit function of the same name and signature.
UFUNCS = {ufunc: _ufunc(ufunc, op) for ufunc, op in _IMPLEMENTATIONS.items()}
UFUNCS[_np.power] = power  # not a table entry: its op depends on the exponent

# Each under NumPy's name (add, divide, ...), plus NumPy's aliases.
globals().update({ufunc.__name__: function for ufunc, function in UFUNCS.items()})
true_divide = UFUNCS[_np.true_divide]
mod = UFUNCS[_np.remainder]
abs = UFUNCS[_np.absolute]
bitwise_not = bitwise_invert = UFUNCS[_np.invert]


def power_operator(base, exponent):
    """`base ** exponent` as ndarray.__pow__, with its fast paths for a
    Python scalar exponent: 2 squares any array (booleans into int8), and
    on float arrays -1 is the reciprocal and 0.5 the square root (NaN, not
    pow's inf, at -inf). (NumPy scalars skip them: mljit, which holds no
    scalars, follows arrays.)"""
    if isinstance(base, Tracer) and base.weak_type is None:
        if type(exponent) is int and exponent == 2:
            return UFUNCS[_np.square](base)
        if _core.is_float(base.dtype) and type(exponent) is int and exponent == -1:
            return UFUNCS[_np.reciprocal](base)
        if _core.is_float(base.dtype) and type(exponent) is float and exponent == 0.5:
            return UFUNCS[_np.sqrt](base)
    return UFUNCS[_np.power](base, exponent)


def rsqrt(x):
    """`1 / sqrt(x)` (not a NumPy function; dtype as `np.sqrt`)."""
    if not _core.traced(x):
        return 1 / _np.sqrt(x)
    return apply_ufunc(_np.sqrt, _op(_ml.RsqrtOp), x)


def where(condition, x=None, y=None, /):
    """`np.where(condition, x, y)`: elementwise choice, NumPy's dtype rules."""
    if x is None and y is None:
        raise _core.unsupported(
            "numpy.where with one argument (its result shape depends on the data; "
            "use the three-argument form)")
    if x is None or y is None:
        raise ValueError("either both or neither of x and y should be given")
    if not _core.traced(condition, x, y):
        return _np.where(condition, x, y)
    dtype = _core.result_type(x, y)
    shape = _core.broadcast_shapes(*(_core.shape_of(v) for v in (condition, x, y)))

    def converted(v):
        # NumPy's where casts unsafely: a Python int beyond the dtype wraps.
        # A size is known at run time.
        if isinstance(v, Dim):
            return _core.as_value(v)
        return v if isinstance(v, Tracer) else _np.asarray(v).astype(dtype)

    values = [
        _core.operand(condition, _BOOL, shape),
        _core.operand(converted(x), dtype, shape),
        _core.operand(converted(y), dtype, shape),
    ]
    return Tracer(build(_ml.SelectOp, *values).result)


def clip(a, a_min=None, a_max=None, out=None, *, min=None, max=None, **kwargs):
    """`np.clip`: max(a, a_min) then min(., a_max), NumPy's promotion."""
    if out is not None or kwargs:
        raise _core.unsupported("numpy.clip with out= or ufunc keywords")
    low = _core.as_value(a_min if a_min is not None else min)
    high = _core.as_value(a_max if a_max is not None else max)
    if isinstance(a, Tracer) and a.dtype.kind in "iu":
        # As NumPy: a Python int bound beyond the dtype's range bounds nothing
        # (rather than overflowing the dtype).
        info = _np.iinfo(a.dtype)
        if type(low) is int and low <= info.min:
            low = None
        if type(high) is int and high >= info.max:
            high = None
    bounds = [bound for bound in (low, high) if bound is not None]
    if not bounds:
        return a
    # One dtype for all three, as NumPy's clip ufunc (not max then min).
    dtype = _core.result_type(a, *bounds)
    if dtype.kind in "iu" and dtype.itemsize < 8 and any(
            isinstance(bound, Tracer) and bound.weak_type is int for bound in bounds):
        # A Python int bound known only at run time may lie beyond the dtype's
        # range, where it bounds nothing, as a constant one above: clipped in
        # int64, which holds it and every element, and cast back, the result
        # is exact. (A bound beyond the range on the far side, which NumPy
        # rejects with OverflowError, wraps.)
        return _core.astype(clip(_core.asarray(a, _np.int64), low, high), dtype)
    a = _core.asarray(a, dtype)
    if low is not None:
        a = UFUNCS[_np.maximum](a, low)
    if high is not None:
        a = UFUNCS[_np.minimum](a, high)
    return a


def round(a, decimals=0, out=None):
    """`np.round`: half to even, as NumPy, via rint(a * 10**d) / 10**d."""
    if out is not None:
        raise _core.unsupported("numpy.round with out=")
    if not _core.traced(a):
        return _np.round(a, decimals)
    a = _core.asarray(a)
    if a.dtype.kind in "iu":
        if decimals >= 0:
            return a
        raise _core.unsupported("numpy.round of integers with negative decimals")
    if decimals == 0:
        return UFUNCS[_np.rint](a)  # booleans too: rint makes them float16
    if a.dtype == _BOOL:
        raise TypeError("Cannot cast ufunc 'multiply' output from dtype('float64') to "
                        "dtype('bool') with casting rule 'same_kind'")
    scale = 10.0 ** decimals
    return UFUNCS[_np.true_divide](UFUNCS[_np.rint](UFUNCS[_np.multiply](a, scale)), scale)


around = round
