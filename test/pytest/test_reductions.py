"""Reductions (sum, prod, max, min, mean, argmax, argmin) through `jit`,
against NumPy: every axis combination, keepdims, dtypes, NaN, size-0."""

import itertools

import numpy as np
import pytest

import mljit
import mljit.numpy as mnp
from checks import DTYPES, FLOAT_DTYPES, RTOL, assert_same, random_array

SHAPE = (3, 4, 5)
AXES = [None, 0, 1, 2, -1, (0, 2), (1, 0), (0, 1, 2), ()]

# Sequential vs NumPy's pairwise summation: tiny rounding differences.
SUM_RTOL = {np.dtype(np.float16): 1e-2, np.dtype(np.float32): 1e-5, np.dtype(np.float64): 1e-12}


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions_over_all_axes(dtype, keepdims, rng):
    # Small magnitudes keep int8 products and float16 sums in range.
    x = random_array(rng, SHAPE, dtype, low=-2, high=3)
    names = ["sum", "prod", "max", "min", "mean"]

    @mljit.jit
    def reductions(x):
        return [[getattr(mnp, n)(x, axis=axis, keepdims=keepdims) for n in names]
                for axis in AXES]

    got = reductions(x)
    for axis, row in zip(AXES, got):
        for name, value in zip(names, row):
            with np.errstate(all="ignore"):
                expected = np.asarray(getattr(np, name)(x, axis=axis, keepdims=keepdims))
            assert_same(value, expected, rtol=SUM_RTOL.get(expected.dtype),
                        atol=1e-2 if expected.dtype == np.float16 else 0,
                        what=f"{name}(axis={axis})")


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("axis", [None, 0, 1, -1])
@pytest.mark.parametrize("keepdims", [False, True])
def test_argmax_argmin(dtype, axis, keepdims, rng):
    # Few distinct values: ties must pick the first, as NumPy.
    x = random_array(rng, (4, 6), dtype, low=-2, high=2)
    got = mljit.jit(lambda x: (mnp.argmax(x, axis=axis, keepdims=keepdims),
                               x.argmin(axis=axis, keepdims=keepdims)))(x)
    assert_same(got[0], np.asarray(np.argmax(x, axis=axis, keepdims=keepdims)))
    assert_same(got[1], np.asarray(np.argmin(x, axis=axis, keepdims=keepdims)))


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=str)
def test_nan_propagates_and_wins_arg_reductions(dtype):
    x = np.array([[1.0, np.nan, 3.0, np.nan], [-np.inf, -np.inf, 2.0, 2.0],
                  [np.inf, 0.0, -0.0, np.inf]], dtype)

    @mljit.jit
    def nan_aware(x):
        return (x.max(axis=1), x.min(axis=1), mnp.argmax(x, axis=1), mnp.argmin(x, axis=1),
                x.sum(axis=1), x.max(axis=0))

    expected = (x.max(axis=1), x.min(axis=1), np.argmax(x, axis=1), np.argmin(x, axis=1),
                x.sum(axis=1), x.max(axis=0))
    with np.errstate(all="ignore"):
        for i, (g, e) in enumerate(zip(nan_aware(x), expected)):
            assert_same(g, e, what=f"result {i}")


@pytest.mark.filterwarnings("ignore:Mean of empty slice")
def test_empty_reductions(rng):
    x = random_array(rng, (0, 3), np.float32)
    i = random_array(rng, (4, 0), np.int32)
    got = mljit.jit(lambda x, i: (x.sum(axis=0), x.prod(), i.sum(axis=1), mnp.mean(x, axis=0), x.max(axis=1)))(x, i)
    with np.errstate(all="ignore"):
        expected = (x.sum(axis=0), np.asarray(x.prod()), i.sum(axis=1), np.mean(x, axis=0), x.max(axis=1))
    for g, e in zip(got, expected):
        assert_same(g, e)


@pytest.mark.parametrize("call", [
    lambda x: x.max(axis=0), lambda x: mnp.min(x), lambda x: mnp.argmax(x, axis=0)])
