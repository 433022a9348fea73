"""ml_dtypes' floats (bfloat16, float8_e4m3fn, float8_e5m2; optional:
these tests skip without ml_dtypes) with every dtype mljit has, in both
orders, through the binary ufuncs: NumPy's (ml_dtypes') promotion, and
its values to within two roundings of the result's dtype (each op is
computed in float32 and rounded once, as ml_dtypes' loops do)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mljit
from checks import applicable, numpy_results

ml_dtypes = pytest.importorskip("ml_dtypes", reason="these dtypes come from ml_dtypes")
EXTENSION = [np.dtype(ml_dtypes.bfloat16), np.dtype(ml_dtypes.float8_e4m3fn),
             np.dtype(ml_dtypes.float8_e5m2)]
EVERY = [np.dtype(t) for t in ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16",
                               "uint32", "uint64", "float16", "float32", "float64",
                               "complex64", "complex128")] + EXTENSION
BINARY = [np.add, np.subtract, np.multiply, np.true_divide, np.power, np.maximum, np.minimum,
          np.less, np.greater_equal, np.equal, np.floor_divide, np.remainder, np.arctan2]
SIZE = 12
PAIRS = sorted({(e, d) for e in EXTENSION for d in EVERY} | {(d, e) for e in EXTENSION
                                                            for d in EVERY}, key=str)


def arrays(dtype):
    """Small values (a float8's range is narrow), no zeros where they divide."""
    if dtype.kind == "b":
        values = st.booleans()
    elif dtype.kind in "iu":
        values = st.integers(1, 6)
    else:
        values = st.floats(-6, 6, width=32).filter(lambda v: abs(v) > 0.05)
    return st.lists(values, min_size=SIZE, max_size=SIZE).map(lambda v: np.array(v).astype(dtype))


def spacing(dtype):
    """A relative rounding of `dtype` (0 for exact types)."""
    if dtype.kind in "biu":
        return 0.0
    part = np.dtype(np.float64 if dtype == np.complex128 else np.float32) if (
        dtype.kind == "c") else dtype
    return float(ml_dtypes.finfo(part).eps)


@pytest.mark.parametrize("left, right", PAIRS, ids=[f"{a}-{b}" for a, b in PAIRS])
def test_binary_ufuncs_with_every_dtype(left, right):
    ufuncs = applicable(BINARY, (left, right), SIZE)
    assert np.add in ufuncs
    compiled = mljit.jit(lambda a, b: tuple(u(a, b) for u in ufuncs))

    @settings(max_examples=3, deadline=None, derandomize=True)
    @given(arrays(left), arrays(right))
    def check(a, b):
        for ufunc, got, expected in zip(ufuncs, compiled(a, b), numpy_results(ufuncs, a, b)):
            got, expected = np.asarray(got), np.asarray(expected)
            assert got.dtype == expected.dtype, (ufunc, got.dtype, expected.dtype)
            wide = np.complex128 if expected.dtype.kind == "c" else np.float64
            # Two roundings: power and arctan2 in float32, then the result's.
            tolerance = 2 * spacing(expected.dtype) + 4 * float(np.finfo(np.float32).eps)
            np.testing.assert_allclose(got.astype(wide), expected.astype(wide),
                                       rtol=tolerance, atol=tolerance, equal_nan=True,
                                       err_msg=ufunc.__name__)

    check()
