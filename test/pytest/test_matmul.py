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


# Products large enough for BLAS: one row (a gemv), the right operand
# transposed (a view of it, never a copy), both operands one array (x @ x.T),
# and strided operands.
BLAS_PRODUCTS = {
    "row": lambda x, w: x[:1] @ w,
    "row_batched": lambda x, w: x[None, :1] @ w,
    # A weight stored (out, in), as torch's Linear keeps it.
    "transposed": lambda x, w: x @ w.T.copy().T,
    "row_transposed": lambda x, w: x[-1:] @ w.T.copy().T,
    "gram": lambda x, w: x @ x.T,
    "gram_one_column": lambda x, w: x[:, :1] @ x[:, :1].T,
    "row_of_gram": lambda x, w: x[:1] @ x.T,
    "strided": lambda x, w: x[:, ::2] @ w[::2, 1::3],
}


@pytest.mark.parametrize("name", BLAS_PRODUCTS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=str)
def test_products_through_blas(name, dtype, rng):
    function = BLAS_PRODUCTS[name]
    x = random_array(rng, (70, 96), dtype, low=-3, high=4)
    w = random_array(rng, (96, 130), dtype, low=-3, high=4)
    expected = function(x, w)
    for dynamic in (False, True):
        got = mljit.jit(function, dynamic=dynamic)(x, w)
        # Sums of 96 terms of up to 16 in another order: absolute error.
        assert_same(got, expected, rtol=RTOL[np.dtype(dtype)],
                    atol=1e-4 if dtype == np.float32 else 1e-12)


# Float64 rows by a float32 weight, as NumPy model code computing in float64
# multiplies its weights: up to 16 rows read the weight as stored
# (mljit_gemm_f64_f32), more rows (and a dynamic count) multiply a float64
# copy; small products are loops either way.
WEIGHT_PRODUCTS = {
    "weight": lambda x, w: (x * np.sqrt(2.0)) @ w,
    "transposed": lambda x, w: (x * np.sqrt(2.0)) @ w.T.copy().T,
    "stored_transposed": lambda x, w: (x * np.sqrt(2.0)) @ w.T,
    "strided": lambda x, w: (x * np.sqrt(2.0)) @ w[::2, 1::3],
    "bias_and_gelu": lambda x, w: np.tanh(x.astype(np.float64) @ w + 1.5),
}


@pytest.mark.parametrize("name", WEIGHT_PRODUCTS)
@pytest.mark.parametrize("m", [0, 1, 2, 7, 16, 17])
@pytest.mark.parametrize("k, n", [(33, 7), (96, 129), (101, 517)], ids=str)
def test_float64_rows_by_a_float32_weight(name, m, k, n, rng):
    function = WEIGHT_PRODUCTS[name]
    x = random_array(rng, (m, k), np.float32, low=-3, high=4)
    shape = {"stored_transposed": (n, k), "strided": (2 * k, 3 * n)}.get(name, (k, n))
    w = random_array(rng, shape, np.float32, low=-3, high=4)
    expected = function(x, w)
    for dynamic in (False, True):
        got = mljit.jit(function, dynamic=dynamic)(x, w)
        assert_same(got, expected, rtol=1e-12, atol=1e-12 * k)


def test_only_products_of_a_few_rows_read_a_float32_weight(rng):
    w = np.ones((768, 3072), np.float32)
    f = mljit.jit(WEIGHT_PRODUCTS["weight"])
    for rows, mixed in [(1, True), (16, True), (17, False)]:
        text = f.lower(np.ones((rows, 768), np.float32), w).as_text("bufferized")
        assert ("call @mljit_gemm_f64_f32" in text) == mixed, rows
        assert ("call @mljit_gemm_f64(" in text) != mixed, rows


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
