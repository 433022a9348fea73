"""Property-based differential tests against NumPy (hypothesis): random
broadcastable shapes, dtypes, ops, axes and basic indices."""

import os

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import mljit
from checks import DTYPES, assert_same
from mljit.numpy import UFUNCS

# Each example compiles a function (tens of ms): CI runs 60 per test, the same
# ones every time; MLJIT_HYPOTHESIS_EXAMPLES=N (and MLJIT_HYPOTHESIS_RANDOM=1
# for fresh examples) explores further.
SETTINGS = settings(
    max_examples=int(os.environ.get("MLJIT_HYPOTHESIS_EXAMPLES", "60")),
    derandomize=not os.environ.get("MLJIT_HYPOTHESIS_RANDOM"),
    deadline=None,
)
dtypes = st.sampled_from([np.dtype(d) for d in DTYPES])
unary_ufuncs = st.sampled_from(sorted((u for u in UFUNCS if u.nin == 1), key=str))
binary_ufuncs = st.sampled_from(sorted((u for u in UFUNCS if u.nin == 2), key=str))
# libm and NumPy's SIMD code may differ in the last bits of transcendentals.
RTOL = {np.dtype(np.float16): 2e-3, np.dtype(np.float32): 1e-5, np.dtype(np.float64): 1e-12}


def arrays(dtype, shape):
    elements = None
    if dtype.kind == "f":
        elements = st.floats(-100, 100, width=dtype.itemsize * 8, allow_subnormal=False)
    elif dtype.kind == "i":
        elements = st.integers(-100, 100)
    return hnp.arrays(dtype, shape, elements=elements)


@SETTINGS
@given(data=st.data(), dtypes=st.tuples(dtypes, dtypes), ufunc=binary_ufuncs,
       shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=4))
def test_binary_ufuncs(data, dtypes, ufunc, shapes):
    a = data.draw(arrays(dtypes[0], shapes.input_shapes[0]))
    b = data.draw(arrays(dtypes[1], shapes.input_shapes[1]))
    if ufunc is np.power or ufunc in (np.left_shift, np.right_shift):
        b = np.abs(b) % 4  # NumPy rejects negative integer powers
    try:
        with np.errstate(all="ignore"):
            expected = np.asarray(ufunc(a, b))
    except TypeError:
        return  # NumPy has no such loop (boolean subtract, float bitwise_and)
    got = mljit.jit(ufunc)(a, b)  # the NumPy ufunc itself, through NEP 13
    assert_same(got, expected, rtol=RTOL.get(expected.dtype), what=ufunc.__name__)


@SETTINGS
@given(data=st.data(), dtype=dtypes, ufunc=unary_ufuncs,
       shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
def test_unary_ufuncs(data, dtype, ufunc, shape):
    x = data.draw(arrays(dtype, shape))
    try:
        with np.errstate(all="ignore"):
            expected = np.asarray(ufunc(x))
    except TypeError:
        return
    assert_same(mljit.jit(ufunc)(x), expected, rtol=RTOL.get(expected.dtype), what=ufunc.__name__)


@SETTINGS
@given(data=st.data(), dtype=dtypes,
       name=st.sampled_from(["sum", "prod", "max", "min", "mean", "var", "std", "all", "any"]),
       shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4),
       keepdims=st.booleans())
def test_reductions(data, dtype, name, shape, keepdims):
    x = data.draw(arrays(dtype, shape))
    axis = data.draw(st.none() | hnp.valid_tuple_axes(len(shape)))
    with np.errstate(all="ignore"):
        expected = np.asarray(getattr(np, name)(x, axis=axis, keepdims=keepdims))
    got = mljit.jit(lambda x: getattr(np, name)(x, axis=axis, keepdims=keepdims))(x)
    rtol = {np.dtype(np.float16): 2e-2, np.dtype(np.float32): 1e-5, np.dtype(np.float64): 1e-12}
    assert_same(got, expected, rtol=rtol.get(expected.dtype), atol=0.5 if expected.dtype == np.float16 else 1e-9,
                what=f"{name}(axis={axis})")


@SETTINGS
@given(data=st.data(), shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5))
def test_integer_array_indexing(data, shape):
    x = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    index = data.draw(hnp.integer_array_indices(shape, result_shape=hnp.array_shapes(
        min_dims=0, max_dims=2, max_side=3)))
    assert_same(mljit.jit(lambda x, i: x[i])(x, index), x[index], what=str(index))


@SETTINGS
@given(data=st.data(), shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=5))
def test_basic_indexing(data, shape):
    x = np.arange(int(np.prod(shape)), dtype=np.int32).reshape(shape)
    index = data.draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True))
    assert_same(mljit.jit(lambda x: x[index])(x), np.asarray(x[index]), what=str(index))


@SETTINGS
@given(data=st.data(), dtype=dtypes,
       shapes=hnp.mutually_broadcastable_shapes(signature="(m?,n),(n,p?)->(m?,p?)", max_dims=4,
                                                max_side=4))
def test_matmul(data, dtype, shapes):
    a = data.draw(arrays(dtype, shapes.input_shapes[0]))
    b = data.draw(arrays(dtype, shapes.input_shapes[1]))
    expected = np.asarray(np.matmul(a, b))
    got = mljit.jit(np.matmul)(a, b)
    rtol = {np.dtype(np.float16): 1e-2, np.dtype(np.float32): 1e-5, np.dtype(np.float64): 1e-12}
    assert_same(got, expected, rtol=rtol.get(expected.dtype),
                atol=1.0 if expected.dtype == np.float16 else 1e-6)


@SETTINGS
@given(data=st.data(), dtype=dtypes,
       shape=hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=4))
def test_shape_functions(data, dtype, shape):
    x = data.draw(arrays(dtype, shape))
    ndim = len(shape)
    permutation = data.draw(st.permutations(range(ndim)))
    axis = data.draw(st.integers(-ndim, ndim - 1))
    other = data.draw(st.integers(-ndim, ndim - 1))
    sections = data.draw(st.sampled_from([d for d in range(1, 5) if shape[axis] % d == 0]
                                         or [1]))
    new_shape = data.draw(st.sampled_from([(-1,), (int(np.prod(shape)),), shape[::-1],
                                           (1,) + shape, shape + (1,)]))
    if np.prod(new_shape) != np.prod(shape) and -1 not in new_shape:
        new_shape = (-1,)

    def shapes(x):
        return [np.transpose(x, permutation), np.reshape(x, new_shape),
                np.swapaxes(x, axis, other), np.moveaxis(x, axis, other),
                np.expand_dims(x, axis), np.squeeze(x), np.concatenate([x, x], axis=axis),
                np.stack([x, x], axis=other), *np.split(x, sections, axis=axis),
                np.flip(x, axis), np.flip(x), np.cumsum(x, axis=axis)]

    with np.errstate(all="ignore"):
        expected = shapes(x)
    got = mljit.jit(shapes)(x)
    rtol = {np.dtype(np.float16): 1e-2, np.dtype(np.float32): 1e-5}
    for i, (g, e) in enumerate(zip(got, expected)):
        e = np.asarray(e)
        assert_same(g, e, rtol=rtol.get(e.dtype), atol=1e-2 if e.dtype == np.float16 else 0,
                    what=f"result {i}")
