"""Every integer dtype (bool, int8 ... int64, uint8 ... uint64) against
NumPy: every binary ufunc on every pair of them (NumPy's promotion, NEP 50,
wrap-around, unsigned division, shifts and comparisons, int64 against
uint64 compared exactly), unary ufuncs, reductions and casts on each, with
values hypothesis draws (extremes included); and the programs the dtypes
are for: an image batch normalized, audio scaled with wrap-around, a hash."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mljit
from checks import applicable, assert_same, numpy_results

INTEGERS = [np.dtype(t) for t in ("bool", "int8", "int16", "int32", "int64",
                                  "uint8", "uint16", "uint32", "uint64")]
BINARY = [np.add, np.subtract, np.multiply, np.floor_divide, np.remainder, np.true_divide,
          np.power, np.maximum, np.minimum, np.bitwise_and, np.bitwise_or, np.bitwise_xor,
          np.left_shift, np.right_shift, np.less, np.less_equal, np.greater,
          np.greater_equal, np.equal, np.not_equal]
SIZE = 12


def elements(dtype):
    if dtype == np.bool_:
        return st.booleans()
    info = np.iinfo(dtype)
    return st.one_of(st.sampled_from([int(info.min), int(info.max), 0, 1]),
                     st.integers(int(info.min), int(info.max)),
                     st.integers(max(int(info.min), -20), 20))


def arrays(dtype):
    return st.lists(elements(dtype), min_size=SIZE, max_size=SIZE).map(
        lambda values: np.array(values, dtype))


def exponents_and_shifts_in_range(ufunc, a, b):
    """NumPy's integer power of a negative exponent raises, and its shifts
    by the width or more are undefined in C (mljit gives NumPy's x86
    answer, 0 or -1, but NumPy itself differs between its loops): those
    elements are left out."""
    if ufunc is np.power and b.dtype.kind in "iu":
        return b >= 0
    if ufunc in (np.left_shift, np.right_shift) and b.dtype.kind in "iu":
        width = 8 * max(a.dtype.itemsize, b.dtype.itemsize)
        return (b >= 0) & (b < width)
    return np.ones(a.shape, bool)


PAIRS = list(itertools.product(INTEGERS, INTEGERS))


@pytest.mark.parametrize("left, right", PAIRS, ids=[f"{a}-{b}" for a, b in PAIRS])
def test_binary_ufuncs_on_every_pair(left, right):
    ufuncs = applicable(BINARY, (left, right))
    compiled = mljit.jit(lambda a, b: tuple(u(a, b) for u in ufuncs))

    @settings(max_examples=6, deadline=None, derandomize=True)
    @given(arrays(left), arrays(right))
    def check(a, b):
        got = compiled(a, b)
        # NumPy refuses a whole array with a negative integer exponent in it:
        # its result is taken where the exponent is not negative.
        exponent = np.where(b >= 0, b, 0).astype(b.dtype) if b.dtype.kind in "iu" else b
        expected_all = numpy_results(ufuncs, a, b)
        for i, ufunc in enumerate(ufuncs):
            if ufunc is np.power:
                (expected_all[i],) = numpy_results([ufunc], a, exponent)
        for ufunc, value, expected in zip(ufuncs, got, expected_all):
            keep = exponents_and_shifts_in_range(ufunc, a, b)
            if ufunc in (np.floor_divide, np.remainder) and left == np.int64 == right:
                keep &= ~((a == np.iinfo(np.int64).min) & (b == -1))  # NumPy: UB in C
            assert value.dtype == expected.dtype, (ufunc, value.dtype, expected.dtype)
            assert_same(value[keep], expected[keep], rtol=1e-15, atol=0)

    check()


UNARY = [np.negative, np.absolute, np.sign, np.invert, np.square, np.positive,
         lambda x: np.sum(x), lambda x: np.prod(x[:4]), np.max, np.min, np.argmax, np.argmin,
         np.mean, np.cumsum, lambda x: x.astype(np.float32), lambda x: x.astype(np.float64),
         lambda x: x.astype(np.int8), lambda x: x.astype(np.uint16), lambda x: x.astype(bool),
         lambda x: np.sort(x), lambda x: x.reshape(3, 4).T @ x.reshape(3, 4)]


@pytest.mark.parametrize("dtype", INTEGERS, ids=str)
def test_unary_ufuncs_reductions_and_casts(dtype):
    functions = applicable(UNARY, (dtype,))
    compiled = mljit.jit(lambda x: tuple(f(x) for f in functions))

    @settings(max_examples=8, deadline=None, derandomize=True)
    @given(arrays(dtype))
    def check(x):
        for value, expected in zip(compiled(x), numpy_results(functions, x)):
            expected = np.asarray(expected)
            assert np.asarray(value).dtype == expected.dtype
            assert_same(np.asarray(value), expected, rtol=1e-6 if expected.dtype.kind == "f"
                        else 0, atol=0)

    check()


def test_floats_to_unsigned_as_numpy_on_x86():
    values = np.array([-1.0, -3.7, 0.5, 255.9, 256.0, 3e9, 1.8e19, 9.3e18, -0.0])
    for dtype in (np.uint8, np.uint16, np.uint32, np.uint64):
        with np.errstate(all="ignore"):
            expected = values.astype(dtype)
        in_range = values < np.iinfo(dtype).max  # beyond it, NumPy's C is undefined
        got = mljit.jit(lambda v: v.astype(dtype))(values)
        np.testing.assert_array_equal(got[in_range], expected[in_range])


def test_image_batch_normalized():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (4, 8, 8, 3), dtype=np.uint8)
    mean = np.array([0.485, 0.456, 0.406], np.float32)
    std = np.array([0.229, 0.224, 0.225], np.float32)

    def normalize(img):
        return (img.astype(np.float32) / 255.0 - mean) / std

    got = mljit.jit(normalize)(images)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, normalize(images), rtol=1e-6, atol=1e-6)
    # NumPy's own promotion, as written: uint8 / 255.0 is float64.
    plain = mljit.jit(lambda img: (img / 255.0 - mean) / std)(images)
    assert plain.dtype == np.float64


def test_audio_scaled_with_wrap_around():
    audio = (np.sin(np.linspace(0, 40, 64)) * 30000).astype(np.int16)
    scale = mljit.jit(lambda x: x * 3 + np.int16(7))
    got = scale(audio)
    assert got.dtype == np.int16
    np.testing.assert_array_equal(got, audio * 3 + np.int16(7))  # wrapped, as NumPy
    assert (got != audio.astype(np.int64) * 3 + 7).any()


def test_uint32_hash():
    def hash32(x):
        x = x ^ (x >> 16)
        x = x * np.uint32(0x45D9F3B)
        x = x ^ (x >> 16)
        return (x << 5) ^ (x >> 27) ^ np.uint32(0x9E3779B9)

    keys = np.arange(0, 2**32 - 1, 2**22, dtype=np.uint32)
    got = mljit.jit(hash32)(keys)
    assert got.dtype == np.uint32
    np.testing.assert_array_equal(got, hash32(keys))


def test_unsigned_promotion_follows_nep50():
    u8 = np.array([250, 3, 255], np.uint8)
    cases = [(lambda a: a + 1, u8), (lambda a: a - 5, u8),
             (lambda a: a + np.array([-3, 4, 127], np.int8), u8),
             (lambda a: a + np.array([-1, 2, 3]), np.array([2**64 - 1, 5, 0], np.uint64))]
    for function, x in cases:
        got, expected = mljit.jit(function)(x), function(x)
        assert got.dtype == expected.dtype
        assert_same(got, expected, rtol=1e-15, atol=0)
    assert mljit.jit(lambda a: a + 1)(u8).dtype == np.uint8
    assert mljit.jit(lambda a: a + 1)(u8)[2] == 0  # 255 + 1 wraps
