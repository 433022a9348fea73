"""Side effects happen at every call, as in NumPy: random draws are fresh,
print prints the run-time values; disable_jit runs plain NumPy."""

import numpy as np
import pytest

import mljit
from checks import assert_same


def noisy(x):
    noise = np.random.standard_normal(x.shape)
    keep = np.random.rand(*x.shape) < 0.5
    return np.where(keep, x + noise, 0.0)


def test_random_draws_are_fresh_at_every_call_and_numpys_own():
    f = mljit.jit(noisy)
    x = np.arange(6.0)
    np.random.seed(3)
    first, second = f(x), f(x)
    assert not np.array_equal(first, second)
    np.random.seed(3)
    assert_same(first, noisy(x))
    assert_same(second, noisy(x))


def test_draws_from_a_generator_the_function_reaches_are_made_by_it():
    rng = np.random.default_rng(11)

    def dropout(x):
        return x * (rng.random(x.shape) > 0.3) + rng.normal(size=x.shape)

    f = mljit.jit(dropout)
    x = np.ones(5)
    got = [f(x), f(x)]
    rng = np.random.default_rng(11)
    assert_same(got[0], dropout(x))
    assert_same(got[1], dropout(x))


def test_a_draw_with_traced_arguments_is_a_clear_error():
    def program(x):
        return np.random.normal(x, 1.0)

    line = program.__code__.co_firstlineno + 1
    with pytest.raises(mljit.UnsupportedError,
                       match=rf"test_effects.py:{line}: a random draw \(numpy.random normal\) "
                             "whose arguments are traced arrays"):
        mljit.jit(program)(np.zeros(3))


def test_print_shows_the_values_of_every_call(capsys):
    @mljit.jit
    def step(x):
        total = x.sum()
        print("total", total, f"mean={x.mean():.2f}", sep=" | ")
        return total

    step(np.ones(4))
    step(np.arange(4.0))
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["total | 4.0 | mean=1.00", "total | 6.0 | mean=1.50"]


def test_disable_jit_runs_plain_numpy():
    calls = []

    @mljit.jit
    def f(x):
        calls.append(type(x))
        return x * 2

    with mljit.disable_jit():
        assert_same(f(np.ones(2)), np.full(2, 2.0))
    assert calls == [np.ndarray]
    f(np.ones(2))
    assert calls[-1] is not np.ndarray
