"""Plain NumPy code traced unchanged: NEP 13/18 dispatch of every supported
ufunc and function, NumPy 2 promotion, ndarray methods and operators, and the
errors for what is not supported (naming the function and the user's line)."""

import logging

import numpy as np
import pytest

import mljit
from checks import DTYPES, RTOL, assert_same, random_array
from mljit.numpy import FUNCTIONS, UFUNCS
from mljit.pytree import flatten

# Transcendental functions: libm and NumPy's SIMD code differ in the last bits.
TOLERANCE = {np.dtype(np.float16): 2e-3, np.dtype(np.float32): 1e-5,
             np.dtype(np.float64): 1e-12}


def assert_tree_same(got, expected, rtol=None, atol=0.0):
    got_leaves, got_tree = flatten(got)
    expected_leaves, expected_tree = flatten(expected)
    assert got_tree == expected_tree
    for i, (g, e) in enumerate(zip(got_leaves, expected_leaves)):
        e = np.asarray(e)
        assert_same(g, e, rtol=TOLERANCE.get(e.dtype) if rtol is None else rtol,
                    atol=atol, what=f"leaf {i}")


def numpy_loop_exists(ufunc, *args):
    try:
        with np.errstate(all="ignore"):
            ufunc(*args)
        return True
    except (TypeError, ValueError):
        return False


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_every_ufunc_through_numpy_dispatch(dtype, rng):
    x = random_array(rng, (4, 5), dtype, low=-3, high=4)
    y = random_array(rng, (5,), dtype, low=1, high=4)
    unary = [u for u in UFUNCS if u.nin == 1 and numpy_loop_exists(u, x)]
    binary = [u for u in UFUNCS if u.nin == 2 and numpy_loop_exists(u, x, y)]
    assert len(unary) + len(binary) > 10

    def everything(x, y):
        return [u(x) for u in unary] + [u(x, y) for u in binary]

    with np.errstate(all="ignore"):
        expected = everything(x, y)
    got = mljit.jit(everything)(x, y)
    names = [u.__name__ for u in unary + binary]
    for name, g, e in zip(names, got, expected):
        assert_same(g, e, rtol=TOLERANCE.get(e.dtype), what=name)


