"""float8_e4m3fn and float8_e5m2 (from `ml_dtypes`, optional: these tests
skip without it) against NumPy with ml_dtypes: conversions bit for bit
(round to nearest even, subnormals, NaN, E5M2's infinities and E4M3FN's
NaN beyond 448), elementwise ops computed in float32 and rounded once per
op, promotion as ml_dtypes defines it, reductions and products
accumulated in float32, and a quantized matmul."""

import numpy as np
import pytest

import mljit

ml_dtypes = pytest.importorskip("ml_dtypes", reason="float8 types come from ml_dtypes")
FLOAT8 = [np.dtype(ml_dtypes.float8_e4m3fn), np.dtype(ml_dtypes.float8_e5m2)]


def bits(x):
    return np.asarray(x).view(np.uint8)


def assert_same_float8(got, expected):
    got, expected = np.asarray(got), np.asarray(expected)
    assert got.dtype == expected.dtype, (got.dtype, expected.dtype)
    assert got.shape == expected.shape
    # NaNs may differ in payload and sign; every other value bit for bit.
    nan = np.isnan(expected.astype(np.float32))
    np.testing.assert_array_equal(np.isnan(got.astype(np.float32)), nan)
    np.testing.assert_array_equal(bits(got)[~nan], bits(expected)[~nan])


def every_float8(dtype):
    """All 256 values of `dtype`."""
    return np.arange(256, dtype=np.uint8).view(dtype)


@pytest.mark.parametrize("dtype", FLOAT8, ids=str)
def test_conversions_from_wider_floats_round_as_ml_dtypes(dtype, rng):
    exact = every_float8(dtype).astype(np.float64)
    finite = exact[np.isfinite(exact)]
    # Every value, every midpoint between neighbours (ties to even), values
    # just beside them, beyond the largest finite value, and tiny ones.
    ordered = np.unique(finite)
    midpoints = (ordered[1:] + ordered[:-1]) / 2
    wide = np.concatenate([exact, midpoints, np.nextafter(midpoints, np.inf),
                           np.nextafter(midpoints, -np.inf), [500.0, 465.0, 460.0, 6e4, 7e4, 1e9,
                                                               -1e9, 1e-9, np.inf, -np.inf],
                           rng.standard_normal(300) * 100, rng.standard_normal(300) * 1e-3])
    for source in (np.float64, np.float32, np.float16, np.dtype(ml_dtypes.bfloat16)):
        with np.errstate(over="ignore"):
            x = wide.astype(source)
        got = mljit.jit(lambda x: x.astype(dtype))(x)
        assert_same_float8(got, x.astype(dtype))


@pytest.mark.parametrize("dtype", FLOAT8, ids=str)
def test_conversions_to_other_types_are_exact(dtype):
    x = every_float8(dtype)
    for target in (np.float32, np.float64, np.float16, np.dtype(ml_dtypes.bfloat16)):
        got = mljit.jit(lambda x: x.astype(target))(x)
        np.testing.assert_array_equal(got.astype(np.float64), x.astype(target).astype(np.float64))
    finite = x[np.isfinite(x.astype(np.float32))]
    for target in (np.int32, np.int8, np.bool_):
        got = mljit.jit(lambda x: x.astype(target))(finite)
        with np.errstate(invalid="ignore"):
            expected = finite.astype(np.float32).astype(target)
        small = np.abs(finite.astype(np.float32)) < 100
        np.testing.assert_array_equal(got[small], expected[small])
    other = FLOAT8[1] if dtype == FLOAT8[0] else FLOAT8[0]
    assert_same_float8(mljit.jit(lambda x: x.astype(other))(x), x.astype(other))


EXACT = {
    "add": lambda x, y: x + y, "sub": lambda x, y: x - y, "mul": lambda x, y: x * y,
    "div": lambda x, y: x / y, "max": np.maximum, "compare": lambda x, y: x < y,
    "chain": lambda x, y: (x * 2 + 1) * y - x / 3, "relu": lambda x, y: np.maximum(x, 0),
    "scale": lambda x, y: x * np.float32(0.3), "where": lambda x, y: np.where(x > y, x, -y),
}


@pytest.mark.parametrize("dtype", FLOAT8, ids=str)
@pytest.mark.parametrize("name", EXACT)
def test_elementwise_rounds_once_per_op(dtype, name, rng):
    x = (rng.standard_normal(64) * 4).astype(dtype)
    y = (rng.standard_normal(64) + 3).astype(dtype)
    f = EXACT[name]
    got, expected = mljit.jit(f)(x, y), f(x, y)
    if np.asarray(expected).dtype in FLOAT8:
        assert_same_float8(got, expected)
    else:
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)


def test_promotion_as_ml_dtypes(rng):
    e4, e5 = (rng.standard_normal(8).astype(d) for d in FLOAT8)
    cases = [lambda a, b: a + b, lambda a, b: a + np.float32(1), lambda a, b: b * 2.0,
             lambda a, b: a + np.int8(3), lambda a, b: a + np.ones(8, ml_dtypes.bfloat16)]
    for f in cases:
        got, expected = mljit.jit(f)(e4, e5), f(e4, e5)
        assert got.dtype == expected.dtype
        np.testing.assert_allclose(got.astype(np.float64), expected.astype(np.float64),
                                   rtol=2 ** -3)


@pytest.mark.parametrize("dtype", FLOAT8, ids=str)
def test_quantized_matmul_and_reductions_accumulate_in_float32(dtype, rng):
    x = (rng.standard_normal((16, 32))).astype(dtype)
    w = (rng.standard_normal((32, 8)) * 0.25).astype(dtype)
    got, expected = mljit.jit(lambda x, w: x @ w)(x, w), x @ w
    assert got.dtype == expected.dtype
    exact = x.astype(np.float64) @ w.astype(np.float64)
    # One rounding of the float32 sum into the result's type.
    spacing = 2.0 ** -(3 if dtype == FLOAT8[0] else 2)
    np.testing.assert_allclose(got.astype(np.float64), exact, rtol=spacing,
                               atol=spacing * np.abs(exact).max() / 8)
    total = mljit.jit(lambda x: x.astype(np.float32).sum(axis=1))(x)
    np.testing.assert_allclose(total, x.astype(np.float32).sum(axis=1), rtol=1e-6)
    assert_same_float8(mljit.jit(np.max)(x), np.max(x))


def test_constants_of_float8():
    table = np.array([0.5, -1.5, 448.0, 2 ** -9], ml_dtypes.float8_e4m3fn)
    got = mljit.jit(lambda x: x * table)(np.ones(4, ml_dtypes.float8_e4m3fn))
    assert_same_float8(got, table)
