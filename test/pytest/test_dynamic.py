"""Symbolic sizes: one compiled variant for every size (`jit(dynamic=...)`),
against NumPy itself."""

import logging

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import mljit
from mljit.symbolic import Dim, Guard, evaluate, recording

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True)


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def layer_norm(x, g, b):
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return g * (x - mean) / np.sqrt(var + 1e-5) + b


def mlp(x, w1, b1, w2):
    h = np.tanh(x @ w1 + b1)
    return (h @ w2).T


def column_mean(x):
    return x.mean(axis=0), x.argmax(axis=0), x.reshape(-1, 2, x.shape[1] // 2).sum(axis=1)


def _rows(n, width=8, seed=0, dtype=np.float32):
    return np.random.default_rng(seed + n).standard_normal((n, width)).astype(dtype)


@pytest.mark.parametrize("function", [softmax, column_mean])
@SETTINGS
@given(sizes=st.lists(st.integers(2, 40), min_size=3, max_size=6))
def test_one_variant_serves_every_size(function, sizes):
    jitted = mljit.jit(function, dynamic=True)
    for n in sizes:
        x = _rows(n)
        got, expected = jitted(x), function(x)
        for g, e in zip(*(r if isinstance(r, tuple) else (r,) for r in (got, expected))):
            np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6)
            assert g.dtype == e.dtype and g.shape == e.shape
    assert jitted._cache_size() == 1


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_layer_norm_and_products_with_symbolic_rows(dtype):
    rng = np.random.default_rng(1)
    g, b = rng.standard_normal(16).astype(dtype), rng.standard_normal(16).astype(dtype)
    w1, b1 = rng.standard_normal((16, 32)).astype(dtype), rng.standard_normal(32).astype(dtype)
    w2 = rng.standard_normal((32, 16)).astype(dtype)
    norm, net = mljit.jit(layer_norm, dynamic=True), mljit.jit(mlp, dynamic=True)
    # Large enough for the BLAS call, small enough for the loops: both
    # branches of the run-time choice.
    for n in (2, 3, 17, 600):
        x = rng.standard_normal((n, 16)).astype(dtype)
        tolerance = dict(rtol=2e-4, atol=2e-5) if dtype == np.float32 else dict(rtol=1e-10)
        np.testing.assert_allclose(norm(x, g, b), layer_norm(x, g, b), **tolerance)
        np.testing.assert_allclose(net(x, w1, b1, w2), mlp(x, w1, b1, w2), **tolerance)
    assert norm._cache_size() == 1 and net._cache_size() == 1


def test_automatic_mode_compiles_once_more_for_the_sizes_that_change(caplog):
    calls = []

    def attend(q, k):
        if not isinstance(q, np.ndarray):  # traced
            calls.append(q.shape)
        return softmax(q @ k.T / np.sqrt(q.shape[-1]))

    jitted = mljit.jit(attend)
    rng = np.random.default_rng(2)
    with caplog.at_level(logging.INFO, logger="mljit"):
        for n in (4, 5, 6, 9, 31):
            q, k = rng.standard_normal((n, 8)), rng.standard_normal((n, 8))
            np.testing.assert_allclose(jitted(q, k), attend(q, k), rtol=1e-12)
    # Exact shapes first, then one variant with n symbolic (q and k change alike).
    assert jitted._cache_size() == 2
    assert len(calls) == 2 and calls[0] == (4, 8)
    assert isinstance(calls[1][0], Dim) and calls[1][1] == 8
    message = next(r.getMessage() for r in caplog.records if "dynamic variant" in r.getMessage())
    assert "'q' dimension 0 (s0)" in message and "'k' dimension 0 (s0)" in message


def test_a_decision_on_a_size_is_guarded():
    def branchy(x):
        if x.shape[0] > 4:
            return x * 2.0
        return x - 1.0

    jitted = mljit.jit(branchy, dynamic=True)
    for n in (8, 2, 6, 3, 5, 4):
        x = _rows(n, 4, dtype=np.float64)
        np.testing.assert_array_equal(jitted(x), branchy(x))
    # One variant for n > 4, one for n <= 4.
    assert jitted._cache_size() == 2


