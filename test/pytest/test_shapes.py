"""Shape ops and basic indexing through `jit`, against NumPy."""

import re

import numpy as np
import pytest

import mljit
import mljit.numpy as mnp
from checks import DTYPES, assert_same, random_array


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_shape_ops_keep_every_dtype(dtype, rng):
    x = random_array(rng, (2, 3, 4), dtype)
    y = random_array(rng, (2, 5, 4), dtype)

    @mljit.jit
    def shapes(x, y):
        return (mnp.broadcast_to(x[:, :1], (3, 2, 3, 4)), x.reshape(4, 6), x.T,
                mnp.transpose(x, (1, 0, 2)), mnp.concatenate([x, y], axis=1),
                x[1, ::-1, 1:3])

    expected = (np.broadcast_to(x[:, :1], (3, 2, 3, 4)), x.reshape(4, 6), x.T,
                np.transpose(x, (1, 0, 2)), np.concatenate([x, y], axis=1),
                x[1, ::-1, 1:3])
    for i, (got, want) in enumerate(zip(shapes(x, y), expected)):
        assert_same(got, want, what=f"result {i}")


@pytest.mark.parametrize("source, target", [
    ((), (3, 4)), ((1,), (5,)), ((4,), (2, 3, 4)), ((3, 1), (3, 5)),
    ((1, 4, 1), (2, 4, 3)), ((0, 1), (0, 6)), ((2, 1), (2, 0)), ((5,), (5,)),
])
def test_broadcast_to(source, target, rng):
    x = random_array(rng, source, np.float32)
    assert_same(mljit.jit(mnp.broadcast_to, static_argnums=1)(x, target),
                np.broadcast_to(x, target))


@pytest.mark.parametrize("source, target", [
    ((6,), (2, 3)), ((2, 3), (3, 2)), ((2, 3, 4), (4, -1)), ((1, 1), ()),
    ((), (1, 1, 1)), ((0, 3), (3, 0)), ((4, 5), (-1,)), ((2, 6), (2, 6)),
])
def test_reshape(source, target, rng):
    x = random_array(rng, source, np.int32)
    assert_same(mljit.jit(mnp.reshape, static_argnums=1)(x, target), np.reshape(x, target))


@pytest.mark.parametrize("axes", [None, (0, 1, 2), (2, 0, 1), (1, 2, 0), (-1, 0, -2)], ids=str)
def test_transpose(axes, rng):
    x = random_array(rng, (2, 3, 4), np.float64)
    assert_same(mljit.jit(mnp.transpose, static_argnums=1)(x, axes), np.transpose(x, axes))


def test_transpose_methods(rng):
    x = random_array(rng, (2, 3, 4), np.float32)
    got = mljit.jit(lambda x: (x.transpose(), x.transpose(2, 0, 1), x.transpose((1, 2, 0)), x.T))(x)
    expected = (x.transpose(), x.transpose(2, 0, 1), x.transpose((1, 2, 0)), x.T)
    for g, e in zip(got, expected):
        assert_same(g, e)


@pytest.mark.parametrize("axis", [0, 1, -1, None], ids=str)
def test_concatenate(axis, rng):
    arrays = [random_array(rng, (2, n), np.float32) for n in (1, 3, 0, 2)]
    if axis == 0:
        arrays = [random_array(rng, (n, 3), np.float32) for n in (1, 3, 0, 2)]
    f = mljit.jit(lambda arrays: mnp.concatenate(arrays, axis=axis))
    assert_same(f(arrays), np.concatenate(arrays, axis=axis))


def test_concatenate_promotes(rng):
    a = random_array(rng, (2,), np.int8)
    b = random_array(rng, (3,), np.float16)
    assert_same(mljit.jit(lambda a, b: mnp.concatenate((a, b)))(a, b), np.concatenate((a, b)))



SCALARS = [3, 300, -2**63, 2.5, 1e300, True, np.int8(-7), np.float16(1.5), np.array(2**40)]


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_concatenate_flattens_scalars_with_numpys_weak_promotion(dtype, rng):
    # Python scalars promote weakly in np.concatenate (NEP 50): with an int8
    # array 3 joins as int8, and 300 as its int64 cast to int8 (44); traced
    # (Python scalar arguments) or not. NumPy scalars and 0-d arrays are strong.
    x = random_array(rng, (2, 3), dtype)
    traced = mljit.jit(lambda x, s: np.concatenate((x, s, x[0]), axis=None))
    for scalar in SCALARS:
        constant = mljit.jit(lambda x: np.concatenate((scalar, x), axis=None))
        with np.errstate(over="ignore"):
            expected = (np.concatenate((x, scalar, x[0]), axis=None),
                        np.concatenate((scalar, x), axis=None))
            got = traced(x, scalar), constant(x)
        for g, e in zip(got, expected):
            assert_same(g, e, what=f"{np.dtype(dtype)} with {scalar!r}")


