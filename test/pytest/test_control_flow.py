"""JAX's explicit control flow (mljit.cond, while_loop, fori_loop, scan),
compiled to scf: each result compared with the same code run by NumPy
(the functions called outside a trace run as plain Python)."""

import inspect
import re

import numpy as np
import pytest

import mljit
from iterative import kmeans, newton_sqrt, power_iteration, rnn
from mljit import cond, fori_loop, scan, while_loop

RNG = np.random.default_rng(17)


def line_of(marker: str) -> int:
    """The line of this file holding `marker` (a comment at an error site)."""
    lines = inspect.getsource(inspect.getmodule(line_of)).splitlines()
    return next(i + 1 for i, text in enumerate(lines) if marker in text)


def assert_same(result, expected):
    leaves, expected_leaves = _leaves(result), _leaves(expected)
    assert len(leaves) == len(expected_leaves)
    for got, want in zip(leaves, expected_leaves):
        want = np.asarray(want)
        assert np.asarray(got).dtype == want.dtype, (got, want)
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-12)


def _leaves(tree):
    if isinstance(tree, (tuple, list)):
        return [leaf for item in tree for leaf in _leaves(item)]
    return [tree]


# -- cond --------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64])
@pytest.mark.parametrize("shape", [(), (5,), (3, 4)])
def test_cond_takes_the_branch_the_data_decides(dtype, shape):
    def f(x, y):
        return cond(x.sum() > y.sum(), lambda a, b: a * 2 + b, lambda a, b: a - b, x, y)

    jitted = mljit.jit(f)
    for _ in range(4):
        x = (RNG.standard_normal(shape) * 10).astype(dtype)
        y = (RNG.standard_normal(shape) * 10).astype(dtype)
        assert_same(jitted(x, y), f(x, y))


def test_cond_branches_return_pytrees_and_python_scalars():
    def f(x):
        return cond(x[0] > 0,
                    lambda: {"value": np.exp(x), "count": 1},
                    lambda: {"value": x * 0.0, "count": x.shape[0]})

    for x in (np.arange(3.0) + 1, -np.arange(3.0) - 1):
        result = mljit.jit(f)(x)
        assert_same([result["count"], result["value"]], [np.asarray(f(x)["count"]),
                                                          f(x)["value"]])


def test_a_python_scalar_branch_takes_the_other_branchs_dtype():
    f = mljit.jit(lambda x: cond(x.sum() > 0, lambda: x.sum(), lambda: 0.0))
    x = np.ones(3, np.float32)
    assert f(x).dtype == np.float32
    assert f(x) == 3 and f(-x) == 0


def test_a_numeric_condition_is_true_where_non_zero():
    f = mljit.jit(lambda n, x: cond(n, lambda: x + 1, lambda: x - 1))
    x = np.zeros(2)
    np.testing.assert_array_equal(f(np.int32(3), x), [1, 1])
    np.testing.assert_array_equal(f(np.int32(0), x), [-1, -1])


def test_a_condition_known_while_tracing_traces_one_branch():
    def f(x):
        return cond(np.zeros(3).sum() == 0, lambda: x + 1, lambda: x.undefined_attribute)

    assert "scf.if" not in mljit.jit(f).lower(np.ones(2)).as_text()
    np.testing.assert_array_equal(mljit.jit(f)(np.ones(2)), [2, 2])


def test_branches_of_different_shapes_are_refused_showing_both():
    def f(x):
        return cond(x.sum() > 0, lambda: x, lambda: x[:2])  # different shapes

    with pytest.raises(mljit.TraceError) as error:
        mljit.jit(f)(np.ones(3))
    message = str(error.value)
    assert f":{line_of('# different shapes')}:" in message
    assert "float64[3]" in message and "float64[2]" in message


def test_branches_of_different_dtypes_or_structures_are_refused():
    def dtypes(x):
        return cond(x.sum() > 0, lambda: x, lambda: x.astype(np.float32))  # dtypes

    def structures(x):
        return cond(x.sum() > 0, lambda: (x, x), lambda: x)  # structures

    with pytest.raises(mljit.TraceError,
                       match=rf":{line_of('# dtypes')}: .*float64\[3\].*float32\[3\]"):
        mljit.jit(dtypes)(np.ones(3))
    with pytest.raises(mljit.TraceError,
                       match=rf":{line_of('# structures')}: .*same structure"):
        mljit.jit(structures)(np.ones(3))


