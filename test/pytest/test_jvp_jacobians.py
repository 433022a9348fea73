"""mljit.jvp, jacfwd and jacrev against central finite differences
(float64) and against each other, on plain NumPy code: pytrees, argnums,
has_aux, jit around them, second derivatives, and the errors JAX's users
expect."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mljit

STEP = 1e-6


def central(function, primals, tangents):
    ahead = function(*[p + STEP * t for p, t in zip(primals, tangents)])
    behind = function(*[p - STEP * t for p, t in zip(primals, tangents)])
    return (np.asarray(ahead) - np.asarray(behind)) / (2 * STEP)


def softplus_mix(x, y):
    return np.log1p(np.exp(x * y)) + np.tanh(x) @ np.ones((x.shape[-1], 2))[..., :1]


def layer(x, w):
    return np.maximum(x @ w, 0.0) ** 2 + np.sin(x).sum(axis=-1, keepdims=True)


def normalize(x, y):
    centred = x - x.mean(axis=-1, keepdims=True)
    return centred / np.sqrt((centred ** 2).mean(axis=-1, keepdims=True) + 1e-3) * y


@settings(max_examples=12, deadline=None)
@given(rows=st.integers(1, 5), cols=st.integers(1, 6), seed=st.integers(0, 2**16))
def test_jvp_matches_finite_differences(rows, cols, seed):
    rng = np.random.default_rng(seed)
    x, y = rng.standard_normal((2, rows, cols))
    dx, dy = rng.standard_normal((2, rows, cols))
    for function in (softplus_mix, normalize):
        out, tangent = mljit.jvp(function, (x, y), (dx, dy))
        np.testing.assert_allclose(out, function(x, y), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(tangent, central(function, (x, y), (dx, dy)),
                                   rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_jvp_in_jit_keeps_dtypes_and_matches_the_plain_call(dtype):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4)).astype(dtype)
    w = rng.standard_normal((4, 5)).astype(dtype)
    dw = rng.standard_normal((4, 5)).astype(dtype)
    jitted = mljit.jit(lambda x, w, dw: mljit.jvp(lambda w: layer(x, w), (w,), (dw,)))
    out, tangent = jitted(x, w, dw)
    plain_out, plain_tangent = mljit.jvp(lambda w: layer(x, w), (w,), (dw,))
    assert out.dtype == tangent.dtype == dtype
    np.testing.assert_allclose(out, layer(x, w), rtol=1e-5)
    np.testing.assert_allclose(tangent, plain_tangent, rtol=1e-5, atol=1e-6)
    expected = central(lambda w: layer(x.astype(np.float64), w),
                       (w.astype(np.float64),), (dw.astype(np.float64),))
    np.testing.assert_allclose(tangent, expected, rtol=1e-3, atol=1e-3)


def test_jvp_pytrees_has_aux_and_constant_outputs():
    params = {"w": np.arange(3.0), "b": np.float64(0.5)}
    tangents = {"w": np.ones(3), "b": np.float64(2.0)}

    def model(p):
        return {"y": p["w"] * p["b"], "c": np.zeros(2)}, p["w"].sum()

    out, tangent, aux = mljit.jvp(model, (params,), (tangents,), has_aux=True)
    np.testing.assert_allclose(out["y"], params["w"] * 0.5)
    np.testing.assert_allclose(tangent["y"], np.ones(3) * 0.5 + params["w"] * 2.0)
    np.testing.assert_array_equal(tangent["c"], np.zeros(2))
    assert aux == 3.0


def test_forward_over_reverse_is_the_hessian_vector_product():
    def loss(x):
        return (np.sin(x) ** 2).sum() + (x[:-1] * x[1:]).sum()

    x = np.linspace(-1.0, 1.0, 5)
    v = np.arange(5.0)
    _, hvp = mljit.jvp(mljit.grad(loss), (x,), (v,))
    hessian = np.diag(2 * np.cos(2 * x)) + np.eye(5, k=1) + np.eye(5, k=-1)
    np.testing.assert_allclose(hvp, hessian @ v, rtol=1e-10)


@pytest.mark.parametrize("shape", [(), (3,), (2, 3)])
def test_jacfwd_and_jacrev_match_finite_differences(shape):
    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape)
    w = rng.standard_normal(shape + (4,)) if shape else rng.standard_normal(4)

    def function(x):
        return np.tanh(np.tensordot(x, w, axes=x.ndim)) * np.exp(x).sum()

    forward = mljit.jacfwd(function)(x)
    reverse = mljit.jacrev(function)(x)
    assert forward.shape == reverse.shape == (4,) + shape
    expected = np.stack([central(function, (x,), (e.reshape(shape),))
                         for e in np.eye(x.size)], axis=-1).reshape((4,) + shape)
    np.testing.assert_allclose(forward, expected, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(reverse, forward, rtol=1e-12, atol=1e-12)


def test_jacobian_structure_follows_jax_for_pytrees_and_argnums():
    def function(w, v, scale):
        return {"sum": (w * scale).sum(), "first": w[0] * v}

    w, v = np.arange(1.0, 4.0), np.float64(2.0)
    for jacobian in (mljit.jacfwd, mljit.jacrev):
        both = jacobian(function, argnums=(0, 1))(w, v, 3.0)
        assert both["sum"][0].shape == (3,) and both["first"][0].shape == (3,)
        np.testing.assert_allclose(both["sum"][0], [3.0, 3.0, 3.0])
        np.testing.assert_allclose(both["first"][0], [2.0, 0.0, 0.0])
        np.testing.assert_allclose(both["first"][1], 1.0)
        np.testing.assert_allclose(both["sum"][1], 0.0)
        only, aux = jacobian(lambda w: (w ** 2, w.max()), has_aux=True)(w)
        np.testing.assert_allclose(only, np.diag(2 * w))
        assert aux == 3.0


def test_hessian_as_jacfwd_of_jacrev_is_symmetric_and_exact():
    def energy(x):
        return (x[0] ** 2) * x[1] + np.exp(x[1] * x[2])

    x = np.array([0.3, -0.7, 1.1])
    hessian = mljit.jit(mljit.jacfwd(mljit.jacrev(energy)))(x)
    e = np.exp(x[1] * x[2])
    expected = np.array([
        [2 * x[1], 2 * x[0], 0.0],
        [2 * x[0], x[2] ** 2 * e, e + x[1] * x[2] * e],
        [0.0, e + x[1] * x[2] * e, x[1] ** 2 * e]])
    np.testing.assert_allclose(hessian, expected, rtol=1e-12)


def test_errors_name_the_problem():
    x = np.ones(3)
    with pytest.raises(TypeError, match="tuples or lists"):
        mljit.jvp(np.sin, x, x)
    with pytest.raises(TypeError, match="1 primals but 2 tangents"):
        mljit.jvp(np.sin, (x,), (x, x))
    with pytest.raises(mljit.TraceError, match=r"tangent 0 has shape \(2,\)"):
        mljit.jvp(np.sin, (x,), (np.ones(2),))
    with pytest.raises(mljit.TraceError, match=r"differentiates float arrays.*dtype int64"):
        mljit.jvp(lambda n: n * 2.0, (np.arange(3),), (np.arange(3),))
    with pytest.raises(mljit.TraceError, match=r"leaf 0 of the output has dtype int64"):
        mljit.jvp(lambda x: np.argsort(x), (x,), (x,))
    with pytest.raises(mljit.TraceError, match=r"test_jvp_jacobians.py:\d+: .*float outputs"):
        mljit.jacrev(lambda x: np.argsort(x))(x)
    with pytest.raises(TypeError, match="argnums"):
        mljit.jacfwd(np.sin, argnums=[0])


def damped(x, steps):
    return mljit.fori_loop(0, steps, lambda i, c: np.sin(c) * x + 0.1 * i, x)


def halving(x):
    def body(carry):
        value, count = carry
        return np.tanh(value) * 1.5 + x * 0.25, count + 1
    return mljit.while_loop(lambda carry: carry[1] < 4, body, (x, 0))[0]


def branch(x):
    return mljit.cond(x.sum() > 0, lambda: np.exp(x) * x, lambda: x ** 3)


def cumulative(x):
    def step(carry, row):
        carry = np.cos(carry) + row * carry
        return carry, carry * 2.0
    return mljit.scan(step, x[0], x)[1]


@pytest.mark.parametrize("function, shape", [
    (lambda x: damped(x, 3), (4,)), (halving, (2, 3)), (branch, (5,)), (cumulative, (3, 2))])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_jvp_through_control_flow_matches_finite_differences(function, shape, sign):
    rng = np.random.default_rng(3)
    x = sign * np.abs(rng.standard_normal(shape)) * 0.5
    dx = rng.standard_normal(shape)
    out, tangent = mljit.jit(lambda x, dx: mljit.jvp(function, (x,), (dx,)))(x, dx)
    np.testing.assert_allclose(out, function(x), rtol=1e-12)
    np.testing.assert_allclose(tangent, central(function, (x,), (dx,)), rtol=1e-6, atol=1e-8)
    forward = mljit.jacfwd(function)(x)
    np.testing.assert_allclose(np.tensordot(forward, dx, axes=dx.ndim), tangent, rtol=1e-10,
                               atol=1e-12)
