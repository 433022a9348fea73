"""Realistic programs written in plain NumPy, as a user would (the models
of examples/models.py, and a few more here), compiled unchanged with
`@mljit.jit` and compared with NumPy running them."""

import numpy as np
import pytest

import mljit
from checks import assert_same
from models import (causal_attention, gelu_float64, gpt2, gpt2_block_params, gpt2_decode_step,
                    layer_norm, llama_block, mlp_relu, normal, softmax,
                    transformer_block_fused_qkv)

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


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=str)
def test_softmax_layer_norm_gelu(dtype, rng):
    x = normal(rng, (6, 33), 3, dtype)
    gamma, beta = normal(rng, (33,), 1, dtype), normal(rng, (33,), 1, dtype)
    check(softmax, x)
    check(softmax, x, axis=0)
    check(layer_norm, x, gamma, beta, rtol=1e-4, atol=1e-4)
    check(gelu_float64, x)


def test_mlp(rng):
    args = (normal(rng, (8, 16)), normal(rng, (16, 32), 0.3), normal(rng, (32,)),
            normal(rng, (32, 4), 0.3), normal(rng, (4,)))
    check(mlp_relu, *args, rtol=1e-4, atol=1e-4)


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
    check(transformer_block_fused_qkv, normal(rng, (7, d)), params, heads=4,
          rtol=1e-4, atol=1e-4)


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
    blocks = [gpt2_block_params(rng, d, 0.2) for _ in range(2)]
    wte, wpe = normal(rng, (vocab, d), 0.5), normal(rng, (context, d), 0.1)
    ln_f = {"g": normal(rng, (d,)), "b": normal(rng, (d,), 0.1)}
    ids = rng.integers(0, vocab, 9)
    check(gpt2, ids, wte, wpe, blocks, ln_f, heads=heads, rtol=2e-4, atol=2e-4)


def test_gpt2_decode_step_over_a_kv_cache(rng):
    # d = 48: the MLP's float64-by-float32 products are large enough for the
    # runtime's mljit_gemm_f64_f32.
    vocab, d, heads, cached = 40, 48, 3, 7
    blocks = [gpt2_block_params(rng, d, 0.2) for _ in range(2)]
    caches = [(normal(rng, (cached, d)), normal(rng, (cached, d))) for _ in blocks]
    ln_f = {"g": normal(rng, (d,)), "b": normal(rng, (d,), 0.1)}
    check(gpt2_decode_step, normal(rng, (1, d), 0.5), normal(rng, (vocab, d), 0.5), blocks,
          caches, ln_f, heads=heads, rtol=2e-4, atol=2e-4)


def test_llama_block_with_grouped_heads_and_rotary_embeddings(rng):
    t, d, hidden = 11, 32, 40
    size = d // 8
    p = {"norm1": 1 + normal(rng, (d,), 0.1), "norm2": 1 + normal(rng, (d,), 0.1),
         "wq": normal(rng, (d, d), 0.2), "wk": normal(rng, (d, 2 * size), 0.2),
         "wv": normal(rng, (d, 2 * size), 0.2), "wo": normal(rng, (d, d), 0.2),
         "w1": normal(rng, (d, hidden), 0.2), "w3": normal(rng, (d, hidden), 0.2),
         "w2": normal(rng, (hidden, d), 0.2)}
    angles = np.outer(np.arange(t), 0.3 ** np.arange(size // 2))
    angles = np.concatenate([angles, angles], axis=-1).astype(F32)
    check(llama_block, normal(rng, (t, d)), p, np.cos(angles), np.sin(angles), heads=8,
          kv_heads=2, rtol=1e-4, atol=1e-4)
