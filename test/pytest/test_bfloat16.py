"""bfloat16 (from `ml_dtypes`, optional: these tests skip without it)
against NumPy with ml_dtypes: elementwise ops computed in float32 and
rounded once per op, as ml_dtypes' loops do; promotion as ml_dtypes
defines it; products accumulated in float32 (NumPy's bfloat16 matmul
gives float32); reductions, casts and a bfloat16 MLP forward."""

import numpy as np
import pytest

import mljit

ml_dtypes = pytest.importorskip("ml_dtypes", reason="bfloat16 comes from ml_dtypes")
BF16 = np.dtype(ml_dtypes.bfloat16)
ULP = 2.0 ** -7  # a bfloat16's relative spacing


def as_f64(x):
    return np.asarray(x).astype(np.float64)


def assert_bf16_close(got, expected, ulps=0):
    got, expected = np.asarray(got), np.asarray(expected)
    assert got.dtype == expected.dtype, (got.dtype, expected.dtype)
    assert got.shape == expected.shape
    if ulps == 0:
        np.testing.assert_array_equal(as_f64(got), as_f64(expected))
    else:
        np.testing.assert_allclose(as_f64(got), as_f64(expected), rtol=ulps * ULP,
                                   atol=1e-30, equal_nan=True)


@pytest.fixture
def values(rng):
    x = (rng.standard_normal((6, 16)) * 4).astype(BF16)
    y = (rng.standard_normal((6, 16)) + 5).astype(BF16)
    return x, y


EXACT = {
    "add": lambda x, y: x + y, "sub": lambda x, y: x - y, "mul": lambda x, y: x * y,
    "div": lambda x, y: x / y, "max": np.maximum, "min": np.minimum,
    "neg_abs": lambda x, y: -np.abs(x), "square": lambda x, y: x * x,
    "sqrt": lambda x, y: np.sqrt(y), "floor": lambda x, y: np.floor(x),
    "chain": lambda x, y: (x * 2 + 1) * y - x / 3,
    "where": lambda x, y: np.where(x > 0, x, 0.01 * x), "compare": lambda x, y: x < y,
}


@pytest.mark.parametrize("name", EXACT)
def test_elementwise_rounds_once_per_op(values, name):
    f = EXACT[name]
    assert_bf16_close(mljit.jit(f)(*values), f(*values))


@pytest.mark.parametrize("function", [np.exp, np.tanh, np.log1p, np.sin], ids=lambda f: f.__name__)
def test_transcendental_within_one_rounding(values, function):
    x, y = values
    arg = np.abs(x) if function is np.log1p else x
    assert_bf16_close(mljit.jit(function)(arg), function(arg), ulps=1)


def test_promotion_as_ml_dtypes(values):
    x, _ = values
    cases = [lambda x: x + np.float32(1), lambda x: x * 2.0, lambda x: x + np.float16(1),
             lambda x: x + np.int8(3), lambda x: x.astype(np.float32) * x,
             lambda x: x + np.ones(x.shape, np.float64)]
    for f in cases:
        got, expected = mljit.jit(f)(x), f(x)
        assert got.dtype == expected.dtype
        np.testing.assert_allclose(as_f64(got), as_f64(expected), rtol=ULP)


def test_casts_round_to_nearest_even(rng):
    wide = np.concatenate([rng.standard_normal(500) * 1e3,
                           [1.0 + 2**-8, 1.0 + 3 * 2**-8, 3.4e38, 1e-40, np.inf, -0.0]])
    for source in (np.float64, np.float32, np.float16):
        with np.errstate(over="ignore"):
            x = wide.astype(source)
        assert_bf16_close(mljit.jit(lambda x: x.astype(BF16))(x), x.astype(BF16))
    back = wide.astype(BF16)
    for target in (np.float32, np.float64, np.int32, np.bool_):
        finite = back[np.isfinite(as_f64(back)) & (np.abs(as_f64(back)) < 2**31)]
        got = mljit.jit(lambda x: x.astype(target))(finite)
        np.testing.assert_array_equal(got, finite.astype(target))


def test_reductions(values):
    x, _ = values
    assert_bf16_close(mljit.jit(np.max)(x), np.max(x))
    np.testing.assert_array_equal(mljit.jit(lambda x: np.argmin(x, axis=1))(x), np.argmin(x, axis=1))
    # Sums accumulate in float32 and round once; ml_dtypes' loop rounds at
    # every addition, so the two differ by the roundings of 16 additions.
    for f in (lambda x: x.sum(axis=1), lambda x: x.mean(axis=0)):
        got, expected = mljit.jit(f)(x), f(x)
        exact = f(x.astype(np.float64))
        assert got.dtype == expected.dtype == BF16
        # mljit's is the float32 sum rounded once: within one rounding of it.
        np.testing.assert_allclose(as_f64(got), exact, rtol=ULP, atol=ULP * np.abs(x).max())


def test_bfloat16_mlp_forward_accumulates_in_float32(rng):
    x = rng.standard_normal((32, 64)).astype(BF16)
    w1 = (rng.standard_normal((64, 128)) * 0.1).astype(BF16)
    w2 = (rng.standard_normal((128, 10)) * 0.1).astype(BF16)
    b1 = (rng.standard_normal(128) * 0.1).astype(BF16)

    def mlp(x, w1, b1, w2):
        h = np.maximum(x @ w1 + b1, 0)
        return h @ w2

    got, expected = mljit.jit(mlp)(x, w1, b1, w2), mlp(x, w1, b1, w2)
    assert got.dtype == expected.dtype == np.float32  # as NumPy's bfloat16 matmul
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


def test_other_ml_dtypes_are_named():
    f = mljit.jit(lambda x: x * 2)
    with pytest.raises(mljit.UnsupportedError, match="float8_e4m3b11fnuz"):
        f(np.ones(3, ml_dtypes.float8_e4m3b11fnuz))
