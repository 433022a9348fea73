"""Every elementwise op through `jit`, against NumPy, over all dtypes and
broadcasting shapes (0-d and size-0 included)."""

import numpy as np
import pytest

import mljit
import mljit.numpy as mnp
from checks import DTYPES, FLOAT_DTYPES, INT_DTYPES, RTOL, assert_same, random_array

BINARY = [
    "add", "subtract", "multiply", "true_divide", "floor_divide", "remainder",
    "power", "maximum", "minimum", "equal", "not_equal", "less", "less_equal",
    "greater", "greater_equal",
]
UNARY = [
    "negative", "positive", "absolute", "sign", "exp", "log", "log1p", "tanh",
    "sqrt", "sin", "cos", "floor", "ceil",
]
SHAPE_PAIRS = [
    ((), ()), ((5,), ()), ((), (4,)), ((2, 3), (3,)), ((2, 1), (1, 4)),
    ((0, 3), (3,)), ((1, 0), (5, 1)), ((2, 3, 4), (2, 1, 4)),
]
SHAPES = [(), (7,), (3, 4), (0, 5), (2, 1, 3)]


def numpy_accepts(name, *args):
    try:
        with np.errstate(all="ignore"):
            getattr(np, name)(*args)
        return True
    except TypeError:
        return False


def check_all(results, expected, dtype):
    assert results.keys() == expected.keys()
    for name, value in expected.items():
        assert_same(results[name], value, rtol=RTOL.get(np.asarray(value).dtype),
                    what=f"{name}[{np.dtype(dtype)}]")


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("shapes", SHAPE_PAIRS, ids=str)
def test_binary_ops(dtype, shapes, rng):
    a = random_array(rng, shapes[0], dtype)
    b = random_array(rng, shapes[1], dtype)
    # Integers to negative powers are an error in NumPy: test them apart.
    exponent = np.abs(b) % 5 if np.dtype(dtype).kind in "bi" else b
    names = [n for n in BINARY if numpy_accepts(n, a, exponent if n == "power" else b)]
    args = {n: (a, exponent if n == "power" else b) for n in names}
    with np.errstate(all="ignore"):
        expected = {n: getattr(np, n)(*args[n]) for n in names}

    @mljit.jit
    def all_binary(a, b, exponent):
        return {n: getattr(mnp, n)(a, exponent if n == "power" else b) for n in names}

    check_all(all_binary(a, b, exponent), expected, dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_unary_ops(dtype, shape, rng):
    x = random_array(rng, shape, dtype)
    names = [n for n in UNARY if numpy_accepts(n, x)]
    with np.errstate(all="ignore"):
        expected = {n: getattr(np, n)(x) for n in names}

    @mljit.jit
    def all_unary(x):
        return {n: getattr(mnp, n)(x) for n in names}

    check_all(all_unary(x), expected, dtype)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=str)
def test_rsqrt_is_one_over_sqrt(dtype, rng):
    x = random_array(rng, (4, 5), dtype, low=0.1, high=100)
    assert_same(mljit.jit(mnp.rsqrt)(x), 1 / np.sqrt(x), rtol=RTOL[np.dtype(dtype)])


def test_operators_and_reflected_operands(rng):
    x = random_array(rng, (3, 4), np.float32)
    y = random_array(rng, (4,), np.float32, nonzero=True)
    n = random_array(rng, (3, 4), np.float64)

    @mljit.jit
    def operators(x, y):
        return (x + y, x - y, x * y, x / y, x // y, x % y, abs(x) ** 0.5, -x, +x,
                x == y, x != y, x < y, x <= y, x > y, x >= y,
                2 + x, 2 - x, 2 * x, 2 / y, 2 // y, 2 % y, 2 ** x,
                n + x, n * y)

    expected = (x + y, x - y, x * y, x / y, x // y, x % y, abs(x) ** 0.5, -x, +x,
                x == y, x != y, x < y, x <= y, x > y, x >= y,
                2 + x, 2 - x, 2 * x, 2 / y, 2 // y, 2 % y, 2 ** x,
                n + x, n * y)
    for i, (got, want) in enumerate(zip(operators(x, y), expected)):
        assert_same(got, want, rtol=RTOL.get(want.dtype), what=f"result {i}")


