"""Plain Python `if`, `while` and `for` on traced values, compiled by the
source conversion (mljit/autograph/): every function runs jitted and as
plain Python + NumPy, with equal results; errors name the user's line."""

import inspect
import textwrap

import numpy as np
import pytest

import mljit
from iterative import kmeans_loop, power_iteration_loop
from mljit.autograph import to_source

RNG = np.random.default_rng(23)


def line_of(marker: str) -> int:
    lines = inspect.getsource(inspect.getmodule(line_of)).splitlines()
    return next(i + 1 for i, text in enumerate(lines) if marker in text)


def check(function, *args, **jit_options):
    """`function` jitted gives what NumPy gives, for these arguments."""
    expected = function(*args)
    result = mljit.jit(function, **jit_options)(*args)
    expected = expected if isinstance(expected, tuple) else (expected,)
    result = result if isinstance(result, tuple) else (result,)
    assert len(result) == len(expected)
    for got, want in zip(result, expected):
        want = np.asarray(want)
        assert np.asarray(got).dtype == want.dtype, (got, want)
        np.testing.assert_allclose(got, want, rtol=1e-7)
    return result


# -- branches -------------------------------------------------------------------------

def sign_by_sum(x):
    if x.sum() > 0:
        y = x * 2
    elif x.sum() < -3:
        y = -x
    else:
        y = x + 1
    return y


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64])
def test_if_elif_else_on_a_traced_condition(dtype):
    jitted = mljit.jit(sign_by_sum)
    for x in ([1, 2, 3], [-3, -2, -1], [1, -1, 0]):
        x = np.asarray(x, dtype)
        np.testing.assert_array_equal(jitted(x), sign_by_sum(x))
    assert "scf.if" in jitted.lower(np.ones(3, dtype)).as_text()


def branch_with_temporaries(x):
    total = 0.0
    if x[0] > x[1]:
        t = x * x          # a temporary of this branch only
        total = t.sum()
    return total + 1


def test_a_variable_of_one_branch_not_used_after_is_not_carried():
    for x in (np.array([2.0, 1.0]), np.array([1.0, 2.0])):
        check(branch_with_temporaries, x)


def python_and_traced_conditions(x, mode):
    if mode == "double":        # a Python value: decided while tracing
        x = x * 2
    if x.max() > 4 and not x.min() < 0:
        x = x - 4
    return x if x.sum() > 0 else -x


@pytest.mark.parametrize("mode", ["double", "keep"])
def test_python_conditions_stay_python(mode):
    jitted = mljit.jit(python_and_traced_conditions, static_argnums=1)
    for x in (np.arange(4.0), np.arange(4.0) - 10, np.array([3.0, 1, 1, 1])):
        np.testing.assert_array_equal(jitted(x, mode), python_and_traced_conditions(x, mode))
    text = jitted.lower(np.arange(4.0), mode).as_text()
    assert text.count("scf.if") == 3  # and, the if, the conditional expression


def counters(x):
    hits = 0
    if x[0] > 0:
        hits += 1
    if x[1] > 0:
        hits += 1
    return hits


def test_python_int_variables_become_traced_where_a_branch_changes_them():
    for x in ([1, 1], [1, -1], [-1, -1]):
        result = check(counters, np.asarray(x, np.float64))
        assert result[0].dtype == np.int64


def written_in_a_branch(x, y):
    alias = x
    if y.sum() > 0:
        x[0] = 100.0
    else:
        x += 1
    return alias


def test_writes_in_a_branch_reach_other_names_and_the_caller():
    for y in (np.ones(2), -np.ones(2)):
        x, x_numpy = np.arange(3.0), np.arange(3.0)
        result = mljit.jit(written_in_a_branch)(x, y)
        expected = written_in_a_branch(x_numpy, y)
        np.testing.assert_array_equal(result, expected)
        np.testing.assert_array_equal(x, x_numpy)  # written back, as NumPy wrote it


def early_returns(x, y):
    if x[0] > 0:
        if y[0] > 0:
            return x + y         # returns on one path of this branch only
        z = x * 2
    elif x[1] > 0:
        return y
    else:
        z = y - 1
    return z * 3


def test_returns_inside_branches_on_traced_values():
    for x in ([1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]):
        for y in ([1.0, 2.0], [-1.0, 2.0]):
            check(early_returns, np.array(x), np.array(y))


def find(x, limit):
    i = 0
    while i < x.shape[0]:
        if x[i] > limit:
            return i, x[i]
        i += 1
    return -1, x[0] * 0


def search(x, n):
    total = x.sum() * 0
    for k in range(n):
        for j in range(3):
            total = total + x[j] * k
            if total > 10:
                return total
    return -total


