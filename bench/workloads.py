"""The benchmark workloads, written in plain NumPy as a user would.

Each takes its array module as `xp` (NumPy; jax.numpy for JAX). mljit and
torch.compile compile the NumPy version unchanged.
"""

import math

import numpy as np


def gelu(x, xp=np):
    return 0.5 * x * (1.0 + xp.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)))


def softmax(x, xp=np):
    e = xp.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def layer_norm(x, gamma, beta, xp=np):
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / xp.sqrt(variance + 1e-5) * gamma + beta


def mlp(x, w1, b1, w2, b2, xp=np):
    return xp.maximum(x @ w1 + b1, 0.0) @ w2 + b2


def matmul(a, b, xp=np):
    return a @ b


def gpt2_block(x, p, xp=np):
    """A GPT-2 transformer block: causal multi-head attention and an MLP."""
    t, d = x.shape
    heads = 12
    h = layer_norm(x, p["ln1_g"], p["ln1_b"], xp)
    q, k, v = xp.split(h @ p["attn_w"] + p["attn_b"], 3, axis=-1)
    q, k, v = (a.reshape(t, heads, d // heads).transpose(1, 0, 2) for a in (q, k, v))
    scores = q @ k.transpose(0, 2, 1) / math.sqrt(d // heads)
    mask = np.tril(np.ones((t, t), dtype=bool))
    scores = xp.where(mask, scores, -1e10)
    attention = softmax(scores, xp) @ v
    x = x + attention.transpose(1, 0, 2).reshape(t, d) @ p["proj_w"] + p["proj_b"]
    h = layer_norm(x, p["ln2_g"], p["ln2_b"], xp)
    return x + gelu(h @ p["fc_w"] + p["fc_b"], xp) @ p["out_w"] + p["out_b"]


def _normal(rng, shape, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def inputs(name, rng):
    """The arguments of workload `name` (float32)."""
    if name in ("gelu", "softmax"):
        return (_normal(rng, (4096, 1024)),)
    if name == "layer_norm":
        return (_normal(rng, (4096, 1024)), _normal(rng, (1024,)), _normal(rng, (1024,)))
    if name == "mlp":
        return (_normal(rng, (256, 1024)), _normal(rng, (1024, 4096), 0.03),
                _normal(rng, (4096,)), _normal(rng, (4096, 1024), 0.03), _normal(rng, (1024,)))
    if name == "matmul":
        return (_normal(rng, (1024, 1024)), _normal(rng, (1024, 1024)))
    if name == "gpt2_block":
        d = 768
        params = {
            "ln1_g": _normal(rng, (d,)), "ln1_b": _normal(rng, (d,), 0.1),
            "attn_w": _normal(rng, (d, 3 * d), 0.03), "attn_b": _normal(rng, (3 * d,), 0.1),
            "proj_w": _normal(rng, (d, d), 0.03), "proj_b": _normal(rng, (d,), 0.1),
            "ln2_g": _normal(rng, (d,)), "ln2_b": _normal(rng, (d,), 0.1),
            "fc_w": _normal(rng, (d, 4 * d), 0.03), "fc_b": _normal(rng, (4 * d,), 0.1),
            "out_w": _normal(rng, (4 * d, d), 0.03), "out_b": _normal(rng, (d,), 0.1),
        }
        return (_normal(rng, (128, d)), params)
    if name == "tiny_gelu":
        return (_normal(rng, (8,)),)
    raise KeyError(name)


FUNCTIONS = {
    "gelu": gelu, "softmax": softmax, "layer_norm": layer_norm, "mlp": mlp,
    "matmul": matmul, "gpt2_block": gpt2_block, "tiny_gelu": gelu,
}
# Bytes each memory-bound workload must move at least (read + write).
MINIMUM_TRAFFIC = {name: 2 * 4096 * 1024 * 4 for name in ("gelu", "softmax", "layer_norm")}
