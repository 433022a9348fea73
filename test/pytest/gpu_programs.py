"""Realistic programs in plain NumPy for the GPU tests (test_gpu.py), with
example inputs. Imports NumPy only: scripts that run where mljit cannot be
imported (exported artifacts) use it too."""

import numpy as np

HEADS = 4


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def layer_norm(x, gamma, beta):
    mean = x.mean(axis=-1, keepdims=True)
    variance = x.var(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + 1e-5) * gamma + beta


def gelu(x):
    """The tanh approximation, as GPT-2 has it (Python floats: float32 stays
    float32)."""
    return 0.5 * x * (1.0 + np.tanh((2.0 / np.pi) ** 0.5 * (x + 0.044715 * x**3)))


def mlp_relu(x, w1, b1, w2, b2):
    return np.maximum(x @ w1 + b1, 0) @ w2 + b2


def mlp_gelu(x, w1, b1, w2, b2):
    return gelu(x @ w1 + b1) @ w2 + b2


def causal_attention(q, k, v):
    # np.sqrt of a Python int is a float64 NumPy scalar: float32 scores
    # become float64, as in NumPy.
    scores = q @ k.T / np.sqrt(q.shape[-1])
    t = scores.shape[0]
    scores = np.where(np.tril(np.ones((t, t), dtype=bool)), scores, -np.inf)
    return softmax(scores) @ v


def transformer_block(x, params):
    """Pre-norm block: layer norm, causal self-attention with q/k/v
    projections over HEADS heads, residual; layer norm, GELU MLP, residual."""
    t, d = x.shape
    h = layer_norm(x, params["ln1_g"], params["ln1_b"])
    q, k, v = (h @ params[w] + params[b] for w, b in
               (("w_q", "b_q"), ("w_k", "b_k"), ("w_v", "b_v")))
    q, k, v = (a.reshape(t, HEADS, d // HEADS).transpose(1, 0, 2) for a in (q, k, v))
    scores = q @ k.transpose(0, 2, 1) * (1.0 / (d // HEADS) ** 0.5)
    scores = np.where(np.tril(np.ones((t, t), dtype=bool)), scores, -1e9)
    attended = (softmax(scores) @ v).transpose(1, 0, 2).reshape(t, d)
    x = x + attended @ params["w_o"]
    h = layer_norm(x, params["ln2_g"], params["ln2_b"])
    return x + gelu(h @ params["w_fc"] + params["b_fc"]) @ params["w_proj"]


def block_with_stats(x, params):
    """A pytree out: the block and statistics of its input."""
    y = transformer_block(x, params)
    return {"y": y, "stats": (x.mean(axis=0), [x.max(), x.argmax(axis=-1)])}


PROGRAMS = {
    "softmax": softmax,
    "layer_norm": layer_norm,
    "mlp_relu": mlp_relu,
    "mlp_gelu": mlp_gelu,
    "causal_attention": causal_attention,
    "transformer_block": transformer_block,
    "block_with_stats": block_with_stats,
}


def _normal(rng, shape, scale, dtype):
    return (rng.standard_normal(shape) * scale).astype(dtype)


def block_params(rng, d, dtype):
    p = {"ln1_g": 1 + _normal(rng, d, 0.1, dtype), "ln1_b": _normal(rng, d, 0.1, dtype),
         "ln2_g": 1 + _normal(rng, d, 0.1, dtype), "ln2_b": _normal(rng, d, 0.1, dtype),
         "w_o": _normal(rng, (d, d), d ** -0.5, dtype),
         "w_fc": _normal(rng, (d, 4 * d), d ** -0.5, dtype),
         "b_fc": _normal(rng, 4 * d, 0.1, dtype),
         "w_proj": _normal(rng, (4 * d, d), (4 * d) ** -0.5, dtype)}
    for name in "qkv":
        p[f"w_{name}"] = _normal(rng, (d, d), d ** -0.5, dtype)
        p[f"b_{name}"] = _normal(rng, d, 0.1, dtype)
    return p


def example(name, dtype=np.float32, rng=None, size=1):
    """(function, args) of program `name`: random inputs in `dtype`, with
    sizes that are not multiples of the GPU's tiles (`size` scales them)."""
    rng = np.random.default_rng(len(name)) if rng is None else rng
    dtype = np.dtype(dtype)
    n = lambda shape, scale=1.0: _normal(rng, shape, scale, dtype)  # noqa: E731
    rows, width, hidden = 37 * size, 100 * size, 72 * size
    if name == "softmax":
        args = (n((rows, width), 3.0),)
    elif name == "layer_norm":
        args = (n((rows, width), 2.0), 1 + n(width, 0.1), n(width, 0.1))
    elif name in ("mlp_relu", "mlp_gelu"):
        args = (n((rows, 48)), n((48, hidden), 48 ** -0.5), n(hidden, 0.1),
                n((hidden, 20), hidden ** -0.5), n(20, 0.1))
    elif name == "causal_attention":
        t = 45 * size  # more rows than a warp
        args = (n((t, 24)), n((t, 24)), n((t, 24)))
    elif name in ("transformer_block", "block_with_stats"):
        t, d = 19 * size, 32
        args = (n((t, d)), block_params(rng, d, dtype))
    else:
        raise KeyError(name)
    return PROGRAMS[name], args