def test_returns_inside_loops_on_traced_values():
    for x in ([1.0, 5.0, 2.0], [0.0, 0.0, 0.0], [3.0, 4.0, 9.0]):
        check(find, np.array(x), 2.5)
        for n in (0, 1, 3, 6):
            check(search, np.array(x), n)


def test_a_jump_inside_a_try_in_a_traced_loop_is_not_supported_yet():
    def f(x):
        while x.sum() < 100:  # try
            try:
                x = x * 2
                if x[0] > 10:
                    break
            finally:
                x = x + 1
        return x

    with pytest.raises(mljit.UnsupportedError,
                       match=rf":{line_of('# try')}: `break` inside a `while` loop whose "
                             "condition is a traced value is not supported yet"):
        mljit.jit(f)(np.ones(3))


# -- loops ----------------------------------------------------------------------------

def newton_sqrt(a, tol):
    x = np.ones_like(a)
    while np.max(np.abs(x * x - a)) > tol:
        x = 0.5 * (x + a / x)
    return x


def test_newton_to_a_tolerance():
    check(newton_sqrt, RNG.uniform(0.5, 50.0, 16), 1e-10)


def test_power_iteration_until_the_eigenvalue_stops_changing():
    m = RNG.standard_normal((12, 12))
    check(power_iteration_loop, m @ m.T + 12 * np.eye(12), 1e-9)


def test_kmeans_until_the_assignments_stop_changing():
    points = np.concatenate([RNG.normal(c, 0.6, (30, 2)) for c in (0.0, 3.0, 6.0)])
    result = check(kmeans_loop, points, points[[0, 1, 2]].copy())
    assert result[3] > 1


def rnn(h, xs, w, u, steps):
    for t in range(steps):
        h = np.tanh(h @ w + xs[t] @ u)
    return h


def test_a_for_loop_over_a_traced_range_compiles_once():
    h, xs = np.zeros(6), RNG.standard_normal((9, 3))
    w, u = RNG.standard_normal((6, 6)) * 0.3, RNG.standard_normal((3, 6))
    jitted = mljit.jit(rnn)
    for steps in (0, 1, 9):
        np.testing.assert_allclose(jitted(h, xs, w, u, steps), rnn(h, xs, w, u, steps))
    assert jitted.lower(h, xs, w, u, 5).as_text().count("scf.for") == 1


def fill_rows(x, n):
    out = np.zeros((6, x.shape[0]))
    alias = out
    for i in range(n):
        out[i] = x * i
    i = 0
    while i < n:
        x[i % x.shape[0]] += 1.0
        i += 1
    return alias


def test_writes_in_a_loop_reach_other_names_and_the_caller():
    for n in (0, 2, 6):
        x, x_numpy = np.arange(4.0), np.arange(4.0)
        np.testing.assert_array_equal(mljit.jit(fill_rows)(x, n), fill_rows(x_numpy, n))
        np.testing.assert_array_equal(x, x_numpy)


def nested(x, n):
    total = x * 0
    for i in range(n):
        j = 0
        while j < i:
            if (x[j % 3] + j) % 2 > 0:
                total = total + x
            else:
                total = total - 1
            j += 1
    return total


def test_nested_loops_and_branches():
    for n in (0, 1, 4):
        check(nested, np.array([1.0, 2.0, 3.0]), n)


def test_a_loop_becomes_compiled_where_its_condition_becomes_traced():
    def until_converged(x):
        delta, steps = np.inf, 0     # Python values: the first test is Python
        while delta > 1e-9:
            new = np.cos(x)
            delta = np.max(np.abs(new - x))
            x = new
            steps += 1
        return x, steps

    check(until_converged, np.linspace(0.0, 1.0, 5))


def helper_clip(x):
    if x.max() > 1:
        x = x / x.max()
    return x


def calls_a_helper(x):
    return helper_clip(x) + helper_clip(-x)


def test_the_user_functions_called_are_converted_too():
    for x in (np.array([0.5, 3.0]), np.array([-4.0, 0.25])):
        check(calls_a_helper, x)


class Model:
    def __init__(self):
        self.scale = np.array([2.0, 3.0])

    def __call__(self, x):
        while x.sum() < 50:
            x = x * self.scale
        return x


def test_methods_and_callable_objects_are_converted():
    check(Model(), np.array([1.0, 1.0]))


def test_loops_compile_in_time_independent_of_the_trip_count():
    def f(x, n):
        for _ in range(n):
            x = np.tanh(x) * 0.5
        return x

    a, b = (mljit.jit(f).lower(np.ones(4), n).as_text() for n in (1, 10_000))
    assert a == b  # the trip count is an argument: one program


