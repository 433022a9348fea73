"""Array functions (repeat, tile, append, pad, take_along_axis, diag,
diagonal, trace, roll, cumprod, logaddexp, sort, argsort) through `jit`,
against NumPy: hypothesis draws shapes, dtypes and arguments, and where
NumPy raises, mljit must raise the same exception type."""

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import mljit
import mljit.numpy as mnp
from checks import DTYPES, FLOAT_DTYPES, assert_same

# Each example compiles a function (0.1-0.5 s), so few examples per test;
# MLJIT_HYPOTHESIS_EXAMPLES=N (and MLJIT_HYPOTHESIS_RANDOM=1) explores further.
SETTINGS = settings(
    max_examples=int(os.environ.get("MLJIT_HYPOTHESIS_EXAMPLES", "20")),
    derandomize=not os.environ.get("MLJIT_HYPOTHESIS_RANDOM"),
    deadline=None,
)
dtypes = st.sampled_from([np.dtype(d) for d in DTYPES])
shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)
RTOL = {np.dtype(np.float16): 2e-3, np.dtype(np.float32): 2e-6, np.dtype(np.float64): 1e-13}


def arrays(dtype, shape, special=False):
    """Small values; `special` adds ties, infinities, NaN, -0.0 and the
    integer extremes (what sorting must order)."""
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        elements = st.floats(-100, 100, width=dtype.itemsize * 8, allow_subnormal=False)
        if special:
            elements = elements | st.sampled_from([np.inf, -np.inf, np.nan, -0.0, 0.0, 1.0])
    elif dtype.kind == "i":
        elements = st.integers(-100, 100)
        if special:
            info = np.iinfo(dtype)
            elements = elements | st.sampled_from([info.min, info.max, 0, 1])
    else:
        elements = None
    return hnp.arrays(dtype, shape, elements=elements)


def axes(ndim, none=True):
    valid = st.integers(-ndim, ndim - 1) if ndim else st.nothing()
    return st.none() | valid if none else valid


def check(jitted, function, *args, rtol=None, atol=0.0):
    """`jitted(*args)` matches `function(*args)` run by NumPy: the same
    results, or the same type of exception."""
    try:
        with np.errstate(all="ignore"):
            expected = function(*args)
    except Exception as error:
        with pytest.raises(type(error)):
            jitted(*args)
        return
    got = jitted(*args)
    if not isinstance(expected, tuple):
        got, expected = (got,), (expected,)
    for i, (g, e) in enumerate(zip(got, expected)):
        e = np.asarray(e)
        assert_same(g, e, rtol=RTOL.get(e.dtype) if rtol is None else rtol.get(e.dtype),
                    atol=atol, what=f"result {i} of {function.__name__}")


# One jitted function per NumPy function, its parameters static: each new
# signature compiles once.
def _repeat(x, repeats, axis):
    return np.repeat(x, repeats, axis), x.repeat(repeats, axis)


jit_repeat = mljit.jit(_repeat, static_argnums=(1, 2))


@SETTINGS
@given(data=st.data(), dtype=dtypes, shape=shapes)
def test_repeat(data, dtype, shape):
    x = data.draw(arrays(dtype, shape))
    axis = data.draw(axes(len(shape)))
    length = x.size if axis is None else shape[axis] if shape else 1
    counts = st.integers(0, 3)
    repeats = data.draw(
        counts | st.tuples(counts) | st.lists(counts, min_size=length, max_size=length).map(tuple)
        # NumPy raises for these:
        | st.just(-1) | st.just((1,) * (length + 1)))
    check(jit_repeat, _repeat, x, repeats, axis)


def _tile(x, reps):
    return np.tile(x, reps)


jit_tile = mljit.jit(_tile, static_argnums=1)


@SETTINGS
@given(data=st.data(), dtype=dtypes, shape=shapes)
def test_tile(data, dtype, shape):
    x = data.draw(arrays(dtype, shape))
    reps = data.draw(st.integers(0, 3) | st.lists(st.integers(0, 3), max_size=4).map(tuple)
                     | st.just((2, -1)))
    check(jit_tile, _tile, x, reps)


def _append(x, values, axis):
    return np.append(x, values, axis), np.append(x, 7, axis=None)


jit_append = mljit.jit(_append, static_argnums=2)


@SETTINGS
@given(data=st.data(), dtypes=st.tuples(dtypes, dtypes),
       shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=4))
