"""Every index NumPy takes, for reading and writing, and in-place updates
with views, against NumPy itself."""

import operator
import re

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import mljit
from checks import assert_same

SETTINGS = settings(max_examples=30, deadline=None, derandomize=True)
SHAPES = st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple)


@st.composite
def entries(draw, size):
    """One entry of an index for an axis of `size`, of every kind NumPy
    takes; (entry, whether it is an integer array)."""
    kind = draw(st.sampled_from(["int", "negative", "numpy int", "0-d", "slice", "list",
                                 "nested list", "range", "array", "mask"]))
    i = draw(st.integers(0, size - 1))
    if kind == "int":
        return i, False
    if kind == "negative":
        return i - size, False
    if kind == "numpy int":
        return np.int32(i), False
    if kind == "0-d":
        return np.array(i), False
    if kind == "slice":
        start = draw(st.none() | st.integers(-size - 1, size + 1))
        stop = draw(st.none() | st.integers(-size - 1, size + 1))
        step = draw(st.none() | st.sampled_from([1, 2, -1, -2, 3]))
        return slice(start, stop, step), False
    values = draw(st.lists(st.integers(-size, size - 1), min_size=1, max_size=3))
    if kind == "list":
        return values, True
    if kind == "nested list":
        return [values, values[::-1]], True
    if kind == "range":
        return range(i, size), True
    if kind == "mask":
        return np.array(draw(st.lists(st.booleans(), min_size=size, max_size=size))), True
    return np.array(values, np.int64), True


@st.composite
def keys(draw):
    shape = draw(SHAPES)
    used = draw(st.integers(1, len(shape)))
    key = [draw(entries(size))[0] for size in shape[:used]]
    if draw(st.booleans()):
        key.insert(draw(st.integers(0, len(key))), None)
    if draw(st.booleans()) and used < len(shape):
        key.insert(draw(st.integers(0, len(key))), Ellipsis)
    return shape, tuple(key) if len(key) != 1 or draw(st.booleans()) else key[0]


def numpy_result(function, *args):
    try:
        return function(*args), None
    except (IndexError, ValueError, TypeError) as error:
        return None, type(error)


@SETTINGS
@given(keys())
def test_reading_any_index_matches_numpy(case):
    shape, key = case
    x = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    expected, error = numpy_result(lambda: x[key])
    if error is not None:
        with pytest.raises(error):
            mljit.jit(lambda x: x[key], capture="constants")(x)
        return
    assert_same(mljit.jit(lambda x: x[key], capture="constants")(x), expected)


@SETTINGS
@given(keys(), st.sampled_from(["scalar", "broadcast", "full"]),
       st.sampled_from(["=", "+=", "*="]))
def test_writing_any_index_matches_numpy(case, value_kind, assignment):
    shape, key = case
    x = np.arange(np.prod(shape), dtype=np.float64).reshape(shape)
    try:
        selected = x[key].shape
    except (IndexError, ValueError):
        return
    value = {"scalar": 7.5, "broadcast": np.linspace(-1, 1, selected[-1] if selected else 1),
             "full": np.linspace(-1, 1, int(np.prod(selected))).reshape(selected)}[value_kind]

    def write(x, value):
        if assignment == "=":
            x[key] = value
        elif assignment == "+=":
            x[key] += value
        else:
            x[key] *= value
        return x

    expected, error = numpy_result(write, x.copy(), value)
    if error is not None:
        with pytest.raises(error):
            mljit.jit(write, capture="constants")(x.copy(), value)
        return
    got_input = x.copy()
    assert_same(mljit.jit(write, capture="constants")(got_input, value), expected)
    # NumPy wrote into the array passed: so does the jitted function.
    assert_same(got_input, expected)


@SETTINGS
@given(st.integers(1, 5), st.lists(st.integers(-5, 4), min_size=1, max_size=6))
def test_traced_indices_read_and_write_like_numpy(size, values):
    index = np.array([v % size for v in values])
    x = np.arange(size * 3, dtype=np.float32).reshape(size, 3)

    def update(x, index, rows):
        y = x[index] * 2
        x[index] = rows           # repeated indices: the last write wins
        x[index, 1] += 1          # buffered: each repeat adds once
        np.add.at(x, (index, 0), 10)  # unbuffered: every repeat adds
        return x, y

    rows = np.arange(len(values) * 3, dtype=np.float32).reshape(-1, 3)
    expected = update(x.copy(), index, rows)
    got = mljit.jit(update)(x.copy(), index, rows)
    for g, e in zip(got, expected):
        assert_same(g, e)


