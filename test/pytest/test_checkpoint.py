"""`mljit.checkpoint` (`remat`): derivatives through it against central
finite differences and against the same function without it (float64);
first and second order, forward mode, in loops and branches, pytrees; the
compiled program recomputes (its IR) and needs less memory at once (the
buffers the bufferized program keeps live); and its errors."""

import re

import numpy as np
import pytest

import mljit

STEP = 1e-6


def block(x, w1, w2):
    h = np.tanh(x @ w1)
    return x + (h * h) @ w2


def deep(params, x, remat=True):
    wrap = mljit.checkpoint if remat else (lambda f: f)
    for w1, w2 in params:
        x = wrap(block)(x, w1, w2)
    return np.mean(np.sin(x) ** 2)


def parameters(seed, layers=3, width=6, batch=5):
    rng = np.random.default_rng(seed)
    params = [(rng.standard_normal((width, 2 * width)) * 0.4,
               rng.standard_normal((2 * width, width)) * 0.4) for _ in range(layers)]
    return params, rng.standard_normal((batch, width))


def directional(function, args, directions):
    ahead = function(*[a + STEP * d for a, d in zip(args, directions)])
    behind = function(*[a - STEP * d for a, d in zip(args, directions)])
    return (ahead - behind) / (2 * STEP)