@pytest.mark.parametrize("dtype", INT_DTYPES, ids=str)
def test_integer_division_by_zero_and_overflow_do_not_trap(dtype):
    low = np.iinfo(dtype).min
    a = np.array([7, -7, low, low, 0, 5, -5, 3], dtype)
    b = np.array([0, 0, -1, 0, 0, -3, 3, 2], dtype)
    with np.errstate(all="ignore"):
        expected = (a // b, a % b)
    got = mljit.jit(lambda a, b: (a // b, a % b))(a, b)
    assert_same(got[0], expected[0], what="floor_divide")
    assert_same(got[1], expected[1], what="remainder")


@pytest.mark.parametrize("dtype", INT_DTYPES, ids=str)
def test_integer_overflow_wraps(dtype):
    info = np.iinfo(dtype)
    a = np.array([info.max, info.min, info.max], dtype)
    b = np.array([1, -1, 2], dtype)
    with np.errstate(all="ignore"):
        expected = (a + b, a - b, a * b, -a, np.abs(a))
    got = mljit.jit(lambda a, b: (a + b, a - b, a * b, -a, abs(a)))(a, b)
    for g, e in zip(got, expected):
        assert_same(g, e)


def test_integer_negative_power_is_defined():
    # NumPy raises; compiled code cannot, so the result is the truncated
    # real power: 1 for base 1, +-1 for base -1, 0 otherwise (never a trap).
    base = np.array([1, -1, -1, 2, 0, -3], np.int32)
    exponent = np.array([-3, -3, -2, -1, -1, -2], np.int32)
    got = mljit.jit(lambda b, e: b ** e)(base, exponent)
    assert_same(got, np.array([1, -1, 1, 0, 0, 0], np.int32))


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=str)
def test_float_special_values(dtype):
    a = np.array([1.0, -1.0, 0.0, np.nan, np.inf, -np.inf, -0.0, 2.5], dtype)
    b = np.array([0.0, 0.0, 0.0, 1.0, 2.0, np.nan, 0.0, -np.inf], dtype)

    @mljit.jit
    def special(a, b):
        return (a / b, a // b, a % b, mnp.maximum(a, b), mnp.minimum(b, a),
                mnp.sign(a), a == b, a != b, a < b, mnp.sqrt(a), mnp.log(a))

    with np.errstate(all="ignore"):
        expected = (a / b, a // b, a % b, np.maximum(a, b), np.minimum(b, a),
                    np.sign(a), a == b, a != b, a < b, np.sqrt(a), np.log(a))
    for i, (g, e) in enumerate(zip(special(a, b), expected)):
        assert_same(g, e, rtol=RTOL[np.dtype(dtype)], what=f"result {i}")


def test_exp_and_logs_of_the_subnormal_range():
    """Results and arguments below 2^-126 are NumPy's, not 0 (exp) and
    log(2^-126) (log, log2): the f32 approximations assume normal numbers,
    so ml-lower-math moves both into the normal range."""
    tiny = np.float32(2.0 ** -149)
    results = np.linspace(-103.9, -87.2, 257, dtype=np.float32)
    arguments = np.concatenate([np.geomspace(tiny, 2.0 ** -120, 255, dtype=np.float32),
                                [tiny, np.float32(0.0)]])
    got = mljit.jit(lambda r, a: (np.exp(r), np.log(a), np.log2(a)))(results, arguments)
    with np.errstate(divide="ignore"):
        expected = (np.exp(results), np.log(arguments), np.log2(arguments))
    # exp: a subnormal has a few bits, so one unit of the last place of the
    # smallest ones is all rounding may move it.
    assert_same(got[0], expected[0], rtol=RTOL[np.dtype(np.float32)], atol=2 * float(tiny))
    assert_same(got[1], expected[1], rtol=RTOL[np.dtype(np.float32)])
    assert_same(got[2], expected[2], rtol=RTOL[np.dtype(np.float32)])


def test_exp_of_a_nan_llvm_can_see():
    """Found by the fuzzer: x % nan is folded to NaN by LLVM, and exp's
    approximation turned into poison on it (any value came back)."""
    def f(a, b):
        v = np.exp(b % np.nan)
        return v, np.zeros_like(v) > v
    b = np.float16(3.794921875)
    got, expected = mljit.jit(f)(np.zeros(3, np.float16), b), f(np.zeros(3, np.float16), b)
    assert_same(got[0], expected[0])
    assert_same(got[1], expected[1])


def test_float_floor_divide_matches_python_exactly():
    a = np.array([1.0, -1.0, 7.5, -7.5, 1e300, 0.3], np.float64)
    b = np.array([0.1, 0.1, 2.0, 2.0, 1e-300, 0.1], np.float64)
    got = mljit.jit(lambda a, b: (a // b, a % b))(a, b)
    with np.errstate(all="ignore"):
        assert_same(got[0], a // b)
        assert_same(got[1], a % b)


@pytest.mark.parametrize("source", DTYPES, ids=str)
def test_astype_between_all_dtypes(source, rng):
    x = random_array(rng, (3, 5), source, low=-100, high=100)
    targets = DTYPES

    @mljit.jit
    def casts(x):
        return [mnp.astype(x, t) for t in targets]

    for target, got in zip(targets, casts(x)):
        assert_same(got, x.astype(target), what=f"{np.dtype(source)} -> {np.dtype(target)}")


def test_astype_special_floats():
    x = np.array([np.nan, -0.0, 0.5, -0.5, 1e30], np.float32)
    got = mljit.jit(lambda x: (x.astype(np.bool_), x.astype(np.float16), x.astype(np.float64)))(x)
    assert_same(got[0], x.astype(np.bool_))
    with np.errstate(all="ignore"):
        assert_same(got[1], x.astype(np.float16))
    assert_same(got[2], x.astype(np.float64))


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_where(dtype, rng):
    condition = rng.random((3, 1)) < 0.5
    x = random_array(rng, (3, 4), dtype)
    y = random_array(rng, (4,), dtype)
    got = mljit.jit(mnp.where)(condition, x, y)
    assert_same(got, np.where(condition, x, y))


def test_where_weak_scalar_keeps_dtype(rng):
    x = random_array(rng, (5,), np.float16)
    got = mljit.jit(lambda x: mnp.where(x > 0, x, 0.01 * x))(x)
    assert_same(got, np.where(x > 0, x, 0.01 * x), rtol=RTOL[np.dtype(np.float16)])


def test_comparisons_with_python_ints_beyond_the_dtype_are_exact():
    # Found by the fuzzer: `int8 <= 300` raised OverflowError; NumPy compares
    # exactly (true everywhere).
    x = np.array([-128, 0, 127], np.int8)

    def compare(x):
        return (x < 300, 300 <= x, np.equal(x, -1000), x != 2**70, np.greater(-300, x),
                x >= -129)

    for got, expected in zip(mljit.jit(compare)(x), compare(x)):
        assert_same(got, expected)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_comparisons_with_python_int_arguments_beyond_the_dtype_are_exact(dtype):
    # Found by the fuzzer: a Python int argument, known only at run time, was
    # cast to int8 (2**63 - 1 wrapping to -1), so `a < np.int8(3)` was true;
    # NumPy compares its exact value. In range, NumPy's narrow loop agrees.
    x = np.array([-128, -1, 0, 3, 127]).astype(dtype)  # unsigned: wrapped

    def compare(n, x):
        return (n < x, x < n, np.less_equal(n, x[0]), np.greater(x[3], n),
                np.greater_equal(n, x), np.equal(x, n), np.not_equal(n, x[1]),
                n < np.int8(3), n == x.dtype.type(127))

    f = mljit.jit(compare)
    for n in (2**63 - 1, -2**63, 2**31, -2**31 - 1, 300, 128, -129, 127, -128, 3, 0, -1):
        with np.errstate(over="ignore"):
            expected = compare(n, x)
        for i, (got, want) in enumerate(zip(f(n, x), expected)):
            assert_same(got, want, what=f"comparison {i} of {n} with {np.dtype(dtype)}")


def test_where_wraps_python_ints_beyond_the_dtype():
    # Found by the fuzzer: NumPy's where casts unsafely (300 is 44 in int8).
    condition, x = np.array([True, False]), np.array([1, 2], np.int8)
    f = lambda condition, x: np.where(condition, 300, x)  # noqa: E731
    assert_same(mljit.jit(f)(condition, x), f(condition, x))


def test_clip_dtype_and_python_int_bounds():
    # Found by the fuzzer: the dtype comes from all three operands at once (as
    # NumPy's clip ufunc), and Python int bounds beyond an integer dtype's
    # range bound nothing instead of overflowing.
    flags, small = np.array([True, False]), np.array([-100, 5, 100], np.int8)

    def clip(flags, small):
        return (np.clip(flags, 1e30, np.float16(2)), np.clip(small, -300, 300),
                np.clip(small, 0, 300), small.clip(np.int64(-300), 50))

    with np.errstate(over="ignore"):
        for got, expected in zip(mljit.jit(clip)(flags, small), clip(flags, small)):
            assert_same(got, expected)


@pytest.mark.parametrize("dtype", INT_DTYPES, ids=str)
def test_clip_by_python_int_arguments_beyond_the_dtype(dtype):
    # As constant bounds above, but known only at run time: one beyond the
    # dtype's range bounds nothing, rather than wrapping into it (int8 clipped
    # to [-300, 300] was clipped to [-44, 44]).
    x = np.array([-128, -100, 0, 5, 100, 127], dtype)
    clips = (lambda x, low, high: np.clip(x, low, high),
             lambda x, low, high: x.clip(low, None), lambda x, low, high: x.clip(max=high))
    bounds = [(-300, 300), (0, 300), (-2**63, 50), (-2**63, 2**63 - 1), (-2**31 - 1, 2**31),
              (-129, 128), (-128, 127), (-3, 3), (5, -5)]
    for i, f in enumerate(clips):
        jitted = mljit.jit(f)
        for low, high in bounds:
            try:
                expected = f(x, low, high)
            except OverflowError:  # a bound beyond the far side: not at run time
                continue
            assert_same(jitted(x, low, high), expected, what=f"clip {i} to [{low}, {high}]")


def test_round_of_booleans_is_float16():
    # Found by the fuzzer: NumPy rounds booleans with rint (float16), and
    # refuses decimals for them.
    flags = np.array([True, False])
    assert_same(mljit.jit(lambda flags: np.round(flags))(flags), np.round(flags))
    with pytest.raises(TypeError):
        np.round(flags, 1)
    with pytest.raises(TypeError):
        mljit.jit(lambda flags: np.round(flags, 1))(flags)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=str)
def test_power_of_one_half_is_sqrt_where_numpy_makes_it(dtype):
    # Found by the fuzzer: NumPy's x ** 0.5 (every float dtype) and its
    # float32 and float64 loops given a scalar 0.5 take the square root,
    # NaN at -inf where pow (an array of exponents) gives inf.
    x = np.array([-np.inf, -4.0, -0.0, 2.0, np.inf], dtype)

    def f(x):
        return x ** 0.5, np.power(x, 0.5), np.power(x, np.full(5, 0.5, dtype)), x ** 1.5

    with np.errstate(invalid="ignore"):
        for got, expected in zip(mljit.jit(f)(x), f(x)):
            assert_same(got, expected, rtol=RTOL[np.dtype(dtype)])


def test_power_operator_fast_paths():
    # Found by the fuzzer: ndarray.__pow__ squares for a Python int 2 (so
    # booleans become int8, not np.power's int64) and takes reciprocals for -1.
    flags, x = np.array([True, False]), np.array([0.5, -4.0, 0.0], np.float32)

    def f(flags, x):
        return flags ** 2, x ** 2, x ** -1, np.power(flags, 2)

    with np.errstate(divide="ignore"):
        for got, expected in zip(mljit.jit(f)(flags, x), f(flags, x)):
            assert_same(got, expected)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=str)
def test_arctan2_of_constant_zeros(dtype):
    # Found by the fuzzer: math.atan2's constant folder makes atan2(±0, ±0)
    # NaN; NumPy's (C's) answer is ±0 or ±π.
    def f(x):
        zero = np.zeros_like(x, dtype=dtype)
        return tuple(np.arctan2(y, x) for y in (zero, -zero) for x in (zero, -zero))

    x = np.ones(3, dtype)
    for got, expected in zip(mljit.jit(f)(x), f(x)):
        assert_same(got, expected)
        assert (np.signbit(got) == np.signbit(expected)).all()


def test_exp2_of_a_few_int8():
    # Found by the fuzzer: without AVX-512VL (tried against another LLVM bug,
    # see compiler.WORKAROUNDS) LLVM 22 miscompiles it into NaN and 1.0.
    x = np.array([-2, -2, 6, -10], np.int8).reshape(1, 2, 2)
    assert_same(mljit.jit(np.exp2)(x), np.exp2(x))