def test_sizes_zero_and_one_get_their_own_variant():
    jitted = mljit.jit(softmax, dynamic=True)
    for n in (5, 1, 7, 1):
        x = _rows(n)
        np.testing.assert_allclose(jitted(x), softmax(x), rtol=1e-6)
    assert jitted._cache_size() == 2
    x = np.zeros((0, 8), np.float32)
    assert jitted(x).shape == (0, 8)


@pytest.mark.parametrize("axis", [0, 1, None])
def test_cumsum_along_and_across_a_symbolic_size(axis):
    def running_total(x):
        return np.cumsum(x, axis=axis) * 2.0

    automatic = mljit.jit(running_total)
    for n in (4, 5, 9):
        x = _rows(n)
        np.testing.assert_allclose(automatic(x), running_total(x), rtol=1e-5)
    assert automatic._cache_size() == 2 and automatic._variants


def heads(x, w, count=4):
    """Attention with heads split and joined as NumPy model code does."""
    q, k, v = np.split(x @ w, 3, axis=-1)
    outputs = []
    for qh, kh, vh in zip(np.split(q, count, axis=-1), np.split(k, count, axis=-1),
                          np.split(v, count, axis=-1)):
        scores = qh @ kh.T / np.sqrt(qh.shape[-1])
        outputs.append(softmax(scores) @ vh)
    return np.hstack(outputs), x[:3], x[:, ::2]


def test_split_heads_slices_and_joins_with_symbolic_rows():
    rng = np.random.default_rng(3)
    w = rng.standard_normal((16, 48)).astype(np.float32) * 0.3
    jitted = mljit.jit(heads)
    for n in (5, 6, 9, 3, 17):
        x = rng.standard_normal((n, 16)).astype(np.float32)
        for got, expected in zip(jitted(x, w), heads(x, w)):
            np.testing.assert_allclose(got, expected, rtol=2e-5, atol=2e-6)
    # Exact shapes, one variant for n >= 3 (x[:3] needs 3 rows).
    assert jitted._cache_size() == 2


def test_writes_into_rows_of_symbolic_length():
    def update(x, row):
        x[:, 1:3] = row[:2]
        x[1] += 1.0
        return x * 2.0

    jitted = mljit.jit(update, dynamic=True)
    for n in (5, 7, 2):
        x, row = _rows(n, 4, dtype=np.float64), np.arange(4.0)
        expected_x = x.copy()
        expected = update(expected_x, row)
        np.testing.assert_array_equal(jitted(x, row), expected)
        np.testing.assert_array_equal(x, expected_x)  # written back, as NumPy
    assert jitted._cache_size() == 1


def test_arguments_that_disagree_on_a_symbol_compile_again():
    def add(a, b):
        return a + b

    jitted = mljit.jit(add, dynamic=True)
    np.testing.assert_array_equal(jitted(np.ones(5), np.ones(5)), 2 * np.ones(5))
    with pytest.raises(ValueError, match="broadcast"):
        jitted(np.ones(5), np.ones(6))
    assert jitted(np.ones((3, 1)), np.ones(6)).shape == (3, 6)


def test_dynamic_is_checked():
    with pytest.raises(ValueError, match="dynamic must be None, True or False"):
        mljit.jit(softmax, dynamic="yes")