def test_the_condition_must_be_a_scalar():
    def f(x):
        return cond(x > 0, lambda: x, lambda: -x)  # array condition

    with pytest.raises(mljit.TraceError,
                       match=rf":{line_of('# array condition')}: .*scalar.*\(3,\)"):
        mljit.jit(f)(np.ones(3))


# -- while_loop ----------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 7, 64])
def test_newton_iterates_to_the_tolerance_as_numpy(n):
    a = RNG.uniform(0.5, 50.0, n)
    assert_same(mljit.jit(newton_sqrt)(a, 1e-10), newton_sqrt(a, 1e-10))


@pytest.mark.parametrize("n", [3, 16])
def test_power_iteration_stops_where_numpy_stops(n):
    m = RNG.standard_normal((n, n))
    a = m @ m.T + n * np.eye(n)
    result, expected = mljit.jit(power_iteration)(a, 1e-9), power_iteration(a, 1e-9)
    assert int(result[3]) == expected[3]
    assert_same(result[:3], expected[:3])


def test_kmeans_runs_until_the_assignments_stop_changing():
    points = np.concatenate([RNG.normal(c, 0.5, (40, 2)) for c in (0.0, 4.0, 8.0)])
    centers = points[[0, 1, 2]].copy()
    result, expected = mljit.jit(kmeans)(points, centers), kmeans(points, centers)
    assert int(result[3]) == expected[3] and expected[3] > 1
    assert_same(result[:3], expected[:3])


def test_a_python_scalar_carry_is_promoted_to_what_the_body_makes_it():
    f = mljit.jit(lambda x: while_loop(lambda c: c < 10, lambda c: c + x, 0))
    assert f(np.float32(1.5)).dtype == np.float32
    assert f(np.float32(1.5)) == 10.5


def test_a_carry_that_changes_shape_or_dtype_is_refused():
    def grows(x):
        return while_loop(lambda v: v.sum() < 10, lambda v: np.concatenate([v, v]), x)  # grows

    def narrows(x):
        return while_loop(lambda v: v.sum() < 10, lambda v: v.astype(np.float32), x)  # narrows

    with pytest.raises(mljit.TraceError,
                       match=rf":{line_of('# grows')}: .*carry leaf 0 float64\[6\].*float64\[3\]"):
        mljit.jit(grows)(np.ones(3))
    with pytest.raises(mljit.TraceError,
                       match=rf":{line_of('# narrows')}: .*float32\[3\].*float64\[3\]"):
        mljit.jit(narrows)(np.ones(3))


def test_a_loop_that_runs_zero_times_returns_its_initial_carry():
    f = mljit.jit(lambda x: while_loop(lambda v: v.sum() > 100, lambda v: v * 2, x))
    x = np.arange(4.0)
    np.testing.assert_array_equal(f(x), x)
    assert f(x) is not x


# -- fori_loop -------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_fori_loop_with_traced_bounds(dtype):
    def f(lower, upper, x):
        return fori_loop(lower, upper, lambda i, v: v * 2 + i, x)

    x = np.arange(5).astype(dtype)
    jitted = mljit.jit(f)
    for lower, upper in ((0, 0), (0, 3), (2, 7), (5, 1)):
        assert_same(jitted(np.int64(lower), np.int64(upper), x),
                    f(np.int64(lower), np.int64(upper), x))


def test_the_fori_loop_index_is_a_python_int_as_range_gives():
    f = mljit.jit(lambda n: fori_loop(0, n, lambda i, acc: acc + i * 2, np.int32(0)))
    assert_same(f(np.int32(5)), np.int32(20))
    g = mljit.jit(lambda x: fori_loop(0, 3, lambda i, v: v + i, x))
    assert_same(g(np.ones(2, np.float32)), np.full(2, 4, np.float32))


def test_a_loop_compiles_to_the_same_code_whatever_its_trip_count():
    def f(x, steps):
        return fori_loop(0, steps, lambda i, v: np.tanh(v) * 0.5 + 0.1, x)

    one = mljit.jit(f, static_argnums=1).lower(np.ones(8), 1).as_text()
    many = mljit.jit(f, static_argnums=1).lower(np.ones(8), 10_000).as_text()
    assert one.replace("%c1 ", "%c10000 ").count("\n") == many.count("\n")
    x = RNG.standard_normal(8)
    assert_same(mljit.jit(f, static_argnums=1)(x, 10_000), f(x, 10_000))


