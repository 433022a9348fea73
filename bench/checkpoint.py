"""Memory against time: a training step of a deep residual MLP (12 blocks
of x + gelu(x @ w1) @ w2, 1024 x 512, hidden width 2048, float32) with and
without `checkpoint` around each block, mljit (`mljit.checkpoint`) against
JAX (`jax.checkpoint`) where installed.

    python bench/checkpoint.py                 # 3 rounds
    python bench/checkpoint.py --rounds 1 --systems mljit

Each configuration runs in a process of its own: after its first step
(trace and compile), the peak resident memory is reset
(/proc/self/clear_refs) and one more step runs; "step memory" is the peak
during that step above the memory held before it (parameters, inputs,
compiled code), which is what the step's intermediates, gradients and the
new parameters take. mljit's allocator cache is off (MLJIT_CACHE_BYTES=0),
so freed buffers count as freed. Times are medians of 5 steps, the best of
the rounds; every loss must match NumPy's (to 1e-4).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

SYSTEMS = ["mljit", "jax"]
BLOCKS, BATCH, WIDTH, HIDDEN = 12, 1024, 512, 2048
LEARNING_RATE = 1e-3


def block(x, w1, w2, xp=np):
    h = x @ w1
    h = 0.5 * h * (1 + xp.tanh(0.7978845608 * (h + 0.044715 * h ** 3)))
    return x + h @ w2


def loss(params, x, remat, xp=np):
    for w1, w2 in params:
        x = remat(lambda x, w1, w2: block(x, w1, w2, xp))(x, w1, w2)
    return xp.mean(x * x)


def inputs():
    rng = np.random.default_rng(0)
    params = [((rng.standard_normal((WIDTH, HIDDEN)) * WIDTH ** -0.5).astype(np.float32),
               (rng.standard_normal((HIDDEN, WIDTH)) * HIDDEN ** -0.5 / BLOCKS).astype(np.float32))
              for _ in range(BLOCKS)]
    return params, rng.standard_normal((BATCH, WIDTH)).astype(np.float32)


def make_step(system, checkpointed):
    if system == "mljit":
        import mljit

        remat = mljit.checkpoint if checkpointed else (lambda f: f)

        @mljit.jit
        def step(params, x):
            value, grads = mljit.value_and_grad(loss)(params, x, remat)
            return [(a - LEARNING_RATE * ga, b - LEARNING_RATE * gb)
                    for (a, b), (ga, gb) in zip(params, grads)], value
        return step, lambda tree: tree
    import jax
    import jax.numpy as jnp

    remat = jax.checkpoint if checkpointed else (lambda f: f)

    @jax.jit
    def step(params, x):
        value, grads = jax.value_and_grad(lambda p, x: loss(p, x, remat, jnp))(params, x)
        return [(a - LEARNING_RATE * ga, b - LEARNING_RATE * gb)
                for (a, b), (ga, gb) in zip(params, grads)], value

    def run(params, x):
        out = step(params, x)
        jax.block_until_ready(out)
        return out
    return run, jax.device_put


def resident_mb(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def worker(system, checkpointed, steps=5):
    params, x = inputs()
    expected = float(loss(params, x, lambda f: f))
    step, put = make_step(system, checkpointed)
    params, x = put(params), put(x)
    _, value = step(params, x)
    if abs(float(value) - expected) > 1e-4 * abs(expected):
        raise AssertionError(f"{system}: loss {float(value)}, NumPy's {expected}")
    before = resident_mb("VmRSS")
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")  # resets VmHWM to the current resident size
    out = step(params, x)
    memory = resident_mb("VmHWM") - before
    del out
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        step(params, x)
        times.append(time.perf_counter() - start)
    return {"median": statistics.median(times), "memory": memory}


def available(system):
    return subprocess.run([sys.executable, "-c", f"import {system}"],
                          capture_output=True).returncode == 0


def run_fresh(system, checkpointed):
    env = dict(os.environ, MLJIT_CACHE_BYTES="0")
    result = subprocess.run(
        [sys.executable, __file__, "--worker", system, str(int(checkpointed))],
        capture_output=True, text=True, env=env)
    if result.returncode != 0:
        print(f"{system} failed:\n{result.stderr[-2000:]}", file=sys.stderr)
        return None
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        system, checkpointed = options.worker
        print(json.dumps(worker(system, checkpointed == "1")))
        return
    systems = [s for s in options.systems.split(",") if available(s)]
    best = {}
    for _ in range(options.rounds):
        for system in systems:
            for checkpointed in (False, True):
                run = run_fresh(system, checkpointed)
                if run is None:
                    continue
                entry = best.setdefault((system, checkpointed), dict(run))
                entry["median"] = min(entry["median"], run["median"])
                entry["memory"] = min(entry["memory"], run["memory"])
    labels = {"mljit": "mljit", "jax": "JAX"}
    print("| system | step | step with checkpoint | time ratio | step memory | "
          "with checkpoint | memory ratio |")
    print("|---|---|---|---|---|---|---|")
    for system in systems:
        plain, remat = best.get((system, False)), best.get((system, True))
        if not plain or not remat:
            continue
        print(f"| {labels[system]} | {plain['median'] * 1e3:.0f} ms | "
              f"{remat['median'] * 1e3:.0f} ms | {remat['median'] / plain['median']:.2f}× | "
              f"{plain['memory']:.0f} MB | {remat['memory']:.0f} MB | "
              f"{remat['memory'] / plain['memory']:.2f}× |", flush=True)


if __name__ == "__main__":
    main()