def test_append(data, dtypes, shape):
    x = data.draw(arrays(dtypes[0], shape))
    axis = data.draw(axes(len(shape)))
    other = list(shape)
    if axis is not None:
        other[axis] = data.draw(st.integers(0, 3))
    if data.draw(st.booleans()):  # sometimes a shape NumPy rejects
        other = other[1:]
    values = data.draw(arrays(dtypes[1], tuple(other)))
    check(jit_append, _append, x, values, axis)


def pad_widths(ndim):
    width = st.integers(0, 6)  # wider than the axes: reflections repeat
    pair = st.tuples(width, width)
    return st.one_of(
        width, st.tuples(width), pair, st.tuples(pair),
        st.tuples(*[pair] * ndim), st.tuples(*[st.tuples(width)] * ndim),
        st.dictionaries(st.integers(-ndim, ndim - 1), width | pair, max_size=2)
        if ndim else st.just({}),
        st.just(-1), st.just((1.5, 2)))  # NumPy raises for these


def _pad(x, pad_width, mode, options):
    # (A dict pad_width comes as a tuple of items: static arguments are hashed.)
    if isinstance(pad_width, tuple) and pad_width and pad_width[0] == "dict":
        pad_width = dict(pad_width[1:])
    return np.pad(x, pad_width, mode, **dict(options))


jit_pad = mljit.jit(_pad, static_argnums=(1, 2, 3))


@SETTINGS
@given(data=st.data(), dtype=dtypes, shape=shapes,
       mode=st.sampled_from(["constant", "edge", "reflect", "symmetric", "wrap"]))
def test_pad(data, dtype, shape, mode):
    x = data.draw(arrays(dtype, shape))
    pad_width = data.draw(pad_widths(len(shape)))
    if isinstance(pad_width, dict):
        pad_width = ("dict", *pad_width.items())
    options = ()
    if mode == "constant" and data.draw(st.booleans()):
        value = st.integers(-5, 5) | st.floats(-5, 5, width=16)
        options = (("constant_values", data.draw(
            value | st.tuples(value, value) | st.tuples(*[st.tuples(value, value)] * len(shape))
        )),)
    check(jit_pad, _pad, x, pad_width, mode, options)


def test_pad_empty_mode_keeps_the_array_in_the_middle(rng):
    x = rng.random((2, 3))
    got = mljit.jit(lambda x: np.pad(x, ((1, 2), (0, 1)), mode="empty"))(x)
    assert got.shape == (5, 4) and got.dtype == x.dtype
    np.testing.assert_array_equal(got[1:3, :3], x)


def _take_along_axis(x, indices, axis):
    return np.take_along_axis(x, indices, axis)


jit_take_along_axis = mljit.jit(_take_along_axis, static_argnums=2)


# Constant indices: made inside from static values (arrays a jitted function
# reaches are traced).
def _take_along_constant_axis(x, values, shape, dtype, axis):
    return np.take_along_axis(x, np.array(values, dtype).reshape(shape), axis)


jit_take_along_constant_axis = mljit.jit(_take_along_constant_axis, static_argnums=(1, 2, 3, 4))


@SETTINGS
@given(data=st.data(), dtype=dtypes,
       shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
def test_take_along_axis(data, dtype, shape):
    x = data.draw(arrays(dtype, shape))
    axis = data.draw(axes(len(shape)))
    if axis is None:
        index_shape = (data.draw(st.integers(0, 5)),)
        size = x.size
    else:
        # The other axes broadcast against the array's (1 on either side).
        index_shape = tuple(data.draw(st.integers(0, 5)) if i == axis % len(shape)
                            else data.draw(st.sampled_from([1, n])) for i, n in enumerate(shape))
        size = shape[axis]
    index_dtype = data.draw(st.sampled_from([np.int8, np.int32, np.int64]))
    indices = data.draw(hnp.arrays(index_dtype, index_shape,
                                   elements=st.integers(-size, size - 1)))
    check(jit_take_along_axis, _take_along_axis, x, indices, axis)
    static = (tuple(indices.ravel().tolist()), indices.shape, indices.dtype, axis)
    assert_same(jit_take_along_constant_axis(x, *static), np.take_along_axis(x, indices, axis))


def test_take_along_axis_with_argsort_and_argmax(rng):
    x = rng.random((4, 6))

    def ordered(x):
        return (np.take_along_axis(x, np.argsort(x, axis=1), axis=1),
                np.take_along_axis(x, np.argmax(x, axis=0, keepdims=True), axis=0))

    for got, expected in zip(mljit.jit(ordered)(x), ordered(x)):
        assert_same(got, expected)


def _diagonals(x, offset, axis1, axis2):
    return (np.diagonal(x, offset, axis1, axis2), x.diagonal(offset, axis1, axis2),
            np.trace(x, offset, axis1, axis2), x.trace(offset, axis1, axis2, dtype=np.float32))


jit_diagonals = mljit.jit(_diagonals, static_argnums=(1, 2, 3))


@SETTINGS
@given(data=st.data(), dtype=dtypes,
       shape=hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=4))
