"""Training steps (forward, backward, SGD update) of the benchmark MLP, the
GPT-2 block and a tanh RNN over 64 time steps (a scan: reverse mode through
a loop), mljit against JAX and torch.compile where installed.

    python bench/training.py                  # every program, 3 rounds
    python bench/training.py --programs mlp --rounds 1
    python bench/training.py --systems mljit,torch

The loss code is examples/models.py's, written once over an array
namespace: mljit runs it with NumPy under `jit(value_and_grad(...))`, JAX
with `jax.numpy` under `jax.jit(jax.value_and_grad(...))`, and torch with
NumPy itself: `torch.compile(torch.compiler.wrap_numpy(loss))` traces the
NumPy calls into torch operations on tensors that require grad, so
`torch.autograd.grad` differentiates it. Each system runs in its own
process per round, with empty compile caches (mljit's, torch's inductor
cache); the table shows the best median time per step and the first call
(trace, compile and one step) of a fresh process. Every system's first
step must give NumPy's loss (to 1e-4, relative), or its run fails.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(os.path.dirname(HERE), "examples")]
import models  # noqa: E402

PROGRAMS = ["mlp", "gpt2_block", "rnn"]
SYSTEMS = ["mljit", "jax", "torch"]
LEARNING_RATE = 1e-3


def mlp_loss(params, x, y, xp=np):
    out = models.mlp_relu(x, params["w1"], params["b1"], params["w2"], params["b2"], xp=xp)
    return ((out - y) ** 2).mean()


def block_loss(params, x, y, xp=np):
    return ((models.gpt2_block(x, params, xp=xp) - y) ** 2).mean()


def python_scan(f, carry, xs):
    for x in xs:
        carry, _ = f(carry, x)
    return carry, None


def rnn_loss(params, xs, y, xp=np, scan=python_scan):
    """A tanh RNN over the time steps of `xs` (a loop the compiler sees:
    mljit.scan, jax.lax.scan; torch.compile unrolls the Python loop)."""
    def step(h, x):
        return xp.tanh(h @ params["wh"] + x @ params["wx"] + params["b"]), None
    h, _ = scan(step, xp.zeros_like(y), xs)
    return ((h - y) ** 2).mean()


def inputs(name):
    rng = np.random.default_rng(0)
    normal = models.normal
    if name == "mlp":
        params = {"w1": normal(rng, (1024, 4096), 0.03), "b1": normal(rng, (4096,)),
                  "w2": normal(rng, (4096, 1024), 0.03), "b2": normal(rng, (1024,))}
        return mlp_loss, params, normal(rng, (256, 1024)), normal(rng, (256, 1024))
    if name == "rnn":
        params = {"wh": normal(rng, (512, 512), 0.04), "wx": normal(rng, (256, 512), 0.06),
                  "b": normal(rng, (512,), 0.1)}
        return rnn_loss, params, normal(rng, (64, 64, 256)), normal(rng, (64, 512), 0.5)
    params = models.gpt2_block_params(rng, 768, 0.03)
    return block_loss, params, normal(rng, (128, 768)), normal(rng, (128, 768))


def make_step(system, loss):
    if system == "mljit":
        import mljit

        if loss is rnn_loss:
            loss = functools.partial(rnn_loss, scan=mljit.scan)

        @mljit.jit
        def step(params, x, y):
            value, grads = mljit.value_and_grad(loss)(params, x, y)
            return {k: params[k] - LEARNING_RATE * grads[k] for k in params}, value
        return step, lambda tree: tree
    if system == "jax":
        import jax
        import jax.numpy as jnp

        if loss is rnn_loss:
            loss = functools.partial(rnn_loss, scan=jax.lax.scan)

        @jax.jit
        def step(params, x, y):
            value, grads = jax.value_and_grad(functools.partial(loss, xp=jnp))(params, x, y)
            return {k: params[k] - LEARNING_RATE * grads[k] for k in params}, value

        def run(params, x, y):
            out = step(params, x, y)
            jax.block_until_ready(out)
            return out
        return run, jax.device_put
    if system == "torch":
        import torch

        # The loss compiled (forward and backward graphs, fullgraph), the
        # gradients and update eager: as fast as compiling the whole step,
        # which needs torch._dynamo.config.trace_autograd_ops.
        compiled = torch.compile(torch.compiler.wrap_numpy(loss), fullgraph=True)

        def step(params, x, y):
            value = compiled(params, x, y)
            grads = torch.autograd.grad(value, list(params.values()))
            with torch.no_grad():
                return ({k: p - LEARNING_RATE * g for (k, p), g in zip(params.items(), grads)},
                        value.detach())

        def put(tree):
            if isinstance(tree, dict):  # the parameters, differentiated
                return {k: torch.tensor(v, requires_grad=True) for k, v in tree.items()}
            return torch.from_numpy(tree)
        return step, put
    raise ValueError(system)


def worker(system, name, steps=5):
    loss, params, x, y = inputs(name)
    expected = float(loss(params, x, y))
    step, put = make_step(system, loss)
    params, x, y = put(params), put(x), put(y)
    start = time.perf_counter()
    _, value = step(params, x, y)
    first = time.perf_counter() - start
    if abs(float(value) - expected) > 1e-4 * abs(expected):
        raise AssertionError(f"{system} {name}: loss {float(value)}, NumPy's {expected}")
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        step(params, x, y)
        times.append(time.perf_counter() - start)
    return {"first": first, "median": statistics.median(times)}


def available(system):
    return subprocess.run([sys.executable, "-c", f"import {system}"],
                          capture_output=True).returncode == 0


def run_fresh(system, name):
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, MLJIT_CACHE_DIR=os.path.join(cache, "mljit"),
                   TORCHINDUCTOR_CACHE_DIR=os.path.join(cache, "inductor"))
        result = subprocess.run([sys.executable, __file__, "--worker", system, name],
                                capture_output=True, text=True, env=env)
    if result.returncode != 0:
        print(f"{system} {name} failed:\n{result.stderr[-2000:]}", file=sys.stderr)
        return None
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programs", default=",".join(PROGRAMS))
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        print(json.dumps(worker(*options.worker)))
        return
    systems = [s for s in options.systems.split(",") if available(s)]
    names = options.programs.split(",")
    best = {}
    for _ in range(options.rounds):
        for name in names:
            for system in systems:
                run = run_fresh(system, name)
                if run is None:
                    continue
                entry = best.setdefault((system, name), dict(run))
                entry["median"] = min(entry["median"], run["median"])
                entry["first"] = min(entry["first"], run["first"])
    labels = {"mljit": "mljit", "jax": "JAX", "torch": "torch.compile"}
    peers = [s for s in systems if s != "mljit"]
    header = (["program"] + [f"{labels[s]} step" for s in systems]
              + [f"mljit / {labels[s]}" for s in peers]
              + [f"{labels[s]} first call" for s in systems])
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for name in names:
        row = [name]
        row += [f"{best[(s, name)]['median'] * 1e3:.2f} ms" if (s, name) in best else "—"
                for s in systems]
        for peer in peers:
            ours, theirs = best.get(("mljit", name)), best.get((peer, name))
            row.append(f"{ours['median'] / theirs['median']:.2f}×" if ours and theirs else "—")
        row += [f"{best[(s, name)]['first']:.2f} s" if (s, name) in best else "—"
                for s in systems]
        print("| " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    main()