def test_a_dynamic_size_loop_compiles_once_for_every_size():
    def cumulative(x):
        out = np.zeros_like(x)
        total = 0.0
        for i in range(x.shape[0]):
            total = total + x[i]
            out[i] = total
        return out

    jitted = mljit.jit(cumulative, dynamic=True)
    for size in (2, 5, 11):
        x = RNG.standard_normal(size)
        np.testing.assert_allclose(jitted(x), np.cumsum(x))


# -- errors, at the user's line ---------------------------------------------------------

def test_a_variable_defined_in_one_branch_only_and_used_after():
    def f(x):
        if x.sum() > 0:  # one branch
            y = x
        return y

    with pytest.raises(mljit.TraceError,
                       match=rf":{line_of('# one branch')}: `y` is defined only in the `if` "
                             "branch"):
        mljit.jit(f)(np.ones(2))


def test_branches_giving_a_variable_different_shapes_show_both():
    def f(x):
        if x.sum() > 0:  # shapes differ
            y = x[:2]
        else:
            y = x
        return y

    with pytest.raises(mljit.TraceError,
                       match=rf":{line_of('# shapes differ')}: `y` is float64\[2\] after the "
                             r"`if` branch and float64\[3\] after the `else` branch"):
        mljit.jit(f)(np.ones(3))


def test_a_carry_whose_shape_changes_is_refused():
    def f(x):
        while x.sum() < 100:  # grows
            x = np.concatenate([x, x])
        return x

    with pytest.raises(mljit.TraceError,
                       match=rf":{line_of('# grows')}: this `while` loop on a traced value: "
                             r"the body of the `while` loop of line \d+ makes `x` "
                             r"float64\[6\], but it entered as float64\[3\]"):
        mljit.jit(f)(np.ones(3))


def test_a_side_effect_in_a_compiled_loop_is_refused():
    def f(x):
        while x.sum() < 100:
            print(x)  # a print
            x = x * 2
        return x

    with pytest.raises(mljit.UnsupportedError,
                       match=rf":{line_of('# a print')}: print inside the body of the `while` "
                             "loop of line"):
        mljit.jit(f)(np.ones(3))


def test_a_python_object_changed_in_a_traced_branch_is_refused():
    def f(x):
        mode = "plain"
        if x.sum() > 0:  # a string
            mode = "positive"
        return x if mode == "plain" else -x

    with pytest.raises(mljit.TraceError,
                       match=rf":{line_of('# a string')}: `mode` is set to a str in a branch "
                             "of this `if`"):
        mljit.jit(f)(np.ones(3))


def jumps(x, n):
    total = x * 0
    i = 0
    while i < n:
        i += 1
        if x[i % 3] > 1:
            continue
        total = total + x
        if total.sum() > 20:
            break
    for k in range(n):
        if k > 3:
            break
        total = total - k
    return total, i


def test_break_and_continue_in_loops_on_traced_values():
    for n in (0, 2, 5, 9):
        for x in ([1.0, 2.0, 3.0], [0.5, 0.5, 4.0]):
            check(jumps, np.array(x), n)


def first_negative(values):
    for v in values:      # a Python iterable: the break ends the iteration
        if v < 0:
            break
    return v


def test_break_ends_a_python_loop_as_python_does():
    consumed = []

    def items():
        for value in (3.0, -1.0, 5.0):
            consumed.append(value)
            yield np.float64(value)

    assert mljit.jit(lambda: first_negative(items()))() == -1.0
    assert consumed == [3.0, -1.0]


def test_without_source_a_traced_condition_says_why(tmp_path):
    namespace = {"np": np}
    exec(textwrap.dedent("""
        def f(x):
            if x.sum() > 0:
                return x
            return -x
    """), namespace)
    with pytest.raises(mljit.ConcretizationError,
                       match=r"<string>:3: bool\(\) .* because its source code is not available"):
        mljit.jit(namespace["f"])(np.ones(2))


def test_a_variable_written_in_place_on_one_path_and_rebound_on_another():
    def f(x):
        if x.sum() > 0:  # mixed
            x[0] = 1.0
        else:
            x = x * 2
        return x

    with pytest.raises(mljit.TraceError,
                       match=rf":{line_of('# mixed')}: `x` is written in place on one path "
                             "and bound to a new array on another"):
        mljit.jit(f)(np.ones(3))


def test_python_control_flow_on_python_values_is_unchanged():
    def f(x, n):
        for i in range(n):          # n static: unrolled while tracing
            if i % 2 == 0:
                x = x + i
        return x

    jitted = mljit.jit(f, static_argnums=1)
    np.testing.assert_array_equal(jitted(np.zeros(2), 5), f(np.zeros(2), 5))
    assert "scf." not in jitted.lower(np.zeros(2), 5).as_text()


def test_the_converted_source_can_be_read():
    source = to_source(sign_by_sum)
    assert "ag__.if_stmt" in source and "nonlocal y" in source