def test_diagonal_and_trace(data, dtype, shape):
    x = data.draw(arrays(dtype, shape))
    ndim = len(shape)
    offset = data.draw(st.integers(-5, 5))
    axis1, axis2 = data.draw(axes(ndim, none=False)), data.draw(axes(ndim, none=False))
    check(jit_diagonals, _diagonals, x, offset, axis1, axis2,
          rtol={np.dtype(np.float16): 2e-2, np.dtype(np.float32): 1e-6,
                np.dtype(np.float64): 1e-13}, atol=0.5 if dtype == np.float16 else 1e-9)


def _diag(x, k):
    return np.diag(x, k)


jit_diag = mljit.jit(_diag, static_argnums=1)


@SETTINGS
@given(data=st.data(), dtype=dtypes,
       shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5))
def test_diag(data, dtype, shape):
    x = data.draw(arrays(dtype, shape))
    check(jit_diag, _diag, x, data.draw(st.integers(-6, 6)))


def _roll(x, shift, axis):
    return np.roll(x, shift, axis)


jit_roll = mljit.jit(_roll, static_argnums=(1, 2))


@SETTINGS
@given(data=st.data(), dtype=dtypes, shape=shapes)
def test_roll(data, dtype, shape):
    x = data.draw(arrays(dtype, shape))
    ndim = len(shape)
    shift = st.integers(-9, 9)
    axis = data.draw(axes(ndim) | st.lists(axes(ndim, none=False), min_size=1, max_size=3)
                     .map(tuple) if ndim else st.none())
    shifts = data.draw(shift | st.lists(shift, min_size=1, max_size=3).map(tuple))
    check(jit_roll, _roll, x, shifts, axis)


def _cumprod(x, axis, dtype):
    return np.cumprod(x, axis, dtype), x.cumprod(axis)


jit_cumprod = mljit.jit(_cumprod, static_argnums=(1, 2))


@SETTINGS
@given(data=st.data(), dtype=dtypes,
       shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3))
def test_cumprod(data, dtype, shape):
    # At most 27 factors of magnitude 0.25..1.5: no float16 overflow, where
    # the scan's grouping and NumPy's left-to-right products could differ
    # by more than rounding (inf * 0 against a finite product * 0).
    magnitude = st.floats(0.25, 1.5, width=16)
    elements = (st.tuples(magnitude, st.booleans()).map(lambda m: -m[0] if m[1] else m[0])
                if dtype.kind == "f" else None)
    x = data.draw(hnp.arrays(dtype, shape, elements=elements))
    axis = data.draw(axes(len(shape)) | st.just(0))
    out_dtype = data.draw(st.none() | st.sampled_from([np.int8, np.float32, np.bool_]))
    # Grouped differently, float products round differently.
    check(jit_cumprod, _cumprod, x, axis, out_dtype,
          rtol={np.dtype(np.float16): 2e-2, np.dtype(np.float32): 1e-5,
                np.dtype(np.float64): 1e-13}, atol=1e-3)


def test_cumprod_of_integers_wraps_as_numpy(rng):
    x = rng.integers(-100, 100, (3, 40)).astype(np.int32)
    got = mljit.jit(lambda x: (np.cumprod(x, axis=1), np.cumprod(x, axis=1, dtype=np.int32)))(x)
    assert_same(got[0], np.cumprod(x, axis=1))
    assert_same(got[1], np.cumprod(x, axis=1, dtype=np.int32))


jit_logaddexps = {ufunc: mljit.jit(ufunc) for ufunc in (np.logaddexp, np.logaddexp2)}


@SETTINGS
@given(data=st.data(), dtypes=st.tuples(dtypes, dtypes),
       shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=4))
