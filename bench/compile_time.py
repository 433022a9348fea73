"""First-call times: trace, compile and run once, cold, for mljit and, where
installed, JAX and torch.compile, side by side.

    python bench/compile_time.py                       # every program, 1 round
    python bench/compile_time.py --programs gpt2-12x768 --rounds 3

The programs are GPT-2 forwards written as NumPy model code writes them
(examples/models.py's `gpt2`: heads split with np.split and attended one by
one in a Python loop, merged with np.hstack; 8 tokens, a 1024-token
vocabulary, random weights) at several depths and widths, and bench.py's
workloads. Each system and program runs in a fresh process with empty
caches (mljit's disk cache, torch's inductor cache), so every first call
compiles; the table shows the median over the rounds, mljit's time by phase
(Compiled.compile_time) and its ratio to JAX's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(os.path.dirname(HERE), "examples")]
import models  # noqa: E402

# name: (layers, width, heads) of a per-head GPT-2.
LADDER = {"gpt2-2x64": (2, 64, 4), "gpt2-4x256": (4, 256, 4),
          "gpt2-2x768": (2, 768, 12), "gpt2-12x768": (12, 768, 12)}
PROGRAMS = list(LADDER) + list(models.WORKLOADS)
SYSTEMS = ["mljit", "jax", "torch"]
TOKENS, VOCABULARY = 8, 1024


def program(name: str):
    """(function, positional arguments, keyword arguments that are static)."""
    rng = np.random.default_rng(0)
    if name in LADDER:
        layers, width, heads = LADDER[name]
        blocks = [models.gpt2_block_params(rng, width, 0.02) for _ in range(layers)]
        wte = models.normal(rng, (VOCABULARY, width), 0.02)
        wpe = models.normal(rng, (64, width), 0.01)
        ln_f = {"g": np.ones(width, np.float32), "b": np.zeros(width, np.float32)}
        ids = rng.integers(0, VOCABULARY, TOKENS)
        return models.gpt2, (ids, wte, wpe, blocks, ln_f), {"heads": heads}
    function, args = models.workload(name, rng)
    return function, args, {}


# --- one system and program, in a fresh process ----------------------------


def first_call(system: str, name: str) -> dict:
    function, args, static = program(name)
    if system == "mljit":
        import mljit

        start = time.perf_counter()
        compiled = mljit.jit(function, static_argnames=tuple(static)).lower(
            *args, **static).compile()
        compiled(*args, **static)
        seconds = time.perf_counter() - start
        return {"seconds": seconds, "phases": compiled.compile_time,
                "ops": compiled.lowered.as_text().count("= ml.")}
    if system == "jax":
        import functools

        import jax
        import jax.numpy as jnp

        # The float64 programs compute in float64, as NumPy's.
        jax.config.update("jax_enable_x64", True)
        jitted = jax.jit(functools.partial(function, xp=jnp, **static))
        start = time.perf_counter()
        jax.block_until_ready(jitted(*args))
        return {"seconds": time.perf_counter() - start}
    if system == "torch":
        import functools

        import torch

        compiled = torch.compile(functools.partial(function, **static))
        start = time.perf_counter()
        compiled(*args)
        return {"seconds": time.perf_counter() - start}
    raise ValueError(system)


# --- the driver -------------------------------------------------------------


def available(system: str) -> bool:
    probe = subprocess.run([sys.executable, "-c", f"import {system}"], capture_output=True)
    return probe.returncode == 0


def run_fresh(system: str, name: str) -> dict | None:
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, MLJIT_CACHE_DIR=os.path.join(cache, "mljit"),
                   TORCHINDUCTOR_CACHE_DIR=os.path.join(cache, "inductor"))
        result = subprocess.run([sys.executable, __file__, "--worker", system, name],
                                capture_output=True, text=True, env=env)
    if result.returncode != 0:
        print(f"{system} {name} failed:\n{result.stderr[-2000:]}", file=sys.stderr)
        return None
    return json.loads(result.stdout.strip().splitlines()[-1])


def seconds(value) -> str:
    return "—" if value is None else f"{value:.2f} s" if value >= 0.1 else f"{value * 1e3:.0f} ms"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programs", default=",".join(PROGRAMS))
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--worker", nargs=2, metavar=("SYSTEM", "PROGRAM"),
                        help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        print(json.dumps(first_call(*options.worker)))
        return
    names = options.programs.split(",")
    systems = [s for s in options.systems.split(",") if available(s)]
    results = {}
    for _ in range(options.rounds):
        for name in names:
            for system in systems:
                run = run_fresh(system, name)
                if run is not None:
                    results.setdefault((system, name), []).append(run)

    def median(system, name, key="seconds"):
        runs = results.get((system, name))
        return statistics.median(r[key] for r in runs) if runs else None

    peers = [s for s in systems if s != "mljit"]
    labels = {"mljit": "mljit", "jax": "JAX jit", "torch": "torch.compile"}
    print(f"First call (trace + compile + run), cold caches, median of {options.rounds}:\n")
    header = ["program", "ml ops"] + [labels[s] for s in systems]
    header += [f"mljit / {labels[s]}" for s in peers]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for name in names:
        mljit_time = median("mljit", name)
        ops = results.get(("mljit", name), [{}])[0].get("ops", "—")
        row = [name, str(ops)] + [seconds(median(s, name)) for s in systems]
        for peer in peers:
            theirs = median(peer, name)
            row.append(f"{mljit_time / theirs:.2f}×" if mljit_time and theirs else "—")
        print("| " + " | ".join(row) + " |")
    if "mljit" in systems:
        phases = []
        for name in names:
            for run in results.get(("mljit", name), [])[:1]:
                phases += [p for p in run["phases"] if p not in phases]
        print("\nmljit by phase (first round):\n")
        print("| program | " + " | ".join(phases) + " |")
        print("|" + "---|" * (len(phases) + 1))
        for name in names:
            for run in results.get(("mljit", name), [])[:1]:
                print(f"| {name} | " + " | ".join(seconds(run["phases"].get(p))
                                                  for p in phases) + " |")
        deep, shallow = median("mljit", "gpt2-12x768"), median("mljit", "gpt2-2x768")
        if deep and shallow:
            print(f"\n12 layers / 2 layers at width 768: {deep / shallow:.2f}×")


if __name__ == "__main__":
    main()
