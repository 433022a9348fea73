"""Realistic programs written in plain NumPy, as a user would, compiled
unchanged with `@mljit.jit` and compared with NumPy running them."""

import numpy as np
import pytest

import mljit
from checks import assert_same

F32 = np.float32


def check(function, *args, rtol=2e-5, atol=2e-5, **static):
    """Runs `function` with NumPy and compiled; results must agree."""
    expected = function(*args, **static)
    got = mljit.jit(function, static_argnames=tuple(static))(*args, **static)
    flat_expected = expected if isinstance(expected, (tuple, list)) else [expected]
    flat_got = got if isinstance(got, (tuple, list)) else [got]
    assert len(flat_got) == len(flat_expected)
    for i, (g, e) in enumerate(zip(flat_got, flat_expected)):
        assert_same(g, np.asarray(e), rtol=rtol, atol=atol, what=f"result {i}")


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def layer_norm(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    variance = x.var(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + eps) * gamma + beta


def gelu(x):
    return 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x**3)))


def mlp(x, w1, b1, w2, b2):
    hidden = np.maximum(x @ w1 + b1, 0)
    return hidden @ w2 + b2


def causal_attention(q, k, v):
    t, d = q.shape
    scores = q @ k.T / np.sqrt(d)
    mask = np.tril(np.ones((t, t), dtype=bool))
    scores = np.where(mask, scores, -np.inf)
    return softmax(scores) @ v


