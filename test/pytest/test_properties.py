"""Property-based differential tests against NumPy (hypothesis): random
broadcastable shapes, dtypes, ops, axes and basic indices."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import mljit
import mljit.numpy as mnp
from checks import DTYPES, RTOL, assert_same
from test_elementwise import BINARY, UNARY

# Each example compiles a function (tens of ms); derandomized for CI.
SETTINGS = settings(max_examples=60, deadline=None, derandomize=True)
dtypes = st.sampled_from([np.dtype(d) for d in DTYPES])


def arrays(dtype, shape):
    elements = None
    if dtype.kind == "f":
        elements = st.floats(-100, 100, width=dtype.itemsize * 8, allow_subnormal=False)
    elif dtype.kind == "i":
        elements = st.integers(-100, 100)
    return hnp.arrays(dtype, shape, elements=elements)


@SETTINGS
@given(data=st.data(), dtype=dtypes, name=st.sampled_from(BINARY),
       shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=4))
def test_binary_ufuncs(data, dtype, name, shapes):
    a = data.draw(arrays(dtype, shapes.input_shapes[0]))
    b = data.draw(arrays(dtype, shapes.input_shapes[1]))
    if name == "power" and dtype.kind in "bi":
        b = np.abs(b) % 4
    try:
        with np.errstate(all="ignore"):
            expected = np.asarray(getattr(np, name)(a, b))
    except TypeError:
        return  # NumPy has no such loop (boolean subtract)
    got = mljit.jit(getattr(mnp, name))(a, b)
    assert_same(got, expected, rtol=RTOL.get(expected.dtype), what=name)


@SETTINGS
@given(data=st.data(), dtype=dtypes, name=st.sampled_from(UNARY),
       shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
def test_unary_ufuncs(data, dtype, name, shape):
    x = data.draw(arrays(dtype, shape))
    try:
        with np.errstate(all="ignore"):
            expected = np.asarray(getattr(np, name)(x))
    except TypeError:
        return
    assert_same(mljit.jit(getattr(mnp, name))(x), expected, rtol=RTOL.get(expected.dtype), what=name)


@SETTINGS
@given(data=st.data(), dtype=dtypes, name=st.sampled_from(["sum", "prod", "max", "min", "mean"]),
       shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4),
       keepdims=st.booleans())
def test_reductions(data, dtype, name, shape, keepdims):
    x = data.draw(arrays(dtype, shape))
    axis = data.draw(st.none() | hnp.valid_tuple_axes(len(shape)))
    with np.errstate(all="ignore"):
        expected = np.asarray(getattr(np, name)(x, axis=axis, keepdims=keepdims))
    got = mljit.jit(lambda x: getattr(mnp, name)(x, axis=axis, keepdims=keepdims))(x)
    rtol = {np.dtype(np.float16): 2e-2, np.dtype(np.float32): 1e-5, np.dtype(np.float64): 1e-12}
    assert_same(got, expected, rtol=rtol.get(expected.dtype), atol=0.5 if expected.dtype == np.float16 else 1e-9,
                what=f"{name}(axis={axis})")


@SETTINGS
@given(data=st.data(), shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=5))
def test_basic_indexing(data, shape):
    x = np.arange(int(np.prod(shape)), dtype=np.int32).reshape(shape)
    index = data.draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True))
    assert_same(mljit.jit(lambda x: x[index])(x), np.asarray(x[index]), what=str(index))