def test_lists_of_traced_scalars_and_ranges_index():
    def pick(x, i, j):
        return x[[i, j]], x[range(1, 3)], x[[[i], [j]], [0, 1]], x[np.int64(1), ..., None]

    x = np.arange(12.0).reshape(4, 3)
    expected = (x[[2, 0]], x[range(1, 3)], x[[[2], [0]], [0, 1]], x[np.int64(1), ..., None])
    for got, want in zip(mljit.jit(pick)(x, 2, 0), expected):
        assert_same(got, want)


def views_program(x):
    row = x[1]          # a view: sees later writes
    column = x[:, 0]
    transposed = x.T
    flat = x.reshape(-1)
    copied = x.copy()   # a copy: does not
    picked = x[[0, 2]]  # advanced indexing copies
    x[1, 1] = -1
    column[2] = -2      # a write through a view reaches x
    transposed[0, 3] = -3
    flat[-1] = -4
    x += 100
    return row, column, transposed, flat, copied, picked, x


def test_views_see_writes_and_copies_do_not():
    x = np.arange(12.0).reshape(4, 3)
    expected = views_program(x.copy())
    for got, want in zip(mljit.jit(views_program)(x.copy()), expected):
        assert_same(got, want)


def test_reshape_is_a_view_exactly_where_numpy_makes_one():
    def program(x):
        y = x.T.reshape(-1)     # not contiguous: a copy
        z = x[:, :2].reshape(2, 2, 2)  # a copy too
        w = x.reshape(2, 4)     # a view
        x[0, 0] = 50
        return y, z, w

    x = np.arange(8.0).reshape(4, 2)
    x = np.arange(16.0).reshape(4, 4)[:, :2].copy()
    for got, want in zip(mljit.jit(program)(x.copy()), program(x.copy())):
        assert_same(got, want)


def test_out_copyto_put_along_axis_fill_and_in_place_operators():
    def program(x, y, idx):
        np.add(x, 1, out=x)
        np.clip(y, -0.5, 0.5, out=y)
        z = np.zeros_like(x)
        np.copyto(z, y, where=y > 0)
        np.put_along_axis(x, idx, -7.0, axis=1)
        w = np.empty((2, 3))
        w.fill(3)
        w //= 2
        w **= 2
        x @= np.eye(3)
        return x, y, z, w

    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    idx = np.array([[2], [0]])
    expected = program(x.copy(), y.copy(), idx)
    for got, want in zip(mljit.jit(program)(x.copy(), y.copy(), idx), expected):
        assert_same(got, want, rtol=1e-15)


@pytest.mark.parametrize("program, error, message", [
    (lambda x: x.__setitem__(0, np.ones(4)), ValueError,
     r"could not broadcast input array from shape \(4,\) into shape \(3,\)"),
    (lambda x: x.__setitem__((0, 5), 1.0), IndexError, "index 5 is out of bounds"),
    (lambda x: np.add(x, 1.5, out=x.astype(np.int64)), TypeError,
     r"Cannot cast ufunc 'add' output from dtype\('float32'\) to dtype\('int64'\)"),
    (lambda x: np.broadcast_to(x[0], (2, 3)).__setitem__(0, 1.0), ValueError,
     "assignment destination is read-only"),
    (lambda x: operator.setitem(x[0, 0], (), 1.0), TypeError,
     "'numpy.float32' object does not support item assignment"),
])
def test_bad_writes_raise_like_numpy_at_the_users_line(program, error, message):
    x = np.zeros((2, 3), np.float32)
    with pytest.raises(error, match=message):
        program(x.copy())
    with pytest.raises(error, match=message) as raised:
        mljit.jit(lambda x: [program(x), x][1], capture="constants")(x)
    assert f"test_indexing_updates.py:{program.__code__.co_firstlineno}: " in str(raised.value)


def test_write_errors_name_the_users_line():
    def program(x):
        y = np.broadcast_to(x, (2, 3))
        y[0, 0] = 1.0
        return y

    line = program.__code__.co_firstlineno + 2
    with pytest.raises(ValueError, match=rf"test_indexing_updates.py:{line}: assignment "
                                         "destination is read-only"):
        mljit.jit(program)(np.zeros(3))


