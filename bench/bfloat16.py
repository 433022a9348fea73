"""An MLP forward (256 x 1024 -> 4096 -> 1024, ReLU) with bfloat16 weights
and inputs against the same in float32: mljit, NumPy with ml_dtypes and,
where installed, JAX.

    python bench/bfloat16.py [--rounds 3]

NumPy's (ml_dtypes') bfloat16 product gives float32, so in every system
the products accumulate in float32; the table shows the median time of a
call (the best over rounds) and bfloat16 / float32 per system. Results
must agree with NumPy's to bfloat16's precision.
"""

from __future__ import annotations

import argparse

import numpy as np
from timing import median_time

try:
    import ml_dtypes
except ImportError as error:
    raise SystemExit("this benchmark needs ml_dtypes (pip install ml_dtypes)") from error

BF16 = np.dtype(ml_dtypes.bfloat16)


def mlp(x, w1, b1, w2, b2, xp=np):
    h = xp.maximum(x @ w1 + b1, 0)
    return h @ w2 + b2


def inputs(dtype):
    rng = np.random.default_rng(0)
    return [(rng.standard_normal(shape) * scale).astype(dtype) for shape, scale in
            [((256, 1024), 1.0), ((1024, 4096), 0.03), ((4096,), 0.1),
             ((4096, 1024), 0.03), ((1024,), 0.1)]]


def systems():
    import mljit

    found = {"mljit": (mljit.jit(mlp), lambda a: a), "NumPy": (mlp, lambda a: a)}
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return found
    jitted = jax.jit(lambda *a: mlp(*a, xp=jnp))
    found["JAX"] = (lambda *a: jitted(*a).block_until_ready(), jax.device_put)
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    reference = {d: mlp(*inputs(d)).astype(np.float64) for d in (np.float32, BF16)}
    best = {}
    for _ in range(options.rounds):
        for name, (function, put) in systems().items():
            for dtype in (np.float32, BF16):
                args = [put(a) for a in inputs(dtype)]
                result = np.asarray(function(*args)).astype(np.float64)
                scale = np.abs(reference[dtype]).max()
                if np.abs(result - reference[dtype]).max() > 2**-7 * scale:
                    raise AssertionError(f"{name} {np.dtype(dtype)}: wrong result")
                key = (name, np.dtype(dtype).name)
                best[key] = min(best.get(key, np.inf), median_time(function, args))
    print("| system | float32 | bfloat16 | bfloat16 / float32 |")
    print("|---|---|---|---|")
    for name in dict.fromkeys(k[0] for k in best):
        f32, bf16 = best[(name, "float32")], best[(name, "bfloat16")]
        print(f"| {name} | {f32 * 1e3:.2f} ms | {bf16 * 1e3:.2f} ms | {bf16 / f32:.2f}× |")


if __name__ == "__main__":
    main()