@pytest.mark.parametrize("casting", ["no", "safe", "same_kind", "unsafe"])
def test_concatenate_dtype_and_casting_as_numpy(casting):
    x, y = np.array([1, -2], np.int8), np.array([0.5, 2.0])
    cases = [lambda x, y: np.concatenate((x, y), dtype=np.int8, casting=casting),
             lambda x, y: np.concatenate((x, 300), axis=None, dtype=np.int8, casting=casting),
             lambda x, y: np.concatenate((x, 2.5), axis=None, dtype=np.int8, casting=casting),
             lambda x, y: np.concatenate((y, True), axis=None, casting=casting),
             lambda x, y: np.concatenate((x, y), dtype=np.float16, casting=casting)]
    for i, f in enumerate(cases):
        try:
            expected = f(x, y)
        except TypeError as error:
            with pytest.raises(TypeError, match=re.escape(str(error))):
                mljit.jit(f)(x, y)
        else:
            assert_same(mljit.jit(f)(x, y), expected, what=f"case {i}")


def test_concatenate_with_an_empty_operand_last(rng):
    # Found by the fuzzer: the empty operand's offset is the result's end,
    # which tensor.insert_slice rejected as out of bounds.
    x = random_array(rng, (2, 2), np.float16)
    empty = np.zeros((0, 2), bool)

    def join(x, empty):
        return (np.vstack([x, empty]), np.concatenate([empty, x, empty]),
                np.concatenate([x, empty.T], axis=1))

    for got, expected in zip(mljit.jit(join)(x, empty), join(x, empty)):
        assert_same(got, expected)


INDICES = [
    (1,), (-1,), (slice(None),), (slice(1, None),), (slice(None, None, -1),),
    (slice(5, 0, -2),), (slice(-2, -7, -3), 0), (slice(10, 20),), (slice(3, 1),),
    (Ellipsis, 1), (None,), (1, None, slice(None, None, 2)), (Ellipsis,),
    (slice(None), None, 2, Ellipsis), (0, 0, 0), (None, Ellipsis, None),
    (slice(-100, 100, 7), slice(None), slice(2, 3)),
]


@pytest.mark.parametrize("index", INDICES, ids=str)
def test_basic_indexing(index, rng):
    x = random_array(rng, (6, 4, 5), np.float32)
    assert_same(mljit.jit(lambda x: x[index])(x), x[index])


def test_indexing_scalars_and_empty(rng):
    x = random_array(rng, (5,), np.int64)
    e = random_array(rng, (0, 3), np.float32)
    got = mljit.jit(lambda x, e: (x[2], x[-5], x[::-1][1:4], e[:, 1], e[::-1]))(x, e)
    expected = (x[2], x[-5], x[::-1][1:4], e[:, 1], e[::-1])
    for g, w in zip(got, expected):
        assert_same(g, np.asarray(w))


@pytest.mark.parametrize("index, error", [
    ((5,), IndexError), ((0, 0, 0, 0), IndexError), ((Ellipsis, Ellipsis), IndexError),
    ((slice(None, None, 0),), ValueError),
])
def test_bad_indices_raise_like_numpy(index, error):
    x = np.zeros((5, 3, 2), np.float32)
    with pytest.raises(error):
        x[index]
    with pytest.raises(error):
        mljit.jit(lambda x: x[index])(x)


def test_boolean_masks_known_while_tracing_index_like_numpy():
    x = np.arange(15, dtype=np.float32).reshape(5, 3)
    mask = np.array([True, False, True, False, True])
    assert_same(mljit.jit(lambda x: x[mask], capture="constants")(x), x[mask])
    assert_same(mljit.jit(lambda x: x[np.array([True, False, True, False, True])])(x), x[mask])


def test_traced_boolean_masks_name_the_problem():
    x = np.zeros((5, 3), np.float32)
    with pytest.raises(mljit.UnsupportedError, match="boolean mask indexing"):
        mljit.jit(lambda x: x[x > 0])(x)


def test_iteration_and_len(rng):
    x = random_array(rng, (3, 2), np.float32)
    got = mljit.jit(lambda x: (len(x), [row * 2 for row in x]))(x)
    assert_same(got[0], np.asarray(3))
    for g, row in zip(got[1], x):
        assert_same(g, row * 2)


@pytest.mark.parametrize("shape, target, error", [
    ((2, 3), (4, 2), "cannot reshape array of size 6 into shape"),
    ((2, 3), (-1, -1), "can only specify one unknown dimension"),
])
def test_bad_reshape_raises_like_numpy(shape, target, error):
    x = np.zeros(shape)
    with pytest.raises(ValueError, match=error):
        mljit.jit(lambda x: x.reshape(target))(x)


def test_bad_broadcast_raises():
    with pytest.raises(ValueError, match="could not be broadcast"):
        mljit.jit(lambda x: mnp.broadcast_to(x, (2, 4)))(np.zeros(3))


def test_reversing_an_array_large_enough_to_tile():
    # The reversal walks its input backwards, which the CPU tiling leaves whole.
    x = np.arange(65536.0)
    assert_same(mljit.jit(lambda x: x[::-1] + x)(x), x[::-1] + x)
