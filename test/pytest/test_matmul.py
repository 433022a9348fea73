"""Matrix products through `jit` against np.matmul: 2-D, batched with
broadcast batch dimensions, vectors, every numeric dtype."""

import numpy as np
import pytest

import mljit
import mljit.numpy as mnp
from checks import DTYPES, assert_same, random_array

SHAPES = [
    ((3, 4), (4, 5)), ((1, 1), (1, 1)), ((2, 3, 4), (4, 5)), ((4,), (4, 5)),
    ((3, 4), (4,)), ((4,), (4,)), ((2, 1, 3, 4), (5, 4, 2)), ((5, 4), (3, 4, 2)),
    ((0, 4), (4, 3)), ((3, 0), (0, 2)), ((2, 3, 4), (2, 4, 6)), ((1, 2, 3), (7, 3, 1)),
]
RTOL = {np.dtype(np.float16): 5e-3, np.dtype(np.float32): 1e-5, np.dtype(np.float64): 1e-12}


@pytest.mark.parametrize("shapes", SHAPES, ids=str)
@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_matmul(shapes, dtype, rng):
    a = random_array(rng, shapes[0], dtype, low=-3, high=4)
    b = random_array(rng, shapes[1], dtype, low=-3, high=4)
    expected = np.asarray(np.matmul(a, b))
    got = mljit.jit(lambda a, b: a @ b)(a, b)
    assert_same(got, expected, rtol=RTOL.get(expected.dtype), atol=1e-2 if dtype == np.float16 else 0)


def test_matmul_mixed_dtypes_promote(rng):
    a = random_array(rng, (3, 4), np.int8)
    b = random_array(rng, (4, 2), np.float32)
    assert_same(mljit.jit(mnp.matmul)(a, b), a @ b, rtol=1e-6)


def test_matmul_of_scalars_is_an_error():
    with pytest.raises(ValueError, match="does not have enough dimensions"):
        mljit.jit(lambda a, b: a @ b)(np.float32(2), np.ones(3, np.float32))


def test_mismatched_inner_dimensions_name_the_line():
    with pytest.raises(mljit.TraceError, match=r"test_matmul.py:\d+: 'ml.matmul' op contracting dimensions differ"):
        mljit.jit(lambda a, b: a @ b)(np.ones((2, 3)), np.ones((4, 2)))