@pytest.mark.parametrize("left, right", [
    (np.float32, 2.0), (np.float16, 2), (np.int8, 3), (np.int32, 2.5), (np.bool_, 1),
    (np.float32, np.float64(2.0)), (np.int8, np.int64(3)), (np.float16, np.int32(7)),
], ids=str)
def test_nep50_promotion_with_scalars(left, right, rng):
    x = random_array(rng, (3,), left, low=1, high=5)
    f = mljit.jit(lambda x: (x * right, right - x, x / right, x > right, x // right))
    with np.errstate(all="ignore"):
        expected = (x * right, right - x, x / right, x > right, x // right)
    assert_tree_same(f(x), expected)


@pytest.mark.parametrize("left", DTYPES, ids=str)
def test_array_array_promotion(left, rng):
    x = random_array(rng, (3,), left, low=1, high=5)
    others = [random_array(rng, (3,), d, low=1, high=5) for d in DTYPES]

    def promote(x, others):
        return [x + o for o in others], [x / o for o in others], [x == o for o in others]

    with np.errstate(all="ignore"):
        expected = promote(x, others)
    assert_tree_same(mljit.jit(promote)(x, others), expected)


def test_reductions_follow_numpy_dtypes(rng):
    i32 = random_array(rng, (4, 3), np.int32)
    b = random_array(rng, (4, 3), np.bool_)
    f16 = random_array(rng, (4, 3), np.float16)

    def reductions(i32, b, f16):
        return (np.sum(i32), i32.sum(axis=0), np.prod(b, axis=1), np.mean(i32), f16.mean(),
                np.cumsum(i32), np.var(i32), b.sum(), np.max(i32, axis=1), np.all(b, axis=0),
                np.any(i32), np.std(f16, axis=1))

    assert_tree_same(mljit.jit(reductions)(i32, b, f16), reductions(i32, b, f16),
                     rtol=2e-3)


FUNCTION_CASES = {
    "reductions": lambda x: (np.var(x, axis=0), np.std(x, ddof=1), np.all(x > -10),
                             np.any(x > 1, axis=1), np.cumsum(x, axis=1), np.cumsum(x),
                             np.add.reduce(x, axis=1), np.maximum.reduce(x),
                             np.add.accumulate(x), np.amax(x, axis=(0, 1)), np.amin(x),
                             np.argmax(x), np.argmin(x, axis=0, keepdims=True),
                             np.clip(x, -0.5, 0.5), np.clip(x, None, 0), np.round(x, 2),
                             np.around(x * 10), np.linalg.norm(x), np.linalg.norm(x, axis=1),
                             np.linalg.norm(x, ord=np.inf, axis=0)),
    "shapes": lambda x: (np.swapaxes(x, 0, 1), np.moveaxis(x[None], 0, -1), np.ravel(x),
                         np.squeeze(x[None, :, None]), np.expand_dims(x, (0, 2)),
                         np.stack([x, x], axis=1), np.split(x, 2, axis=1), np.hstack([x, x]),
                         np.vstack([x, x[0]]), np.triu(x), np.tril(x, -1), np.zeros_like(x),
                         np.ones_like(x, dtype=np.int8), np.full_like(x, 2.5),
                         np.array_split(x, 3, axis=1), np.atleast_2d(x[0]),
                         np.concatenate([x, x], axis=None), np.reshape(x, (2, -1)),
                         np.transpose(x), np.broadcast_to(x[:1], (5, 6)), np.copy(x),
                         np.astype(x, np.int32), np.matrix_transpose(x),
                         np.empty_like(x).shape, np.shape(x), np.ndim(x), np.size(x)),
    "linalg": lambda x: (np.dot(x, x.T), np.einsum("ij,kj->ik", x, x), np.einsum("ij->ji", x),
                         np.einsum("ij,ij->i", x, x), np.einsum("ij,jk,kl->il", x, x.T, x),
                         np.einsum("ij", x), np.einsum("bij,bjk->bik", x[None], x.T[None]),
                         np.outer(x[0], x[1]), np.tensordot(x, x.T, axes=1),
                         np.dot(x[0], x[0]), np.matmul(x, x.T), x @ x[0], np.dot(x, 2.0)),
    "methods": lambda x: (x.sum(), x.mean(axis=1), x.var(), x.std(axis=0), x.max(), x.min(0),
                          x.argmax(), x.argmin(axis=1), x.cumsum(0), x.clip(0, 1), x.round(1),
                          x.dot(x.T), x.ravel(), x.flatten(), x.squeeze(), x.swapaxes(0, 1),
                          x.copy(), x.take([0, 2], axis=1), x.astype(np.float64), x.T, x.mT,
                          x.reshape(2, -1), x.reshape((2, -1)), x.transpose(1, 0), x.prod(1),
                          x.all(), x.any(axis=0), x.nbytes, x.itemsize, x.ndim, x.size),
}


@pytest.mark.parametrize("case", FUNCTION_CASES, ids=str)
def test_numpy_functions_and_methods(case, rng):
    x = random_array(rng, (4, 6), np.float32, low=-2, high=2)
    function = FUNCTION_CASES[case]
    with np.errstate(all="ignore"):
        expected = function(x)
    assert_tree_same(mljit.jit(function)(x), expected, rtol=1e-5, atol=1e-6)


def test_integer_and_bitwise_operators(rng):
    i = random_array(rng, (3, 4), np.int32, low=-40, high=40)
    b = random_array(rng, (3, 4), np.bool_)

    def bits(i, b):
        return (i & 3, i | 4, i ^ 1, ~i, i << 2, i >> 1, i << 40, i >> 40, ~b, b & (i > 0),
                b | b, b ^ True, divmod(i, 3), 3 & i, np.invert(b), np.left_shift(i, -1),
                np.logical_xor(i, b), np.reciprocal(i))

    with np.errstate(all="ignore"):
        expected = bits(i, b)
    assert_tree_same(mljit.jit(bits)(i, b), expected)


def test_ndarray_on_the_left_dispatches(rng):
    x = random_array(rng, (3,), np.float32)
    n = random_array(rng, (3,), np.float64)
    f = mljit.jit(lambda x: (n + x, n * x, n @ x, n > x, np.float32(2) ** x, n - x))
    assert_tree_same(f(x), (n + x, n * x, n @ x, n > x, np.float32(2) ** x, n - x))


def test_numpy_ufuncs_of_python_scalars_are_strongly_typed(rng):
    # Found by the fuzzer: np.exp(2.0) is a float64 NumPy scalar, so times
    # float32 it is float64; only Python's own arithmetic (2.0 + 2.0) is weak.
    x = random_array(rng, (3,), np.float32)

    def f(s, x):
        return np.exp(s) * x, np.add(s, s) * x, (s + s) * x, -s * x

    for got, expected in zip(mljit.jit(f)(2.0, x), f(2.0, x)):
        assert_same(got, expected, rtol=RTOL[expected.dtype])


def test_comparing_python_scalar_arguments():
    # Found by the fuzzer: two weak ints resolved np.equal to dtype object;
    # NumPy compares Python scalars in their default dtypes.
    def f(i, r):
        return np.equal(i, i), np.not_equal(i, 3), np.less(i, r), np.add(i, i)

    for got, expected in zip(mljit.jit(f)(2, 2.5), f(2, 2.5)):
        assert_same(got, expected)


def test_numpy_calls_without_traced_arguments_become_constants(rng):
    x = random_array(rng, (4,), np.float32)

    def f(x):
        ramp = np.arange(4) * np.sqrt(2.0)
        return x + ramp, np.tri(3) @ np.ones(3), x * np.pi

    text = mljit.jit(f).lower(x).as_text()
    assert "ml.constant dense<" in text
    assert_tree_same(mljit.jit(f)(x), f(x))


ADVANCED_INDICES = [
    ([0, 2],), ([[0], [2]],), (slice(None), [1, 3, 0]), ([0, 1], slice(1, 3)), (-1, [-1]),
    (0, [1, 2]), ([0, 2], [1, 5]), ([[0], [2]], [1, 5]), (slice(None), None, [0, 0, 3]),
    ([1, 2], slice(None), [0, 1]), (Ellipsis, [2, 0]), ([], slice(None)),
    (np.array([3, 0, 2]),), ([[0, 1], [2, 3]], 0),
    # Found by the fuzzer: `...` keeps the indices apart even where it stands
    # for no axis, so the indexed axes go first.
    (slice(None), [0], Ellipsis, [1]), (slice(None), 0, Ellipsis, [1]),
]


@pytest.mark.parametrize("index", ADVANCED_INDICES, ids=str)
def test_integer_array_indexing_matches_numpy(index, rng):
    x = random_array(rng, (4, 6, 3), np.float32)
    assert_same(mljit.jit(lambda x: x[index])(x), x[index])


def _take_own_remainders(x):
    v = np.amax(x, axis=-1)
    return np.take(v, v % 6, axis=None)


def _mean_of_take(x):
    v = _take_own_remainders(x)
    return v.mean(axis=0).reshape(3, 1), x, v.mean(axis=0).reshape(3, 1)


@pytest.mark.parametrize("program, values", [
    (_take_own_remainders, [5, 7, 2, 1, 9, 4]),
    (_mean_of_take, [9, 10, 8, -4, 7, -5]),
], ids=["gather_after_stores", "mask_register_kept"])
def test_gathers_of_an_array_just_computed(program, values):
    # Found by the fuzzer: LLVM 22 miscompiles both on AVX-512 hosts: its SLP
    # vectorizer put a masked gather before the stores it reads, and
    # X86CompressEVEX erases the definition of a mask register still read
    # (both avoided by compiler.WORKAROUNDS).
    x = np.array(values, np.int32).reshape(2, 3, 1)
    assert_tree_same(mljit.jit(program)(x), program(x))


def test_float16_mean_of_exp2_of_int8():
    # Found by the fuzzer (seed 303, index 3516) with AVX-512 on but AVX-512VL
    # off, the narrower workaround tried for X86CompressEVEX: the float16
    # means came out NaN and 1 where NumPy has inf (compiler.WORKAROUNDS).
    f = lambda v: np.exp2(v).mean(axis=0)  # noqa: E731
    a = np.array([-3, 0, 10, -10, -9, 3, -7, 8, -1, -8, 0, 10, 0, 6, -8, -2, 9, 5, 127, 127,
                  8, 6, -128, 10], np.int8).reshape(4, 2, 3)
    with np.errstate(over="ignore"):
        assert_same(mljit.jit(f)(a), f(a))


def test_outer_product_of_clipped_casts():
    # Found by the fuzzer: tuned to prefer no scatters (a workaround tried
    # in compiler.WORKAROUNDS), LLVM 22 failed an assertion compiling this.
    def f(x, low):
        clipped = np.clip(x, low, np.inf)
        return np.outer(np.where(np.isfinite(clipped), np.clip(clipped, -100, 100), 0).astype(int), low)

    x = np.arange(-24, 24, dtype=np.int8).reshape(4, 1, 3, 4)
    assert_same(mljit.jit(f)(x, np.array(3, np.int32)), f(x, np.array(3, np.int32)))


def test_einsum_of_an_empty_sum_is_zeros():
    # Found by the fuzzer: with the index of one operand summed out first,
    # NaN * (sum of nothing) made NaN where NumPy sums no product at all.
    x, y = np.full((5, 1, 4), np.nan, np.float32), np.ones((1, 0, 5, 4), np.int64)
    for spec in ("abc,bgac->", "abc,bgac->a", "abc,bgac->ga"):
        f = lambda x, y: np.einsum(spec, x, y)  # noqa: E731
        assert_same(mljit.jit(f)(x, y), f(x, y), what=spec)


def test_embedding_lookup_with_traced_indices(rng):
    table = random_array(rng, (10, 4), np.float32)
    ids = rng.integers(-10, 10, (2, 5))
    f = mljit.jit(lambda table, ids: (table[ids], table[ids, 1:3], table[:, ids[0, :2] % 4],
                                      np.take(table, ids, axis=0), table[ids[0], ids[1] % 4]))
    assert_tree_same(f(table, ids), (table[ids], table[ids, 1:3], table[:, ids[0, :2] % 4],
                                     np.take(table, ids, axis=0), table[ids[0], ids[1] % 4]))


def test_constant_out_of_bounds_index_raises_like_numpy():
    x = np.zeros((4, 3))
    with pytest.raises(IndexError, match="index 4 is out of bounds for axis 0 with size 4"):
        mljit.jit(lambda x: x[[0, 4]])(x)
    with pytest.raises(IndexError, match="shape mismatch"):
        mljit.jit(lambda x: x[[0, 1], [0, 1, 2]])(x)


def test_traced_out_of_bounds_indices_are_clamped():
    # NumPy would raise; compiled code has no error channel, so (as in JAX)
    # an index past either end reads the nearest element.
    table = np.arange(5.0)
    got = mljit.jit(lambda t, i: t[i])(table, np.array([7, -9, -1, 2]))
    assert_same(got, np.array([4.0, 0.0, 4.0, 2.0]))


def line_of(function, offset):
    return function.__code__.co_firstlineno + offset


def test_unsupported_function_names_it_and_the_line():
    def unique(x):
        return np.unique(x)

    with pytest.raises(mljit.UnsupportedError,
                       match=rf"test_numpy_api.py:{line_of(unique, 1)}: the NumPy function "
                             r"numpy.unique is not supported by mljit"):
        mljit.jit(unique)(np.ones(3))


def test_unsupported_ufunc_and_ufunc_method_name_them():
    def hypot(x):
        return np.hypot(x, x)

    def outer(x):
        return np.add.outer(x, x)

    with pytest.raises(mljit.UnsupportedError,
                       match=rf"test_numpy_api.py:{line_of(hypot, 1)}: the NumPy ufunc numpy.hypot"):
        mljit.jit(hypot)(np.ones(3))
    with pytest.raises(mljit.UnsupportedError,
                       match=rf"test_numpy_api.py:{line_of(outer, 1)}: numpy.add.outer"):
        mljit.jit(outer)(np.ones(3))


def test_unsupported_keywords_are_errors_not_ignored():
    def with_where(x):
        return np.sum(x, where=x > 0)

    with pytest.raises(mljit.UnsupportedError,
                       match=rf"test_numpy_api.py:{line_of(with_where, 1)}: numpy.sum with "):
        mljit.jit(with_where)(np.ones(3))


def test_boolean_mask_indexing_is_a_clear_error():
    def masked(x):
        return x[x > 0]

    with pytest.raises(mljit.UnsupportedError,
                       match=rf"test_numpy_api.py:{line_of(masked, 1)}: boolean mask indexing "
                             r".* depends on the data"):
        mljit.jit(masked)(np.ones(3))


def test_one_argument_where_is_a_clear_error():
    def positions(x):
        return np.where(x > 0)

    with pytest.raises(mljit.UnsupportedError,
                       match=rf"test_numpy_api.py:{line_of(positions, 1)}: numpy.where with one "
                             r"argument"):
        mljit.jit(positions)(np.ones(3))


def test_data_dependent_control_flow_gives_numpys_answer():
    def branch(x):
        if x.sum() > 0:
            return x
        return -x

    for x in (np.ones(3), -np.ones(3)):
        np.testing.assert_array_equal(mljit.jit(branch)(x), branch(x))


def test_converting_a_traced_array_to_numpy_is_a_clear_error():
    def to_numpy(x):
        return np.ascontiguousarray(x) + 1

    with pytest.raises(mljit.ConcretizationError,
                       match=rf"test_numpy_api.py:{line_of(to_numpy, 1)}: converting it to a NumPy"):
        mljit.jit(to_numpy)(np.ones(3))


def test_recompilation_is_explained(caplog):
    @mljit.jit(static_argnames="mode")
    def scale(x, mode="double"):
        return x * 2 if mode == "double" else x

    with caplog.at_level(logging.INFO, logger="mljit"):
        scale(np.ones(3, np.float32))
        scale(np.ones(4, np.float32))
        scale(np.ones(4, np.float64))
        scale(np.ones(4, np.float64), mode="same")
    messages = [r.getMessage() for r in caplog.records if "recompiling" in r.getMessage()]
    assert len(messages) == 3
    assert "argument 'x' changed shape from (3,) to (4,)" in messages[0]
    assert "argument 'x' changed dtype from float32 to float64" in messages[1]
    assert "static argument 'mode' changed from '<not passed>' to 'same'" in messages[2]


def test_explain_logs_warnings(caplog):
    f = mljit.jit(lambda x: x + 1, explain=True)
    f(np.ones(2))
    with caplog.at_level(logging.WARNING, logger="mljit"):
        f(np.ones(3))
    assert any(r.levelno == logging.WARNING and "changed shape from (2,) to (3,)" in r.getMessage()
               for r in caplog.records)


def test_dispatch_tables_only_name_numpy_callables():
    for function in FUNCTIONS:
        assert callable(function)
    for ufunc in UFUNCS:
        assert isinstance(ufunc, np.ufunc)