def test_logaddexp(data, dtypes, shapes):
    a = data.draw(arrays(dtypes[0], shapes.input_shapes[0], special=True))
    b = data.draw(arrays(dtypes[1], shapes.input_shapes[1], special=True))
    for ufunc, jitted in jit_logaddexps.items():
        check(jitted, ufunc, a, b, rtol={np.dtype(np.float16): 1e-3, np.dtype(np.float32): 1e-6,
                                         np.dtype(np.float64): 1e-14})


def test_logaddexp_is_stable_and_handles_infinities():
    big = np.array([1000.0, -1000.0, np.inf, -np.inf, np.inf, np.nan, 3.0, -np.inf])
    other = np.array([1000.0, -1001.0, np.inf, -np.inf, -np.inf, 1.0, 3.0, 2.0])
    for dtype in FLOAT_DTYPES:
        a, b = big.astype(dtype), other.astype(dtype)
        with np.errstate(all="ignore"):
            expected = np.logaddexp(a, b), np.logaddexp2(a, b), np.logaddexp(a, 1.5)
        got = mljit.jit(lambda a, b: (np.logaddexp(a, b), mnp.logaddexp2(a, b),
                                      np.logaddexp(a, 1.5)))(a, b)
        for g, e in zip(got, expected):
            assert_same(g, e, rtol=RTOL[np.dtype(dtype)])


def _sorts(x, axis):
    return (np.sort(x, axis), np.argsort(x, axis), x.argsort(axis, kind="stable"),
            np.sort(x, axis, kind="heapsort"), np.argsort(x, axis, stable=True))


jit_sorts = mljit.jit(_sorts, static_argnums=1)


def _stable_sorts(x, axis):
    # argsort is stable for every kind: NumPy's stable order is the reference.
    return (np.sort(x, axis), np.argsort(x, axis, kind="stable"),
            np.argsort(x, axis, kind="stable"), np.sort(x, axis),
            np.argsort(x, axis, kind="stable"))


@SETTINGS
@given(data=st.data(), dtype=dtypes,
       shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=9))
def test_sort_and_argsort(data, dtype, shape):
    x = data.draw(arrays(dtype, shape, special=True))
    axis = data.draw(axes(len(shape)) | st.just(-1))
    check(jit_sorts, _stable_sorts, x, axis)


@pytest.mark.parametrize("shape, axis", [((1000,), -1), ((300, 7), 0), ((2, 3, 33), None)])
def test_sort_long_axes(shape, axis, rng):
    # O(n log^2 n) compare-exchanges in log^2 n layers: long axes compile
    # in seconds; ties and NaNs to check the order.
    x = rng.integers(-20, 20, shape).astype(np.float32)
    x[rng.random(shape) < 0.1] = np.nan
    got = mljit.jit(lambda x: (np.sort(x, axis), np.argsort(x, axis)))(x)
    assert_same(got[0], np.sort(x, axis))
    assert_same(got[1], np.argsort(x, axis, kind="stable"))


def _triangles(x, k):
    return np.tril(x, k), np.triu(x, k)


jit_triangles = mljit.jit(_triangles, static_argnums=1)


@SETTINGS
@given(data=st.data(), dtype=dtypes,
       shape=hnp.array_shapes(min_dims=2, max_dims=3, min_side=0, max_side=4))
def test_tril_and_triu_honour_k(data, dtype, shape):
    x = data.draw(arrays(dtype, shape))
    check(jit_triangles, _triangles, x, data.draw(st.integers(-5, 5)))


@pytest.mark.parametrize("function, args", [
    (np.repeat, ((2, 3), (1, 2), 1)), (np.repeat, ((2, 3), [[1, 2, 3]], 1)),
    (np.repeat, ((), 2, 1)), (np.repeat, ((2,), [1.0, 2.0], 0)),
    (np.tile, ((2,), (1.5,))),
    (np.pad, ((3,), 1, "bogus")), (np.pad, ((0,), 1, "edge")), (np.pad, ((3,), ((1, 2), (3, 4)))),
    (np.take_along_axis, ((3, 2), [0, 1, 0], 0)),
    (np.take_along_axis, ((3, 2), [[0.0, 1.0]], 0)),
    (np.take_along_axis, ((3, 2), [[0, 1]], None)),
    (np.take_along_axis, ((3, 2), [[5, 0]], 0)),
    (np.diag, ((2, 2, 2),)), (np.diag, ((3,), 1.0)), (np.diagonal, ((3,),)),
    (np.diagonal, ((3, 3), 0, 1, -1)), (np.diagonal, ((3, 3), 0, 0, 2)),
    (np.trace, ((3,),)), (np.roll, ((3, 2), [[1]], 0)), (np.roll, ((3, 2), 1, 2)),
    (np.cumprod, ((), 1)), (np.sort, ((),)), (np.argsort, ((), 1)),
    (np.sort, ((3,), -1, "bogus")), (np.argsort, ((3,), -1, None, "field")),
    (np.append, ((2, 3), [[1.0, 2.0], [3.0, 4.0]], 0)),
], ids=lambda v: getattr(v, "__name__", None))
def test_bad_arguments_raise_like_numpy(function, args):
    x = np.zeros(args[0], np.float32)

    def call(x):
        # Arrays a jitted function reaches are traced: these are made inside.
        return function(x, *(np.array(a) if isinstance(a, list) else a for a in args[1:]))

    with pytest.raises(Exception) as expected:
        call(x)
    with pytest.raises(expected.type):
        mljit.jit(call)(x)


