"""Reverse mode through control flow against central finite differences
(float64): branches (`cond`, Python `if`), counted loops (`fori_loop`,
`scan`, Python `for`), nested ones, bounded `while_loop`, second order, and
the errors for what is not there yet."""

import numpy as np
import pytest

import mljit

STEP = 1e-6


def check_gradient(function, *args, seed=0, rtol=1e-6):
    """<grad, d> against the central difference along random directions d,
    for the gradient in every argument; returns the gradients."""
    numbers = tuple(range(len(args)))
    value, gradients = mljit.jit(mljit.value_and_grad(function, argnums=numbers))(*args)
    np.testing.assert_allclose(value, function(*args), rtol=1e-12)
    rng = np.random.default_rng(seed)
    directions = [rng.standard_normal(np.shape(a)) for a in args]
    ahead = function(*[a + STEP * d for a, d in zip(args, directions)])
    behind = function(*[a - STEP * d for a, d in zip(args, directions)])
    expected = (ahead - behind) / (2 * STEP)
    got = sum(np.sum(g * d) for g, d in zip(gradients, directions))
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=1e-8)
    return gradients


def nested_branches(x, y):
    def positive():
        inner = mljit.cond(y.sum() > 1.0, lambda: np.exp(x) * y, lambda: x * y ** 2)
        return (inner * np.sin(x)).sum()
    return mljit.cond(x.mean() > 0, positive, lambda: (np.tanh(x) * 3.0).sum()) + (x * y).sum()


def python_if(x, y):
    if (x * y).sum() > 0:          # autograph: an scf.if on the traced value
        z = np.sin(x) * y
    else:
        z = np.cos(y) * x ** 2
    return (z ** 2).mean()


@pytest.mark.parametrize("function", [nested_branches, python_if])
@pytest.mark.parametrize("seed", range(4))
def test_branches(function, seed):
    rng = np.random.default_rng(seed)
    x, y = rng.standard_normal((2, 6)) + [[0.3], [0.2 * seed]]
    gx, _ = check_gradient(function, x, y, seed=seed)
    np.testing.assert_allclose(mljit.jacrev(function)(x, y), gx, rtol=1e-12, atol=1e-12)


def damped(x, steps=4):
    return mljit.fori_loop(0, steps, lambda i, c: np.sin(c) * x + 0.1 * i, x).sum()


def recurrent(xs, w, h0):
    def step(h, x):
        h = np.tanh(h @ w + x)
        return h, (h ** 2).sum()
    h, ys = mljit.scan(step, h0, xs)
    return ys.sum() + h.sum()


def nested_loops(x):
    def outer(i, c):
        return mljit.fori_loop(0, 2, lambda j, d: d * np.cos(d) + x * j, c)
    return mljit.fori_loop(1, 4, outer, x).sum()


def branch_in_loop(x):
    def body(i, c):
        return mljit.cond(c.sum() > 1.0, lambda: c * 0.5, lambda: np.exp(c) * x)
    return mljit.fori_loop(0, 5, body, x).sum()


def loop_in_branch(x):
    return mljit.cond(x.sum() > 0, lambda: damped(x, 3), lambda: (x ** 2).sum())


def python_for(x):
    c = x
    for i in range(3):             # autograph: an scf.for over a traced range
        c = np.sin(c) * x + i
    return (c * c).sum()


@pytest.mark.parametrize("function", [damped, nested_loops, branch_in_loop, loop_in_branch,
                                      python_for])
@pytest.mark.parametrize("seed", range(3))
def test_counted_loops(function, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(4) * 0.4 + (0.3 if seed != 2 else -0.3)
    check_gradient(function, x, seed=seed)


@pytest.mark.parametrize("steps, width", [(1, 3), (5, 2), (8, 4)])
def test_scan_with_stacked_outputs(steps, width):
    rng = np.random.default_rng(steps)
    xs = rng.standard_normal((steps, width)) * 0.5
    w = rng.standard_normal((width, width)) * 0.5
    h0 = rng.standard_normal(width) * 0.5
    check_gradient(recurrent, xs, w, h0)


def test_float32_loop_gradient_keeps_its_dtype():
    x = np.linspace(0.1, 0.9, 8, dtype=np.float32)
    gradient = mljit.grad(damped)(x)
    assert gradient.dtype == np.float32
    np.testing.assert_allclose(gradient, mljit.grad(damped)(x.astype(np.float64)), rtol=1e-4)


def test_zero_trip_loop_passes_the_cotangent_through():
    gradient = mljit.grad(lambda x: damped(x, 0))(np.ones(3))
    np.testing.assert_array_equal(gradient, np.ones(3))


def test_second_order_through_a_loop_is_a_symmetric_hessian():
    x = np.linspace(-0.5, 0.5, 4)
    forward = mljit.jacfwd(mljit.grad(damped))(x)
    reverse = mljit.jacrev(mljit.grad(damped))(x)
    np.testing.assert_allclose(forward, forward.T, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(reverse, forward, rtol=1e-10, atol=1e-12)


def newton_sqrt(a, bound=30):
    def body(carry):
        x, count = carry
        return 0.5 * (x + a / x), count + 1
    return mljit.while_loop(lambda c: np.abs(c[0] ** 2 - a).max() > 1e-12, body, (a + 1.0, 0),
                            max_iterations=bound)


def test_bounded_while_loop_has_reverse_mode():
    a = np.array([2.0, 9.0, 0.5])
    root, count = mljit.jit(newton_sqrt)(a)
    np.testing.assert_allclose(root, np.sqrt(a))
    assert count == newton_sqrt(a)[1] and 0 < count < 30
    gradient = mljit.grad(lambda a: newton_sqrt(a)[0].sum())(a)
    np.testing.assert_allclose(gradient, 0.5 / np.sqrt(a), rtol=1e-8)
    # The bound stops the loop, as a plain call does.
    assert newton_sqrt(a, bound=2)[1] == 2
    np.testing.assert_allclose(mljit.jit(lambda a: newton_sqrt(a, 2)[0])(a), newton_sqrt(a, 2)[0])


def test_what_reverse_mode_does_not_run_yet_is_a_clear_error():
    def unbounded(x):
        return mljit.while_loop(lambda c: c.sum() < 10, lambda c: c * 1.5, x).sum()
    with pytest.raises(mljit.CompileError, match=r"test_grad_control_flow.py:\d+:\d+: error: "
                       r"'scf.while' op carries tangents: reverse mode through while loops "
                       r"is not supported yet .*max_iterations"):
        mljit.grad(unbounded)(np.ones(3))

    def dynamic_trips(x, n):
        return mljit.fori_loop(0, n, lambda i, c: np.sin(c), x).sum()
    with pytest.raises(mljit.CompileError, match=r"test_grad_control_flow.py:\d+:\d+: error: "
                       r"'scf.for' op carries tangents through a number of iterations known "
                       r"only at run time"):
        mljit.grad(dynamic_trips)(np.ones(3), np.int64(3))
    with pytest.raises(ValueError, match="max_iterations must be a non-negative int"):
        mljit.while_loop(lambda c: c < 1, lambda c: c + 1, 0, max_iterations=2.5)
