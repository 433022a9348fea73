"""Helpers shared by the tests: random inputs per dtype, comparison with
NumPy itself, and scripts run where MLIR cannot be imported."""

import warnings
import zlib

import numpy as np

DTYPES = [np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint64, np.float16,
          np.float32, np.float64]
FLOAT_DTYPES = [np.float16, np.float32, np.float64]
INT_DTYPES = [np.int8, np.int16, np.int32, np.int64]  # unsigned: test_integer_dtypes.py

# Relative tolerance per dtype for functions whose last bits differ between
# NumPy's and libm's implementations (exp, tanh, ...); arithmetic is exact.
RTOL = {np.dtype(np.float16): 2e-3, np.dtype(np.float32): 2e-6, np.dtype(np.float64): 1e-13}


def random_array(rng, shape, dtype, *, low=-10, high=10, nonzero=False):
    """Values spread over [low, high) in `dtype`, with negatives, zeros and,
    for integers, repeats; `nonzero` keeps zeros out."""
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return rng.random(shape) < 0.5
    if dtype.kind in "iu":
        values = rng.integers(max(low, 0) if dtype.kind == "u" else low, high, size=shape)
        if nonzero:
            values[values == 0] = 1
        return values.astype(dtype)
    values = rng.uniform(low, high, size=shape)
    if nonzero:
        values[np.abs(values) < 1e-3] = 1.0
    return values.astype(dtype)


def assert_exact_kind(got, expected, what="") -> bool:
    """Asserts `got` is an ndarray of NumPy's `expected` dtype and shape, and
    equal to it if integer or boolean; True when that settles it."""
    assert isinstance(got, np.ndarray), f"{what}: got a {type(got).__name__}"
    assert got.dtype == expected.dtype, f"{what}: dtype {got.dtype} != {expected.dtype}"
    assert got.shape == expected.shape, f"{what}: shape {got.shape} != {expected.shape}"
    if expected.dtype.kind in "biu":
        np.testing.assert_array_equal(got, expected, err_msg=what)
        return True
    return False


def assert_same(got, expected, *, rtol=None, atol=0.0, what=""):
    """`got` equals NumPy's `expected`: type, dtype, shape and values."""
    expected = np.asarray(expected)
    if assert_exact_kind(got, expected, what):
        return
    if rtol is None:
        rtol = 0.0
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol, equal_nan=True, err_msg=what)


def numpy_results(functions, *args):
    """NumPy's result of each function (None where NumPy refuses these
    dtypes), its warnings (overflow, division by zero) silenced as the
    compiled code has none."""
    results = []
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for function in functions:
            try:
                results.append(function(*args))
            except (TypeError, ValueError, OverflowError):
                results.append(None)
    return results


def applicable(functions, dtypes, size=12):
    """The functions NumPy has a loop for on arrays of these dtypes."""
    samples = [np.ones(size, d) for d in dtypes]
    return [f for f, r in zip(functions, numpy_results(functions, *samples)) if r is not None]


def seeded_rng(name: str) -> np.random.Generator:
    """A generator seeded from `name`, the same in every run."""
    return np.random.default_rng(zlib.crc32(name.encode()))
