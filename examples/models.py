"""Model programs in plain NumPy, written as NumPy model code is written:
softmax, layer norm, GELU, MLPs, causal attention, transformer blocks and a
small GPT-2; and the inputs the tests (test/pytest) and the benchmarks
(bench/) run them on.

NumPy and the standard library only: bench/gpu.py ships this file to GPU
machines without mljit, and the GPU tests import it where mljit cannot be
imported. The programs the benchmarks time take the array module as `xp`
(NumPy; jax.numpy for JAX); mljit and torch.compile compile them unchanged.

Where two programs do the same thing differently (a constant that is a
Python float or a float64 NumPy scalar, the variance by x.var or written
out, q/k/v projections fused or not, heads split by reshape or by np.split),
both are kept: the tests and benchmarks that run them depend on the
difference.
"""

import math

import numpy as np


def softmax(x, axis=-1, xp=np):
    e = xp.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def layer_norm(x, gamma, beta, eps=1e-5, xp=np):
    mean = x.mean(axis=-1, keepdims=True)
    variance = x.var(axis=-1, keepdims=True)
    return (x - mean) / xp.sqrt(variance + eps) * gamma + beta


def layer_norm_explicit_variance(x, gamma, beta, eps=1e-5, xp=np):
    """layer_norm with the variance written from the mean it already has,
    as the benchmarks time it: x.var computes the mean again."""
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / xp.sqrt(variance + eps) * gamma + beta


def gelu(x, xp=np):
    """The tanh approximation, as GPT-2 has it. Its constants are Python
    floats: float32 stays float32."""
    return 0.5 * x * (1.0 + xp.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)))


def gelu_float64(x, xp=np):
    """gelu with its constant from np.sqrt, a float64 NumPy scalar: NumPy
    computes it in float64 whatever the float type of `x`."""
    return 0.5 * x * (1.0 + xp.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x**3)))


def linear(x, w, b, xp=np):
    return x @ w + b


def mlp_relu(x, w1, b1, w2, b2, xp=np):
    return xp.maximum(x @ w1 + b1, 0) @ w2 + b2


def mlp_gelu(x, w1, b1, w2, b2):
    return gelu(x @ w1 + b1) @ w2 + b2


def matmul(a, b, xp=np):
    return a @ b


def causal_attention(q, k, v):
    # np.sqrt of a Python int is a float64 NumPy scalar: float32 scores
    # become float64, as in NumPy.
    scores = q @ k.T / np.sqrt(q.shape[-1])
    t = scores.shape[0]
    scores = np.where(np.tril(np.ones((t, t), dtype=bool)), scores, -np.inf)
    return softmax(scores) @ v