def test_pad_constant_values_cast_as_numpy_stores_them():
    x = np.arange(4, dtype=np.int8)

    def padded(x):
        return np.pad(x, 1, constant_values=-1.7), np.pad(x.astype(bool), (1, 0), constant_values=2)

    for got, expected in zip(mljit.jit(padded)(x), padded(x)):
        assert_same(got, expected)
    with pytest.raises(OverflowError):
        mljit.jit(lambda x: np.pad(x, 1, constant_values=300))(x)
    with pytest.raises(ValueError):
        mljit.jit(lambda x: np.pad(x, 1, constant_values=np.nan))(x)


def test_arguments_made_in_the_traced_code_and_traced_fill_values(rng):
    x = rng.random((3, 4)).astype(np.float32)

    def made_inside(x, fill):
        return (np.repeat(x, np.array([1, 0, 2]), axis=0),
                np.roll(x, np.array([1, -1]), axis=(0, 1)), np.tile(x, np.array([2, 1])),
                np.pad(x, np.array([[1, 0], [0, 2]]), constant_values=fill),
                np.take_along_axis(x, np.array([[3], [0], [1]]), axis=1))

    fill = np.float64(-2.5)
    for got, expected in zip(mljit.jit(made_inside)(x, fill), made_inside(x, fill)):
        assert_same(got, expected)


def test_without_traced_arguments_numpy_runs():
    x = np.arange(6.0).reshape(2, 3)
    calls = [(mnp.repeat, (x, 2)), (mnp.tile, (x, 2)), (mnp.append, (x, 1)), (mnp.pad, (x, 1)),
             (mnp.take_along_axis, (x, np.zeros((2, 1), int), 1)), (mnp.diag, (x,)),
             (mnp.diagonal, (x,)), (mnp.trace, (x,)), (mnp.roll, (x, 1)), (mnp.cumprod, (x,)),
             (mnp.sort, (x,)), (mnp.argsort, (x,)), (mnp.logaddexp, (x, x))]
    for function, args in calls:
        expected = getattr(np, function.__name__)(*args)
        got = function(*args)
        assert type(got) is type(expected), function.__name__
        np.testing.assert_array_equal(got, expected)


def line_of(function, offset):
    return function.__code__.co_firstlineno + offset


def test_unsupported_arguments_name_the_function_and_the_line():
    def median_pad(x):
        return np.pad(x, 1, mode="median")

    def odd_reflection(x):
        return np.pad(x, 1, mode="reflect", reflect_type="odd")

    def traced_repeats(x, n):
        return np.repeat(x, n)

    def traced_shift(x, n):
        return np.roll(x, n)

    def function_pad(x):
        return np.pad(x, 1, mode=lambda vector, width, axis, options: None)

    cases = [
        (median_pad, "numpy.pad with mode='median'"),
        (odd_reflection, "numpy.pad with reflect_type='odd'"),
        (traced_repeats, "numpy.repeat with traced repeats"),
        (traced_shift, "numpy.roll with a traced shift"),
        (function_pad, "numpy.pad with a function as mode"),
    ]
    x, n = np.ones((2, 2)), np.array(2)
    for function, what in cases:
        arguments = (x,) if function.__code__.co_argcount == 1 else (x, n)
        with pytest.raises(mljit.UnsupportedError,
                           match=rf"test_numpy_arrays.py:{line_of(function, 1)}: {what}"):
            mljit.jit(function)(*arguments)