@pytest.mark.parametrize("seed", range(4))
def test_gradient_of_layers(seed):
    params, x = parameters(seed)
    step = mljit.jit(mljit.value_and_grad(deep, argnums=(0, 1)))
    value, (gparams, gx) = step(params, x)
    np.testing.assert_allclose(value, deep(params, x, remat=False), rtol=1e-12)
    # The same as without checkpoint: the recomputation is the computation.
    plain = mljit.jit(mljit.grad(lambda p, x: deep(p, x, remat=False), argnums=(0, 1)))
    expected_params, expected_x = plain(params, x)
    np.testing.assert_allclose(gx, expected_x, rtol=1e-12, atol=1e-14)
    for got, want in zip(gparams, expected_params):
        np.testing.assert_allclose(got[0], want[0], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(got[1], want[1], rtol=1e-12, atol=1e-14)
    # And against finite differences.
    rng = np.random.default_rng(seed + 10)
    dx = rng.standard_normal(x.shape)
    np.testing.assert_allclose(np.sum(gx * dx),
                               directional(lambda x: deep(params, x, False), [x], [dx]),
                               rtol=1e-6, atol=1e-9)


def test_second_order():
    square_sin = mljit.checkpoint(lambda x: np.sin(x * x))

    def f(x):
        return np.sum(square_sin(x) * np.cos(x))

    x = np.linspace(-1.0, 1.5, 7)
    hvp = mljit.jit(lambda x, v: mljit.jvp(mljit.grad(f), (x,), (v,))[1])
    hessian_column = mljit.jit(mljit.grad(lambda x: mljit.grad(f)(x)[2]))(x)
    v = np.eye(7)[2]
    np.testing.assert_allclose(hvp(x, v), hessian_column, rtol=1e-10, atol=1e-12)
    gradient = mljit.jit(mljit.grad(f))
    expected = (gradient(x + STEP * v) - gradient(x - STEP * v)) / (2 * STEP)
    np.testing.assert_allclose(hessian_column, expected, rtol=1e-5, atol=1e-8)


def test_forward_mode():
    f = mljit.checkpoint(lambda x, y: (np.exp(x) * y, np.tanh(x - y)))
    x, y = np.linspace(-1, 1, 5), np.linspace(0.5, 2, 5)
    dx, dy = np.cos(np.arange(5.0)), np.sin(np.arange(5.0))
    (a, b), (da, db) = mljit.jit(lambda x, y, dx, dy: mljit.jvp(f, (x, y), (dx, dy)))(x, y, dx, dy)
    np.testing.assert_allclose(a, np.exp(x) * y, rtol=1e-12)
    np.testing.assert_allclose(da, directional(lambda x, y: f(x, y)[0], [x, y], [dx, dy]),
                               rtol=1e-6)
    np.testing.assert_allclose(db, directional(lambda x, y: f(x, y)[1], [x, y], [dx, dy]),
                               rtol=1e-6)


def test_in_loops_and_branches():
    cell = mljit.checkpoint(lambda h, x, w: np.tanh(h @ w + x))

    def rnn(w, xs):
        h, _ = mljit.scan(lambda h, x: (cell(h, x, w), None), np.zeros(4), xs)
        return mljit.cond(h.sum() > 0, lambda: np.sum(h ** 2), lambda: np.sum(np.exp(h)))

    rng = np.random.default_rng(3)
    w, xs = rng.standard_normal((4, 4)) * 0.5, rng.standard_normal((6, 4))
    gw = mljit.jit(mljit.grad(rnn))(w, xs)
    dw = rng.standard_normal(w.shape)
    np.testing.assert_allclose(np.sum(gw * dw), directional(lambda w: rnn(w, xs), [w], [dw]),
                               rtol=1e-6)


def test_pytrees_python_values_and_closures():
    bias = np.array([0.5, -0.25, 1.0])

    @mljit.checkpoint
    def layer(params, x, power):
        return {"y": np.sin(x @ params["w"] + bias) ** power, "n": x.shape[0]}

    def loss(params, x):
        out = layer(params, x, 3)
        return np.sum(out["y"]) * out["n"]

    rng = np.random.default_rng(1)
    params, x = {"w": rng.standard_normal((3, 3))}, rng.standard_normal((2, 3))
    grads = mljit.jit(mljit.grad(loss))(params, x)
    assert set(grads) == {"w"}
    dw = rng.standard_normal((3, 3))
    np.testing.assert_allclose(np.sum(grads["w"] * dw),
                               directional(lambda w: loss({"w": w}, x), [params["w"]], [dw]),
                               rtol=1e-6)


def test_without_derivatives_and_outside_traces():
    f = mljit.checkpoint(lambda x: np.tanh(x) * 2, prevent_cse=False)
    x = np.linspace(-2, 2, 9)
    np.testing.assert_array_equal(f(x), np.tanh(x) * 2)  # outside a trace: it runs
    np.testing.assert_allclose(mljit.jit(f)(x), np.tanh(x) * 2, rtol=1e-15)
    assert mljit.remat is mljit.checkpoint


def layers_ir(remat, prevent_cse=True, stage="linalg"):
    params, x = parameters(0, layers=4, width=64, batch=128)
    params = [(a.astype(np.float32), b.astype(np.float32)) for a, b in params]

    def loss(params, x):
        for w1, w2 in params:
            x = (mljit.checkpoint(block, prevent_cse=prevent_cse) if remat else block)(x, w1, w2)
        return np.mean(x * x)

    return mljit.jit(mljit.grad(loss)).lower(params, x.astype(np.float32)).as_text(stage)


def test_program_recomputes_behind_barriers():
    plain, remat, merged = layers_ir(False), layers_ir(True), layers_ir(True, False)
    assert "ml.optimization_barrier" not in plain + merged  # CSE may merge it
    assert remat.count("ml.optimization_barrier") == 4
    # Each layer's tanh runs again in the backward pass.
    assert plain.count("math.tanh") == 4
    assert remat.count("math.tanh") == 8


def peak_live_bytes(bufferized: str) -> int:
    """The most bytes of heap buffers the function's own block holds at
    once, in program order."""
    live, current, peak = {}, 0, 0
    for line in bufferized.splitlines():
        allocated = re.match(r"\s{4}(%\S+) = memref\.alloc\(\).*: memref<([\dx]+)x(f32|f64)>", line)
        if allocated:
            size = int(np.prod([int(d) for d in allocated.group(2).split("x")]))
            live[allocated.group(1)] = size * (4 if allocated.group(3) == "f32" else 8)
            current += live[allocated.group(1)]
            peak = max(peak, current)
        freed = re.match(r"\s{4}memref\.dealloc (%[\w]+) ", line)
        if freed and freed.group(1) in live:
            current -= live.pop(freed.group(1))
    assert not live, f"buffers never freed: {sorted(live)}"
    return peak


def test_checkpointed_program_needs_less_memory_at_once():
    plain = peak_live_bytes(layers_ir(False, stage="bufferized"))
    remat = peak_live_bytes(layers_ir(True, stage="bufferized"))
    # Without checkpoint every layer's two hidden activations (128 x 128
    # floats each) wait for the backward pass; with it only the layers'
    # inputs do, and one layer's activations at a time are recomputed.
    hidden = 128 * 128 * 4
    assert plain >= 8 * hidden
    assert remat <= plain - 3 * hidden


def test_errors():
    with pytest.raises(NotImplementedError, match="policy is not supported"):
        mljit.checkpoint(np.sin, policy=lambda *a: True)
    with pytest.raises(TypeError, match="static_argnums"):
        mljit.checkpoint(np.sin, static_argnums="0")
    with pytest.raises(mljit.TraceError, match=r"test_checkpoint\.py:\d+: .*mljit\.checkpoint"):
        def leaks(x):
            kept = []
            mljit.checkpoint(lambda x: kept.append(np.exp(x)) or x)(x)
            return kept[0]
        mljit.jit(leaks)(np.ones(3))