def transformer_block(x, params, heads=4):
    """Pre-norm block: layer norm, causal self-attention with q/k/v
    projections over `heads` heads, residual; layer norm, GELU MLP, residual."""
    t, d = x.shape
    h = layer_norm(x, params["ln1_g"], params["ln1_b"])
    q, k, v = (h @ params[w] + params[b] for w, b in
               (("w_q", "b_q"), ("w_k", "b_k"), ("w_v", "b_v")))
    q, k, v = (a.reshape(t, heads, d // heads).transpose(1, 0, 2) for a in (q, k, v))
    scores = q @ k.transpose(0, 2, 1) * (1.0 / (d // heads) ** 0.5)
    scores = np.where(np.tril(np.ones((t, t), dtype=bool)), scores, -1e9)
    attended = (softmax(scores) @ v).transpose(1, 0, 2).reshape(t, d)
    x = x + attended @ params["w_o"]
    h = layer_norm(x, params["ln2_g"], params["ln2_b"])
    return x + gelu(h @ params["w_fc"] + params["b_fc"]) @ params["w_proj"]


def transformer_block_fused_qkv(x, params, heads):
    """transformer_block with one q/k/v projection split three ways, and its
    constants from np.sqrt: float64 NumPy scalars, so it computes in float64
    from the attention scores on."""
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
    return x + gelu_float64(h @ params["w_fc"] + params["b_fc"]) @ params["w_proj"]


def block_with_stats(x, params):
    """A pytree out: the block and statistics of its input."""
    y = transformer_block(x, params)
    return {"y": y, "stats": (x.mean(axis=0), [x.max(), x.argmax(axis=-1)])}


def gpt2_block(x, p, heads=12, xp=np):
    """A GPT-2 transformer block (GPT-2 small's 12 heads): causal multi-head
    attention and an MLP."""
    t, d = x.shape
    h = layer_norm_explicit_variance(x, p["ln1_g"], p["ln1_b"], xp=xp)
    q, k, v = xp.split(h @ p["attn_w"] + p["attn_b"], 3, axis=-1)
    q, k, v = (a.reshape(t, heads, d // heads).transpose(1, 0, 2) for a in (q, k, v))
    scores = q @ k.transpose(0, 2, 1) / math.sqrt(d // heads)
    mask = np.tril(np.ones((t, t), dtype=bool))
    scores = xp.where(mask, scores, -1e10)
    attention = softmax(scores, xp=xp) @ v
    x = x + attention.transpose(1, 0, 2).reshape(t, d) @ p["proj_w"] + p["proj_b"]
    h = layer_norm_explicit_variance(x, p["ln2_g"], p["ln2_b"], xp=xp)
    return x + gelu(h @ p["fc_w"] + p["fc_b"], xp) @ p["out_w"] + p["out_b"]


def gpt2(ids, wte, wpe, blocks, ln_f, heads, xp=np):
    """GPT-2's forward pass over the tokens `ids`: logits. Each head attends
    on its own (np.split, np.hstack), and its constants come from np.sqrt:
    it computes in float64."""
    t = ids.shape[0]
    return _gpt2_layers(wte[ids] + wpe[xp.arange(t)], wte, blocks, ln_f, heads, xp)


def gpt2_from_token_list(ids, wte, wpe, blocks, ln_f, heads):
    """GPT-2 as public NumPy ports write it: the tokens are a Python list,
    and the position embeddings are indexed with a range."""
    return _gpt2_layers(wte[ids] + wpe[range(len(ids))], wte, blocks, ln_f, heads)


def _gpt2_layers(x, wte, blocks, ln_f, heads, xp=np):
    t = x.shape[0]
    for block in blocks:
        h = layer_norm(x, block["ln1_g"], block["ln1_b"], xp=xp)
        q, k, v = xp.split(h @ block["attn_w"] + block["attn_b"], 3, axis=-1)
        mask = xp.tri(t, dtype=bool)
        outputs = []
        for qh, kh, vh in zip(xp.split(q, heads, axis=-1), xp.split(k, heads, axis=-1),
                              xp.split(v, heads, axis=-1)):
            scores = qh @ kh.T / np.sqrt(qh.shape[-1])
            outputs.append(softmax(xp.where(mask, scores, -1e10), xp=xp) @ vh)
        x = x + xp.hstack(outputs) @ block["proj_w"] + block["proj_b"]
        h = layer_norm(x, block["ln2_g"], block["ln2_b"], xp=xp)
        x = (x + gelu_float64(h @ block["fc_w"] + block["fc_b"], xp) @ block["out_w"]
             + block["out_b"])
    x = layer_norm(x, ln_f["g"], ln_f["b"], xp=xp)
    return x @ wte.T


def gpt2_decode_step(x, wte, blocks, caches, ln_f, heads, xp=np):
    """One generated token of `gpt2` with a KV cache, as NumPy ports write
    it: `x` (1, d) is the new token's embedding, `caches[i]` the keys and
    values (t, d) of the earlier tokens at layer i, which the token's own
    key and value join (np.concatenate) before it attends over them."""
    for block, (cached_keys, cached_values) in zip(blocks, caches):
        h = layer_norm(x, block["ln1_g"], block["ln1_b"], xp=xp)
        q, k, v = xp.split(h @ block["attn_w"] + block["attn_b"], 3, axis=-1)
        keys = xp.concatenate([cached_keys, k])
        values = xp.concatenate([cached_values, v])
        outputs = []
        for qh, kh, vh in zip(xp.split(q, heads, axis=-1), xp.split(keys, heads, axis=-1),
                              xp.split(values, heads, axis=-1)):
            scores = qh @ kh.T / np.sqrt(qh.shape[-1])
            outputs.append(softmax(scores, xp=xp) @ vh)
        x = x + xp.hstack(outputs) @ block["proj_w"] + block["proj_b"]
        h = layer_norm(x, block["ln2_g"], block["ln2_b"], xp=xp)
        x = (x + gelu_float64(h @ block["fc_w"] + block["fc_b"], xp) @ block["out_w"]
             + block["out_b"])
    return layer_norm(x, ln_f["g"], ln_f["b"], xp=xp) @ wte.T


def rms_norm(x, weight, eps=1e-6, xp=np):
    return x / xp.sqrt(xp.mean(x * x, axis=-1, keepdims=True) + eps) * weight


def rotate_half(x, cos, sin, xp=np):
    """Rotary position embeddings in the rotate-half form (Llama's ports)."""
    half = x.shape[-1] // 2
    rotated = xp.concatenate([-x[..., half:], x[..., :half]], axis=-1)
    return x * cos + rotated * sin


def llama_block(x, p, cos, sin, heads, kv_heads, xp=np):
    """A Llama-style block as NumPy ports write it: RMSNorm, rotary
    embeddings, grouped-query attention (each key/value head serves
    heads // kv_heads query heads: np.repeat), a causal mask and a SwiGLU
    MLP."""
    t, d = x.shape
    size = d // heads
    h = rms_norm(x, p["norm1"], xp=xp)
    q = (h @ p["wq"]).reshape(t, heads, size).transpose(1, 0, 2)
    k = (h @ p["wk"]).reshape(t, kv_heads, size).transpose(1, 0, 2)
    v = (h @ p["wv"]).reshape(t, kv_heads, size).transpose(1, 0, 2)
    q, k = rotate_half(q, cos, sin, xp), rotate_half(k, cos, sin, xp)
    k = xp.repeat(k, heads // kv_heads, axis=0)
    v = xp.repeat(v, heads // kv_heads, axis=0)
    scores = q @ k.transpose(0, 2, 1) / math.sqrt(size)
    scores = xp.where(xp.tri(t, dtype=bool), scores, -xp.inf)
    x = x + (softmax(scores, xp=xp) @ v).transpose(1, 0, 2).reshape(t, d) @ p["wo"]
    h = rms_norm(x, p["norm2"], xp=xp)
    gate = h @ p["w1"]
    return x + (gate / (1 + xp.exp(-gate)) * (h @ p["w3"])) @ p["w2"]


class Decoder:
    """A small Llama-style decoder kept in an object, as NumPy model code
    keeps one: weights as attributes (a list of dicts per layer), rotary
    position tables sliced by position, an embedding lookup on an
    attribute, and a KV cache per layer written in place as tokens come.

    `forward(ids, start)` takes the tokens (batch, n) at positions
    start..start+n-1 and returns the logits of the last one.
    """

    def __init__(self, rng, vocab=48, d=32, heads=4, layers=2, max_len=16, batch=1):
        self.heads, self.head_dim = heads, d // heads
        self.embedding = rng.standard_normal((vocab, d)) * 0.5
        self.layers = [
            {name: rng.standard_normal(shape) / np.sqrt(shape[0])
             for name, shape in (("wq", (d, d)), ("wk", (d, d)), ("wv", (d, d)),
                                 ("wo", (d, d)), ("w1", (d, 2 * d)), ("w2", (2 * d, d)))}
            | {"norm1": np.ones(d), "norm2": np.ones(d)}
            for _ in range(layers)]
        frequencies = 1.0 / 10000 ** (np.arange(0, self.head_dim, 2) / self.head_dim)
        angles = np.outer(np.arange(max_len), frequencies)
        self.cos, self.sin = np.cos(angles), np.sin(angles)
        shape = (batch, max_len, heads, self.head_dim)
        self.cache_k = [np.zeros(shape) for _ in range(layers)]
        self.cache_v = [np.zeros(shape) for _ in range(layers)]

    def rotate(self, x, start):
        n = x.shape[1]
        cos = self.cos[start:start + n][None, :, None, :]
        sin = self.sin[start:start + n][None, :, None, :]
        even, odd = x[..., 0::2], x[..., 1::2]
        rotated = np.empty_like(x)
        rotated[..., 0::2] = even * cos - odd * sin
        rotated[..., 1::2] = even * sin + odd * cos
        return rotated

    def forward(self, ids, start):
        b, n = ids.shape
        x = self.embedding[ids]
        for i, layer in enumerate(self.layers):
            h = rms_norm(x, layer["norm1"])
            q = (h @ layer["wq"]).reshape(b, n, self.heads, self.head_dim)
            k = (h @ layer["wk"]).reshape(b, n, self.heads, self.head_dim)
            v = (h @ layer["wv"]).reshape(b, n, self.heads, self.head_dim)
            q, k = self.rotate(q, start), self.rotate(k, start)
            self.cache_k[i][:b, start:start + n] = k
            self.cache_v[i][:b, start:start + n] = v
            keys = self.cache_k[i][:b, :start + n]
            values = self.cache_v[i][:b, :start + n]
            scores = np.einsum("bqhd,bkhd->bhqk", q, keys) / np.sqrt(self.head_dim)
            if n > 1:
                scores = scores + np.triu(np.full((n, start + n), -np.inf), k=start + 1)
            attention = np.einsum("bhqk,bkhd->bqhd", softmax(scores), values)
            x = x + attention.reshape(b, n, -1) @ layer["wo"]
            h = rms_norm(x, layer["norm2"])
            x = x + np.maximum(h @ layer["w1"], 0) @ layer["w2"]
        return x[:, -1] @ self.embedding.T


# --- inputs ---------------------------------------------------------------


def normal(rng, shape, scale=1.0, dtype=np.float32):
    return (rng.standard_normal(shape) * scale).astype(dtype)


def transformer_block_params(rng, d, dtype):
    p = {"ln1_g": 1 + normal(rng, d, 0.1, dtype), "ln1_b": normal(rng, d, 0.1, dtype),
         "ln2_g": 1 + normal(rng, d, 0.1, dtype), "ln2_b": normal(rng, d, 0.1, dtype),
         "w_o": normal(rng, (d, d), d ** -0.5, dtype),
         "w_fc": normal(rng, (d, 4 * d), d ** -0.5, dtype),
         "b_fc": normal(rng, 4 * d, 0.1, dtype),
         "w_proj": normal(rng, (4 * d, d), (4 * d) ** -0.5, dtype)}
    for name in "qkv":
        p[f"w_{name}"] = normal(rng, (d, d), d ** -0.5, dtype)
        p[f"b_{name}"] = normal(rng, d, 0.1, dtype)
    return p


def gpt2_block_params(rng, d, weight_scale):
    """The parameters of one gpt2_block (or block of gpt2), float32."""
    return {
        "ln1_g": normal(rng, (d,)), "ln1_b": normal(rng, (d,), 0.1),
        "attn_w": normal(rng, (d, 3 * d), weight_scale), "attn_b": normal(rng, (3 * d,), 0.1),
        "proj_w": normal(rng, (d, d), weight_scale), "proj_b": normal(rng, (d,), 0.1),
        "ln2_g": normal(rng, (d,)), "ln2_b": normal(rng, (d,), 0.1),
        "fc_w": normal(rng, (d, 4 * d), weight_scale), "fc_b": normal(rng, (4 * d,), 0.1),
        "out_w": normal(rng, (4 * d, d), weight_scale), "out_b": normal(rng, (d,), 0.1),
    }


# The programs example() makes inputs for.
EXAMPLES = {
    "softmax": softmax,
    "layer_norm": layer_norm,
    "mlp_relu": mlp_relu,
    "mlp_gelu": mlp_gelu,
    "causal_attention": causal_attention,
    "transformer_block": transformer_block,
    "block_with_stats": block_with_stats,
}


def example(name, dtype=np.float32, rng=None, size=1):
    """(program, args) of EXAMPLES[name]: random inputs in `dtype`, with
    sizes that are not multiples of the GPU's tiles (`size` scales them)."""
    rng = np.random.default_rng(len(name)) if rng is None else rng
    dtype = np.dtype(dtype)

    def n(shape, scale=1.0):
        return normal(rng, shape, scale, dtype)

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
        args = (n((t, d)), transformer_block_params(rng, d, dtype))
    else:
        raise KeyError(name)
    return EXAMPLES[name], args


# What the benchmarks time, by name.
WORKLOADS = {
    "gelu": gelu,
    "softmax": softmax,
    "layer_norm": layer_norm_explicit_variance,
    "mlp": mlp_relu,
    "matmul": matmul,
    "gpt2_block": gpt2_block,
    # One token's product with a GPT-2 MLP weight: float32 throughout, and
    # float64 activations (as GPT-2's forward has them) by the float32 weight.
    "decode_product": linear,
    "decode_product_f64": linear,
    "tiny_gelu": gelu,  # the per-call overhead
}


# Model forwards as NumPy model code writes them (bench/forwards.py), with
# their sizes bound: GPT-2 small's blocks (12 layers, d=768, 12 heads; a
# 1024-token vocabulary) over 8 and 128 tokens, and for one token attending
# to a KV cache of 127; a Llama-style block (d=1024, 16 heads sharing 4
# key/value heads, SwiGLU of 2816) over 128 tokens.
GPT2_SMALL = {"layers": 12, "width": 768, "heads": 12, "vocabulary": 1024}
LLAMA = {"width": 1024, "heads": 16, "kv_heads": 4, "hidden": 2816, "tokens": 128}


def gpt2_small(ids, wte, wpe, blocks, ln_f, xp=np):
    return gpt2(ids, wte, wpe, blocks, ln_f, GPT2_SMALL["heads"], xp)


def gpt2_small_decode_step(x, wte, blocks, caches, ln_f, xp=np):
    return gpt2_decode_step(x, wte, blocks, caches, ln_f, GPT2_SMALL["heads"], xp)


def llama(x, p, cos, sin, xp=np):
    return llama_block(x, p, cos, sin, LLAMA["heads"], LLAMA["kv_heads"], xp)


MODEL_WORKLOADS = {
    "gpt2_small_8": gpt2_small,
    "gpt2_small_128": gpt2_small,
    "gpt2_small_decode": gpt2_small_decode_step,
    "llama_block_128": llama,
}


def _model_workload(name, rng):
    d, vocabulary = GPT2_SMALL["width"], GPT2_SMALL["vocabulary"]
    if name.startswith("gpt2_small"):
        blocks = [gpt2_block_params(rng, d, 0.02) for _ in range(GPT2_SMALL["layers"])]
        wte = normal(rng, (vocabulary, d), 0.02)
        ln_f = {"g": np.ones(d, np.float32), "b": np.zeros(d, np.float32)}
        if name == "gpt2_small_decode":
            caches = [(normal(rng, (127, d)), normal(rng, (127, d))) for _ in blocks]
            return (normal(rng, (1, d), 0.1), wte, blocks, caches, ln_f)
        tokens = int(name.rsplit("_", 1)[1])
        wpe = normal(rng, (1024, d), 0.01)
        return (rng.integers(0, vocabulary, tokens), wte, wpe, blocks, ln_f)
    d, hidden, t = LLAMA["width"], LLAMA["hidden"], LLAMA["tokens"]
    size = d // LLAMA["heads"]
    kv = LLAMA["kv_heads"] * size
    p = {"norm1": np.ones(d, np.float32), "norm2": np.ones(d, np.float32),
         "wq": normal(rng, (d, d), d ** -0.5), "wk": normal(rng, (d, kv), d ** -0.5),
         "wv": normal(rng, (d, kv), d ** -0.5), "wo": normal(rng, (d, d), d ** -0.5),
         "w1": normal(rng, (d, hidden), d ** -0.5), "w3": normal(rng, (d, hidden), d ** -0.5),
         "w2": normal(rng, (hidden, d), hidden ** -0.5)}
    angles = np.outer(np.arange(t), 10000.0 ** (-np.arange(0, size, 2) / size))
    angles = np.concatenate([angles, angles], axis=-1).astype(np.float32)
    return (normal(rng, (t, d)), p, np.cos(angles), np.sin(angles))


def workload(name, rng):
    """(program, args) of WORKLOADS[name] (or MODEL_WORKLOADS[name]) at the
    benchmarks' sizes, float32."""
    if name in MODEL_WORKLOADS:
        return MODEL_WORKLOADS[name], _model_workload(name, rng)
    if name in ("gelu", "softmax"):
        args = (normal(rng, (4096, 1024)),)
    elif name == "layer_norm":
        args = (normal(rng, (4096, 1024)), normal(rng, (1024,)), normal(rng, (1024,)))
    elif name == "mlp":
        args = (normal(rng, (256, 1024)), normal(rng, (1024, 4096), 0.03),
                normal(rng, (4096,)), normal(rng, (4096, 1024), 0.03), normal(rng, (1024,)))
    elif name == "matmul":
        args = (normal(rng, (1024, 1024)), normal(rng, (1024, 1024)))
    elif name == "gpt2_block":
        params = gpt2_block_params(rng, 768, 0.03)
        args = (normal(rng, (128, 768)), params)
    elif name.startswith("decode_product"):
        x = normal(rng, (1, 768), dtype=np.float64 if name.endswith("f64") else np.float32)
        args = (x, normal(rng, (768, 3072), 0.02), normal(rng, (3072,)))
    elif name == "tiny_gelu":
        args = (normal(rng, (8,)),)
    else:
        raise KeyError(name)
    return WORKLOADS[name], args