def test_writing_a_traced_mask_index_is_a_clear_error():
    def program(x):
        x[x > 0] = 0
        return x

    line = program.__code__.co_firstlineno + 1
    with pytest.raises(mljit.UnsupportedError,
                       match=rf"test_indexing_updates.py:{line}: boolean mask indexing"):
        mljit.jit(program)(np.ones(3))


@pytest.mark.parametrize("shape, index", [((3,), lambda i: i), ((3, 3), lambda i: (0, i)),
                                          ((3, 3), lambda i: (i, np.array(1)))])
def test_a_sequence_into_one_element_at_run_time_indices_is_refused(shape, index):
    """Found by the fuzzer: an element picked by integers only known at run
    time takes no sequence, as NumPy's, and as for integers known while
    tracing."""
    def write(x, i, v):
        x[index(i)] = v
        return x

    with pytest.raises(ValueError, match="setting an array element with a sequence"):
        write(np.zeros(shape, np.float32), 1, np.array([True]))
    with pytest.raises(ValueError, match=rf"test_indexing_updates.py:"
                                         rf"{write.__code__.co_firstlineno + 1}: setting an "
                                         "array element with a sequence"):
        mljit.jit(write)(np.zeros(shape, np.float32), 1, np.array([True]))


def test_a_value_that_cannot_be_converted_fails_before_an_empty_selection_is_checked():
    """Found by the fuzzer: NumPy converts the value before it checks an
    array index against an empty axis."""
    def write(a):
        v = a[None][np.array([False]),]
        v[..., np.array([-1])] = -np.inf
        return a

    a = np.array(3, np.int8)
    with pytest.raises(OverflowError, match="cannot convert float infinity to integer"):
        write(a.copy())
    with pytest.raises(OverflowError, match="cannot convert float infinity to integer"):
        mljit.jit(write)(a.copy())


def test_ravel_views_only_contiguous_arrays():
    """Found by the fuzzer: np.ravel of a broadcast row is a copy in NumPy
    (reshape(-1) would be a view), so a later write does not reach it."""
    def f(a):
        x = np.arange(6.0).reshape(2, 3)
        results = (np.ravel(x), np.ravel(x.T), np.ravel(np.broadcast_to(a, (2,))),
                   np.broadcast_to(a, (2,)).ravel(), a.reshape(-1))
        x[0, 0] = 100.0
        a[...] = -1.0
        return results

    for got, expected in zip(mljit.jit(f)(np.array(9.0)), f(np.array(9.0))):
        assert_same(got, expected)


@pytest.mark.parametrize("index", [lambda i: (i, 0), lambda i: (1, 0)])
@pytest.mark.parametrize("dtype, value", [
    (np.bool_, np.array([2], np.int8)), (np.bool_, np.array([[0.0]])), (np.bool_, [0, 0]),
    (np.bool_, []), (np.bool_, np.array([1, 2])), (np.bool_, np.zeros(0)),
    (np.int8, [3]), (np.int64, (3,)), (np.int32, np.array([3])), (np.float32, [3.0])])
def test_a_sequence_into_one_element_as_numpy(dtype, value, index):
    """Found by the fuzzer: NumPy writes the truth of a one-element array or
    of a list into one boolean element, and refuses sequences elsewhere (a
    list into integers with TypeError)."""
    def write(x, i):
        x[index(i)] = value
        return x

    arguments = (np.zeros((2, 2), dtype), np.array(1))
    try:
        expected = write(*arguments)
    except (TypeError, ValueError) as error:
        with pytest.raises(type(error), match=re.escape(str(error))):
            mljit.jit(write)(*arguments)
        return
    np.testing.assert_array_equal(mljit.jit(write)(*arguments), expected)


@pytest.mark.parametrize("value", [np.ones(2), np.ones(0)])
def test_an_empty_selection_checks_the_value_before_integers_into_an_empty_axis(value):
    """Found by the fuzzer: NumPy's assignment takes the selection's shape
    from the other axes, broadcasts the value to it, and only then checks
    integers into an empty axis."""
    def write(x, v):
        x[[2], :2:-1] = v
        return x

    with pytest.raises((IndexError, ValueError)) as expected:
        write(np.zeros((0, 1)), value)
    message = "index 2 is out of bounds" if expected.type is IndexError else r"\(2,\)"
    with pytest.raises(expected.type, match=message):
        mljit.jit(write)(np.zeros((0, 1)), value)