def test_reductions_without_identity_reject_empty_axes(call):
    with pytest.raises(mljit.TraceError, match="size zero"):
        mljit.jit(call)(np.zeros((0, 2), np.float32))


def test_bad_axes_raise_like_numpy():
    x = np.zeros((2, 3))
    with pytest.raises(np.exceptions.AxisError):
        mljit.jit(lambda x: x.sum(axis=2))(x)
    with pytest.raises(ValueError, match="repeated axis"):
        mljit.jit(lambda x: x.sum(axis=(0, -2)))(x)


def test_sum_dtype_argument_and_integer_accumulation(rng):
    x = random_array(rng, (50, 40), np.int8, low=100, high=127)
    b = rng.random((7, 9)) < 0.5
    got = mljit.jit(lambda x, b: (x.sum(), x.sum(axis=0, dtype=np.int8), b.sum(axis=1),
                                  mnp.prod(b, axis=0), mnp.mean(x)))(x, b)
    expected = (x.sum(), x.sum(axis=0, dtype=np.int8), b.sum(axis=1), np.prod(b, axis=0), np.mean(x))
    for g, e in zip(got, expected):
        assert_same(g, np.asarray(e), rtol=1e-12)


def test_many_axis_combinations_of_a_4d_array(rng):
    x = random_array(rng, (2, 3, 4, 5), np.float64)
    combos = [c for r in range(5) for c in itertools.combinations(range(4), r)]
    got = mljit.jit(lambda x: [x.sum(axis=c, keepdims=True) for c in combos] + [x.max(axis=c) for c in combos if c])(x)
    expected = [x.sum(axis=c, keepdims=True) for c in combos] + [x.max(axis=c) for c in combos if c]
    for c, g, e in zip(combos * 2, got, expected):
        assert_same(g, e, rtol=1e-12, what=str(c))


@pytest.mark.filterwarnings("ignore:invalid value")
def test_boolean_dtype_sums_are_or_and_products_are_and():
    # Found by the fuzzer: ml.reduce has no sum or product of booleans.
    x = np.array([[0.0, 1.5, 0.0], [0.0, 0.0, 0.0]])

    def reduce(x):
        return (np.sum(x, axis=1, dtype=bool), np.prod(x, axis=0, dtype=bool),
                np.cumsum(x, axis=1, dtype=bool), np.add.accumulate(x, 1, dtype=bool),
                np.sum(x[:0], axis=0, dtype=bool), np.prod(x[:0], axis=0, dtype=bool),
                np.mean(x, axis=1, dtype=bool))

    for got, expected in zip(mljit.jit(reduce)(x), reduce(x)):
        assert_same(got, expected)


def test_var_and_mean_round_where_numpy_does(rng):
    # Found by the fuzzer: NumPy rounds the mean to `dtype` before taking the
    # deviations (so the float16 variance of one float32 is not 0), and
    # float16 deviations to float16; computing all in float32 differed.
    one = np.array(0.1, np.float32)
    h = rng.uniform(1000, 1001, (4, 9)).astype(np.float16)

    def moments(one, h):
        return (np.var(one, dtype=np.float16), np.std(one, dtype=np.float16),
                np.var(h, axis=1), np.std(h, ddof=1), np.mean(h, axis=0),
                np.mean(h, dtype=np.float16), np.var(h.astype(np.float32), dtype=np.float16))

    for got, expected in zip(mljit.jit(moments)(one, h), moments(one, h)):
        assert_same(got, expected, rtol=RTOL[expected.dtype])


def test_infinity_norm_over_an_empty_axis_is_zero():
    # Found by the fuzzer: NumPy's is max(|x|, initial=0), not an error.
    x = np.zeros((0, 3), np.float32)

    def norms(x):
        return (np.linalg.norm(x, np.inf, axis=0), np.linalg.norm(x[:, 0], np.inf, axis=-1),
                np.linalg.norm(x, np.inf, axis=0, keepdims=True))

    for got, expected in zip(mljit.jit(norms)(x), norms(x)):
        assert_same(got, expected)