def test_dim_arithmetic_and_guards():
    n, h = Dim.symbol("n", 6), Dim.symbol("h", 4)
    size = n * h * 8
    assert evaluate(size // (n * h), {"n": 3, "h": 5}) == 8
    assert (size // 8) - n * h == 0
    assert evaluate(n // 4 + n % 4, {"n": 11}) == 2 + 3
    assert repr(2 * n + 1) == "2*n + 1"
    guards = []
    with recording(guards):
        assert n == n and not (n + 1 == n)
        assert guards == []  # settled by the symbols alone
        assert n > 4 and int(h) == 4
    assert guards == [Guard(n, ">", 4, True), Guard(h, "==", 4, True)]
    assert guards[0].holds({"n": 5, "h": 4}) and not guards[0].holds({"n": 4, "h": 4})


def made_inside(x):
    n = x.shape[0]
    positions = np.arange(n) * 2 + 1
    mask = np.tri(n, dtype=bool)
    total = np.zeros((n, x.shape[1])) + np.ones(n)[:, None]
    scores = np.where(mask, x @ x.T, -1e9)
    return positions, np.tril(scores), np.triu(x @ x.T, 1), total + np.full((n, 1), 2.0)


def test_arrays_made_inside_with_a_symbolic_size():
    jitted = mljit.jit(made_inside, dynamic=True)
    for n in (3, 8, 5):
        x = _rows(n, 6, dtype=np.float64)
        for got, expected in zip(jitted(x), made_inside(x)):
            np.testing.assert_allclose(got, expected, rtol=1e-12)
            assert got.dtype == expected.dtype
    assert jitted._cache_size() == 1


def test_a_gpt2_forward_serves_every_length_with_one_variant():
    import sys
    import os
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "examples"))
    import models

    rng = np.random.default_rng(4)
    blocks = [models.gpt2_block_params(rng, 32, 0.05) for _ in range(2)]
    wte, wpe = models.normal(rng, (64, 32), 0.05), models.normal(rng, (16, 32), 0.02)
    ln_f = {"g": np.ones(32, np.float32), "b": np.zeros(32, np.float32)}

    def forward(ids, wte, wpe, blocks, ln_f):
        return models.gpt2(ids, wte, wpe, blocks, ln_f, heads=4)

    jitted = mljit.jit(forward)
    ids = rng.integers(0, 64, 3)
    for _ in range(6):
        np.testing.assert_allclose(jitted(ids, wte, wpe, blocks, ln_f),
                                   forward(ids, wte, wpe, blocks, ln_f), rtol=1e-5, atol=1e-6)
        ids = np.append(ids, rng.integers(0, 64))
    # The first length exactly, then one variant for every length.
    assert jitted._cache_size() == 2 and len(jitted._variants) == 1


def test_dynamic_shapes_name_and_tie_sizes():
    def masked(ids, mask, table):
        rows = table[ids]
        return np.where(mask, rows @ rows.T, 0.0)

    jitted = mljit.jit(masked, dynamic_shapes={"ids": ("n",), "mask": ("n", "n")})
    rng = np.random.default_rng(5)
    table = rng.standard_normal((10, 4))
    for n in (3, 6, 4):
        ids, mask = rng.integers(0, 10, n), np.tri(n, dtype=bool)
        np.testing.assert_allclose(jitted(ids, mask, table), masked(ids, mask, table),
                                   rtol=1e-12)
    assert jitted._cache_size() == 1
    with pytest.raises(ValueError, match="calls dimension 0 of 'mask' \\(size 6\\) 'n', "
                                         "which is 5 elsewhere"):
        jitted(np.zeros(5, np.int64), np.ones((6, 6), bool), table)


@pytest.mark.parametrize("spec, message", [
    ({"ids": "n"}, "must map argument names to tuples"),
    ({"idz": ("n",)}, "no array argument has that name"),
    ({"ids": ("n", "m")}, "it has shape \\(3,\\)")])
def test_dynamic_shapes_are_checked(spec, message):
    with pytest.raises(ValueError, match=message):
        mljit.jit(lambda ids: ids + 1, dynamic_shapes=spec)(np.arange(3))


def test_the_automatic_mode_falls_back_on_any_failure_of_symbolic_sizes(caplog):
    def shaped(x):
        # A format for ints only: a symbolic size raises TypeError there.
        return x * int(f"{x.shape[0]:d}")

    jitted = mljit.jit(shaped)
    with caplog.at_level(logging.INFO, logger="mljit"):
        for n in (4, 5, 6):
            x = _rows(n)
            np.testing.assert_array_equal(jitted(x), shaped(x))
    assert not jitted._variants and jitted._cache_size() == 3
    assert any("symbolic sizes failed (TypeError)" in r.getMessage() for r in caplog.records)
    with pytest.raises(TypeError):
        mljit.jit(shaped, dynamic=True)(_rows(4))


def test_a_symbolic_size_that_is_one_stretches_when_broadcast():
    # np.split's second part has n - 4 elements: 1 at n = 5, where it
    # broadcasts against n (found by fuzz.py --dynamic: garbage was read).
    def f(a):
        v = np.reshape(a, (-1,))
        tail = np.split(np.full_like(v, True, dtype=np.float64), [4])[1]
        return np.clip(tail, v, None)

    a = np.array([[-3, 5, 7, -128, 2]], np.int8)
    jitted = mljit.jit(f, dynamic=True)
    for _ in range(3):
        np.testing.assert_array_equal(jitted(a), f(a))


def test_a_symbolic_size_reshaped_to_a_static_shape():
    # The reshape pins the size (a guard); lowering casts the flat tensor to
    # its known length (an upstream canonicalization asserted otherwise).
    def f(a):
        return np.reshape(a, (1, 1, 2, 1)).max(axis=-4, keepdims=True)

    a = np.array([1.5, -2.0], np.float32)
    np.testing.assert_array_equal(mljit.jit(f, dynamic=True)(a), f(a))


def test_an_empty_array_reshaped_to_a_symbolic_shape():
    # a3 keeps its size 0 (a guard), the reshape's result has a symbolic
    # size: expand-strided-metadata asserted on the static 0 expanded into
    # it; found by fuzz.py --dynamic.
    def f(a1, a3):
        v0 = np.split(a1, [1, 2], axis=2)[2]
        return np.tensordot(v0.take([[0, 0], [0, -1]], axis=-3), a3, axes=1)

    a1 = np.array([[[True, False], [False, True], [True, True], [False, False]]])
    a3 = np.zeros(0, np.int64)
    result = mljit.jit(f, dynamic=True)(a1, a3)
    np.testing.assert_array_equal(result, f(a1, a3))
    assert result.dtype == f(a1, a3).dtype


def test_writes_whose_buffers_may_alias_free_them_with_flags_of_bytes():
    # The deallocation of buffers that may alias keeps ownership flags in a
    # buffer of i1, which finalize-memref-to-llvm asserted on (the process
    # aborted); found by fuzz.py --dynamic.
    def f(a0, a1, a2, a3, a4, a5):
        np.power(a1, a1, out=(a0,))
        a1[..., a2] += a3
        np.add.at(a1, (Ellipsis, a4), a5)
        return a1

    jitted = mljit.jit(f, dynamic=True)
    for n in (2, 3, 5):
        ours = [np.linspace(-2, 2, 2 * n * 8).astype(np.float16).reshape(n, 2, 4, 2),
                np.linspace(-3, 3, 2).astype(np.float16)]
        theirs = [a.copy() for a in ours]
        scalars = (-1, np.array(8), -2, np.bool(True))
        np.testing.assert_array_equal(jitted(*ours[:2], *scalars), f(*theirs[:2], *scalars))
        for got, want in zip(ours, theirs):
            np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("key", [slice(None, -2), slice(-3, None), slice(1, -1), slice(-1, None),
                                 slice(None, -9), slice(2, None)], ids=str)
def test_slices_with_negative_bounds_of_a_symbolic_size(key):
    # x[:-2] with x's size symbolic wrote nothing (its range was taken as
    # 0:-2, empty); found by fuzz.py --dynamic.
    def f(x, value):
        x[key] = value
        return x[key] * 2, x

    jitted = mljit.jit(f, dynamic=True)
    for n in (3, 5, 8):
        ours, theirs = np.arange(n, dtype=np.int32), np.arange(n, dtype=np.int32)
        for got, want in zip(jitted(ours, np.float64(5.5)), f(theirs, np.float64(5.5))):
            np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(ours, theirs)


def test_constant_indices_into_an_axis_of_symbolic_size():
    # Checked under a guard and wrapped at run time where negative; the
    # index arrays of take_along_axis span the symbolic axes. Found by
    # fuzz.py --dynamic (all were refused).
    def f(x, i, j):
        taken = np.take(x, [[1, -1], [0, -2]], axis=0) * 2
        x[:, 1] = i[:, 0]
        return taken, x[[-1, 0]], np.take_along_axis(x, j, axis=1)

    jitted = mljit.jit(f, dynamic=True)
    for n in (5, 6, 9):  # never 3 or 4, which dynamic=True would tie to sizes of j and x
        ours = np.arange(n * 4.0).reshape(n, 4)
        theirs = ours.copy()
        i, j = np.full((n, 1), 2), np.full((n, 3), -1)
        for got, want in zip(jitted(ours, i, j), f(theirs, i, j)):
            np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(ours, theirs)
    assert jitted._cache_size() == 1
    with pytest.raises(IndexError, match="index 1 is out of bounds for axis 0 with size 1"):
        jitted(np.ones((1, 4)), np.zeros((1, 1), np.int64), np.zeros((1, 3), np.int64))


def test_joining_sizes_that_differ_off_the_axis_raises_as_numpy_does():
    # Found by the fuzzer (--dynamic, seed 405, index 1191): the verifier
    # takes a symbolic size for any, so a 1 against a symbolic size was
    # joined, writing past the result (a later program then aborted).
    f = mljit.jit(lambda a, b: (np.vstack([a, b]), np.concatenate([a[None], b[None]])),
                  dynamic=True)
    for a, b in [(np.ones(1), np.ones(4)), (np.ones(5), np.zeros(6))]:
        with pytest.raises(ValueError, match="dimensions except for the concatenation axis"):
            np.vstack([a, b])
        with pytest.raises(ValueError, match="dimensions except for the concatenation axis"):
            f(a, b)
    for n in (3, 7):
        a, b = np.arange(n, dtype=float), -np.arange(n, dtype=float)
        got, expected = f(a, b), (np.vstack([a, b]), np.concatenate([a[None], b[None]]))
        assert all(np.array_equal(g, e) for g, e in zip(got, expected))


def test_put_along_axis_with_symbolic_sizes():
    # Its index arrays span the symbolic axes (np.arange of a size gave an
    # array of objects, refused as an index).
    def f(x, i):
        np.put_along_axis(x, i, -1.0, axis=1)
        return x

    jitted = mljit.jit(f, dynamic=True)
    for n in (3, 5):
        ours, i = np.arange(n * 4.0).reshape(n, 4), np.full((n, 1), 2)
        np.testing.assert_array_equal(jitted(ours.copy(), i), f(ours.copy(), i))


def test_powers_of_a_symbolic_size():
    # d ** 0.5 scales attention (a traced float); n ** 2 is a size.
    def f(x):
        n = x.shape[0]
        return x * (1.0 / x.shape[-1] ** 0.5), np.ones(n ** 2), 2.0 ** n

    jitted = mljit.jit(f, dynamic=True)
    for n in (2, 3, 6):
        x = np.arange(n * (n + 3), dtype=np.float32).reshape(n, n + 3)
        for got, want in zip(jitted(x), f(x)):
            np.testing.assert_allclose(got, want, rtol=1e-6)
            assert np.asarray(got).dtype == np.asarray(want).dtype
    assert jitted._cache_size() == 1


def test_calls_of_a_variant_take_the_c_path_and_keep_its_guards():
    # Positional arrays call a variant's kernel for their sizes from C (its
    # guards checked once per set of sizes); a call breaking a guard, or of
    # another dtype, takes the general path and compiles for it.
    def f(x):
        return x * 2 if x.shape[0] > 4 else x - 1

    jitted = mljit.jit(f, dynamic=True)
    for n in (6, 7, 3, 8, 2, 9, 3, 6):  # never 10, the width (dynamic=True would tie them)
        x = np.arange(n * 10.0).reshape(n, 10)
        np.testing.assert_array_equal(jitted(x), f(x))
    assert jitted._cache_size() == 2
    assert jitted._try_last_signature.__name__ == "_variant_try_call"
    x = np.arange(50, dtype=np.float32).reshape(5, 10)
    assert jitted(x).dtype == np.float32
    assert jitted._cache_size() == 3