def transformer_block(x, params, heads):
    t, d = x.shape
    h = layer_norm(x, params["ln1_g"], params["ln1_b"])
    q, k, v = np.split(h @ params["w_qkv"] + params["b_qkv"], 3, axis=-1)
    # (T, D) -> (heads, T, D / heads)
    q, k, v = (a.reshape(t, heads, d // heads).transpose(1, 0, 2) for a in (q, k, v))
    scores = q @ k.transpose(0, 2, 1) / np.sqrt(d // heads)
    scores = np.where(np.tril(np.ones((t, t), dtype=bool)), scores, -1e9)
    attended = softmax(scores) @ v
    x = x + attended.transpose(1, 0, 2).reshape(t, d) @ params["w_out"]
    h = layer_norm(x, params["ln2_g"], params["ln2_b"])
    return x + gelu(h @ params["w_fc"] + params["b_fc"]) @ params["w_proj"]


def kmeans_step(points, centroids):
    distances = ((points[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=-1)
    assignment = distances.argmin(axis=1)
    onehot = (assignment[:, None] == np.arange(centroids.shape[0])[None, :]).astype(points.dtype)
    counts = onehot.sum(axis=0)
    updated = (onehot.T @ points) / np.maximum(counts, 1)[:, None]
    return assignment, updated


def logistic_regression_step(w, b, x, y, learning_rate=0.1):
    p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
    error = p - y
    grad_w = x.T @ error / x.shape[0]
    grad_b = np.mean(error)
    loss = -np.mean(y * np.log(p + 1e-7) + (1 - y) * np.log(1 - p + 1e-7))
    return w - learning_rate * grad_w, b - learning_rate * grad_b, loss


def power_iteration(a, v, steps):
    for _ in range(steps):
        v = a @ v
        v = v / np.linalg.norm(v)
    return v, v @ a @ v


def gpt2(ids, wte, wpe, blocks, ln_f, heads):
    t = ids.shape[0]
    x = wte[ids] + wpe[np.arange(t)]
    for block in blocks:
        h = layer_norm(x, block["ln1_g"], block["ln1_b"])
        q, k, v = np.split(h @ block["attn_w"] + block["attn_b"], 3, axis=-1)
        mask = np.tri(t, dtype=bool)
        outputs = []
        for qh, kh, vh in zip(np.split(q, heads, axis=-1), np.split(k, heads, axis=-1),
                              np.split(v, heads, axis=-1)):
            scores = qh @ kh.T / np.sqrt(qh.shape[-1])
            outputs.append(softmax(np.where(mask, scores, -1e10)) @ vh)
        x = x + np.hstack(outputs) @ block["proj_w"] + block["proj_b"]
        h = layer_norm(x, block["ln2_g"], block["ln2_b"])
        x = x + gelu(h @ block["fc_w"] + block["fc_b"]) @ block["out_w"] + block["out_b"]
    x = layer_norm(x, ln_f["g"], ln_f["b"])
    return x @ wte.T


def normal(rng, shape, scale=1.0, dtype=F32):
    return (rng.standard_normal(shape) * scale).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=str)
def test_softmax_layer_norm_gelu(dtype, rng):
    x = normal(rng, (6, 33), 3, dtype)
    gamma, beta = normal(rng, (33,), 1, dtype), normal(rng, (33,), 1, dtype)
    check(softmax, x)
    check(softmax, x, axis=0)
    check(layer_norm, x, gamma, beta, rtol=1e-4, atol=1e-4)
    check(gelu, x)


def test_mlp(rng):
    args = (normal(rng, (8, 16)), normal(rng, (16, 32), 0.3), normal(rng, (32,)),
            normal(rng, (32, 4), 0.3), normal(rng, (4,)))
    check(mlp, *args, rtol=1e-4, atol=1e-4)


def test_causal_attention(rng):
    q, k, v = (normal(rng, (10, 8)) for _ in range(3))
    check(causal_attention, q, k, v, rtol=1e-4, atol=1e-5)


def test_transformer_block(rng):
    d = 16
    params = {
        "ln1_g": normal(rng, (d,)), "ln1_b": normal(rng, (d,)),
        "w_qkv": normal(rng, (d, 3 * d), 0.2), "b_qkv": normal(rng, (3 * d,), 0.1),
        "w_out": normal(rng, (d, d), 0.2), "ln2_g": normal(rng, (d,)),
        "ln2_b": normal(rng, (d,)), "w_fc": normal(rng, (d, 4 * d), 0.2),
        "b_fc": normal(rng, (4 * d,), 0.1), "w_proj": normal(rng, (4 * d, d), 0.2),
    }
    check(transformer_block, normal(rng, (7, d)), params, heads=4, rtol=1e-4, atol=1e-4)


def test_kmeans_assignment(rng):
    points = normal(rng, (50, 3))
    centroids = points[:4].copy()
    check(kmeans_step, points, centroids, rtol=1e-5, atol=1e-5)


def test_logistic_regression_step(rng):
    x = normal(rng, (40, 5))
    y = (rng.random(40) < 0.5).astype(F32)
    check(logistic_regression_step, normal(rng, (5,)), F32(0.1), x, y, rtol=1e-4, atol=1e-5)


def test_power_iteration(rng):
    a = normal(rng, (6, 6), dtype=np.float64)
    a = a @ a.T
    check(power_iteration, a, np.ones(6), steps=5, rtol=1e-10, atol=1e-12)


def test_gpt2_forward(rng):
    vocab, context, d, heads = 50, 16, 24, 3
    blocks = [{
        "ln1_g": normal(rng, (d,)), "ln1_b": normal(rng, (d,), 0.1),
        "attn_w": normal(rng, (d, 3 * d), 0.2), "attn_b": normal(rng, (3 * d,), 0.1),
        "proj_w": normal(rng, (d, d), 0.2), "proj_b": normal(rng, (d,), 0.1),
        "ln2_g": normal(rng, (d,)), "ln2_b": normal(rng, (d,), 0.1),
        "fc_w": normal(rng, (d, 4 * d), 0.2), "fc_b": normal(rng, (4 * d,), 0.1),
        "out_w": normal(rng, (4 * d, d), 0.2), "out_b": normal(rng, (d,), 0.1),
    } for _ in range(2)]
    wte, wpe = normal(rng, (vocab, d), 0.5), normal(rng, (context, d), 0.1)
    ln_f = {"g": normal(rng, (d,)), "b": normal(rng, (d,), 0.1)}
    ids = rng.integers(0, vocab, 9)
    check(gpt2, ids, wte, wpe, blocks, ln_f, heads=heads, rtol=2e-4, atol=2e-4)