def test_fori_loop_in_dynamic_variants():
    def f(x, n):
        return fori_loop(0, n, lambda i, v: v + x[i % x.shape[0]], np.zeros_like(x))

    jitted = mljit.jit(f, dynamic=True)
    for size in (3, 5, 9):
        x = RNG.standard_normal(size)
        assert_same(jitted(x, 4), f(x, 4))


# -- scan ----------------------------------------------------------------------

@pytest.mark.parametrize("steps", [1, 6])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_an_rnn_over_a_sequence_with_scan(steps, dtype):
    h = RNG.standard_normal(8).astype(dtype)
    xs = RNG.standard_normal((steps, 3)).astype(dtype)
    w = (RNG.standard_normal((8, 8)) * 0.3).astype(dtype)
    u = RNG.standard_normal((3, 8)).astype(dtype)
    assert_same(mljit.jit(rnn)(h, xs, w, u), rnn(h, xs, w, u))


def test_scan_in_reverse_over_a_pytree_of_sequences():
    def f(xs):
        def step(total, x):
            total = total + x["a"] * x["b"]
            return total, (total, x["a"] > 0)
        return scan(step, np.zeros(2), xs, reverse=True)

    xs = {"a": RNG.standard_normal((5, 2)), "b": RNG.standard_normal((5, 2))}
    assert_same(mljit.jit(f)(xs), f(xs))


def test_scan_without_xs_takes_its_length():
    f = mljit.jit(lambda x: scan(lambda c, _: (c * 2, c), x, length=4))
    x = np.arange(3.0)
    assert_same(f(x), scan(lambda c, _: (c * 2, c), x, length=4))


# -- what a body must not do -------------------------------------------------------

def test_writing_an_array_from_outside_the_body_is_refused():
    def f(x, out):
        def body(i, v):
            out[i] = v.sum()  # outer write
            return v + 1
        return fori_loop(0, 3, body, x)

    with pytest.raises(mljit.TraceError,
                       match=rf":{line_of('# outer write')}: the body of mljit.fori_loop "
                             r"writes into an array \(shape \(3,\), dtype float64\) made "
                             "outside it"):
        mljit.jit(f)(np.ones(2), np.zeros(3))


def test_an_array_leaving_its_body_other_than_as_a_result_is_refused():
    kept = []

    def f(x):
        def body(v):
            kept.append(v * 2)
            return v + 1
        y = while_loop(lambda v: v.sum() < 10, body, x)
        return y + kept[0]  # escaped

    with pytest.raises(mljit.TraceError,
                       match=rf":{line_of('# escaped')}: an array \(shape \(2,\), dtype "
                             r"float64\) computed in the body_fun of mljit.while_loop is "
                             "used outside it"):
        mljit.jit(f)(np.ones(2))


@pytest.mark.parametrize("effect", ["print", "random"])
def test_effects_inside_a_body_are_refused(effect):
    def f(x):
        def body(i, v):
            if effect == "print":
                print(v)  # effect
            else:
                v = v + np.random.standard_normal(2)  # effect
            return v
        return fori_loop(0, 3, body, x)

    with pytest.raises(mljit.UnsupportedError) as error:
        mljit.jit(f)(np.ones(2))
    line = line_of("print(v)  # effect") if effect == "print" else line_of(
        "np.random.standard_normal(2)  # effect")
    assert re.search(rf":{line}: .* inside the body of mljit.fori_loop is not supported",
                     str(error.value))


def test_outside_a_trace_the_forms_run_as_python():
    assert cond(True, lambda: "yes", lambda: "no") == "yes"
    assert while_loop(lambda c: c < 5, lambda c: c + 2, 0) == 6
    assert fori_loop(0, 4, lambda i, c: c + i, 0) == 6
    carry, ys = scan(lambda c, x: (c + x, c), 0, np.arange(4))
    assert carry == 6 and ys.tolist() == [0, 0, 1, 3]


def test_a_loop_gathering_from_its_own_carry_matches_numpy():
    # The carry is read at gathered rows while the body writes it: the
    # write cannot go in place (ml-carries-in-place leaves it alone).
    x = np.random.default_rng(0).uniform(-1, 1, (4, 6))
    rows = np.array([3, 0, 0, 2])

    def shuffle(x):
        return mljit.fori_loop(0, 3, lambda i, c: c[rows] * 0.5 + c * 0.25, x)

    np.testing.assert_allclose(mljit.jit(shuffle)(x), shuffle(x), rtol=1e-15)