@pytest.mark.parametrize("target, index, values", [
    ((1,), 0, (1,)), ((3,), 0, (1, 1)), ((2, 3), (slice(None),), (1, 2, 3)),
    ((2, 3), 0, (1,)), ((4,), np.array([0, 0]), (1, 2)), ((1,), (None, 0), (1, 1))])
def test_add_at_values_must_broadcast_without_dropping_dimensions(target, index, values):
    """Found by the fuzzer: unlike an assignment, ufunc.at drops no leading
    unit dimension of the values."""
    def accumulate(a, b):
        np.add.at(a, index, b)
        return a

    arguments = (np.zeros(target), np.ones(values))
    try:
        expected = accumulate(*(x.copy() for x in arguments))
    except ValueError as error:
        with pytest.raises(ValueError, match=re.escape(str(error))):
            mljit.jit(accumulate)(*arguments)
        return
    np.testing.assert_array_equal(mljit.jit(accumulate)(*arguments), expected)


def test_integers_are_checked_before_a_sequence_into_one_element():
    """Found by the fuzzer: NumPy raises IndexError for an integer out of
    bounds before it looks at the value written."""
    def write(x, i, v):
        x[-1, i] = v
        return x

    with pytest.raises(IndexError, match="index -1 is out of bounds for axis 0 with size 0"):
        write(np.zeros((0, 1), np.int64), -3, np.array([7]))
    with pytest.raises(IndexError, match="index -1 is out of bounds for axis 0 with size 0"):
        mljit.jit(write)(np.zeros((0, 1), np.int64), -3, np.array([7]))


def test_np_array_of_a_list_casts_each_value_to_the_dtype():
    """Found by the fuzzer: np.array([x, 2.5, y], dtype=np.int8) casts each
    value to int8 on its own (an int64 wraps), not through float64."""
    def listed(a, b):
        return np.array([a, 2.5, b], dtype=np.int8)

    arguments = (np.array(2 ** 40 + 258, np.int64), np.array(-3, np.int64))
    np.testing.assert_array_equal(mljit.jit(listed)(*arguments), listed(*arguments))


def test_updates_are_in_place_in_the_compiled_code():
    def accumulate(x, rows):
        total = np.zeros((64, 64))
        for i in range(8):
            total[i] = rows[i]
            total[i + 8] += x[i]
        return total

    lowered = mljit.jit(accumulate).lower(np.ones((8, 64)), np.ones((8, 64)))
    text = lowered.as_text("bufferized")
    # The result's own buffer (the out-parameter), written in place by every
    # update: no update copies the whole array.
    assert not re.search(r"memref\.alloca?\(\)[^\n]*memref<64x64xf64>", text)
    assert text.count("memref.copy") <= 1 + 16  # the zeros, 8 rows, 8 sums
    assert "ml.update_slice" in lowered.as_text("ml")


@pytest.mark.parametrize("program, message", [
    (lambda x: np.multiply.at(x, [0], 2.0), "numpy.multiply.at is not supported"),
    (lambda x: np.random.shuffle(x), r"a random draw \(numpy.random shuffle\) whose "
                                     "arguments are traced arrays"),
])
def test_unsupported_writes_name_the_function_and_the_users_line(program, message):
    with pytest.raises(mljit.UnsupportedError,
                       match=rf"test_indexing_updates.py:{program.__code__.co_firstlineno}: "
                             rf".*{message}"):
        mljit.jit(program)(np.ones((2, 3)))


def test_fuzzer_found_writes_through_zero_d_views_and_reductions_over_no_axes():
    def through_view(a0):
        v0 = np.full_like(a0, 1, dtype=np.int8)
        v1 = v0[...]
        np.copyto(v1, -3, casting="safe")
        return v0

    def after_reduce(a0):
        v0 = np.minimum.reduce(a0, axis=(), keepdims=False)
        np.greater_equal(a0, a0, out=a0)
        return v0

    for program, argument in ((through_view, np.array(2.0)),
                              (after_reduce, np.array([[5]], np.int8))):
        assert_same(mljit.jit(program)(argument.copy()), program(argument.copy()))
