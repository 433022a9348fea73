"""Loops and branches on traced values: compile time against the trip count,
and time per call against NumPy and, where installed, JAX.

    python bench/control_flow.py                 # both tables, 1 round
    python bench/control_flow.py --rounds 3 --table compile

The programs (examples/iterative.py) are written once, in JAX's explicit
forms over an array namespace `xp` and a control-flow namespace `cf`: mljit
runs them with NumPy and `mljit` (jitted), NumPy with the same forms run as
plain Python loops (what they are outside a trace), JAX with `jax.numpy`
and `jax.lax`; the `*_loop` rows are the same algorithms written as plain
Python `while` loops (mljit and NumPy only). All compute in float64, as
NumPy does.

Compile time: a first call (trace, compile, run), each in a fresh process
with an empty cache, of `fori_loop(0, steps, tanh(v * 0.9 + 0.1))` for 1
and 10,000 steps (a static trip count), and, for contrast, the same loop
as a Python `for` unrolled by tracing. Per call: the median of repeated
calls after the first.
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
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "examples"))
from iterative import (kmeans, kmeans_loop, newton_sqrt, power_iteration,  # noqa: E402
                       power_iteration_loop, rnn)

SYSTEMS = ["mljit", "numpy", "jax"]


# --- the programs -------------------------------------------------------------

def relax(x, steps, xp, cf):
    return cf.fori_loop(0, steps, lambda i, v: xp.tanh(v * 0.9 + 0.1), x)


def relax_unrolled(x, steps, xp, cf):
    for _ in range(steps):
        x = xp.tanh(x * 0.9 + 0.1)
    return x


def workloads():
    """name: (function, arguments, static arguments)."""
    rng = np.random.default_rng(0)
    m = rng.standard_normal((512, 512))
    points = np.concatenate([rng.normal(c, 1.0, (2000, 8)) for c in range(8)])
    return {
        "newton_sqrt 4096": (newton_sqrt, (rng.uniform(1, 100, 4096), 1e-9), ()),
        "power_iteration 512": (power_iteration, (m @ m.T / 512, 1e-10), ()),
        "rnn_scan 512x256": (rnn, (np.zeros(256), rng.standard_normal((512, 64)),
                                   rng.standard_normal((256, 256)) * 0.06,
                                   rng.standard_normal((64, 256)) * 0.1), ()),
        "kmeans 16000x8": (kmeans, (points, points[::2000].copy()), ()),
        # The same as plain Python loops (JAX cannot trace those).
        "power_iteration_loop": (power_iteration_loop, (m @ m.T / 512, 1e-10), ()),
        "kmeans_loop": (kmeans_loop, (points, points[::2000].copy()), ()),
    }


def namespaces(system):
    if system == "jax":
        import jax
        import jax.numpy as jnp

        jax.config.update("jax_enable_x64", True)
        return jnp, jax.lax
    import mljit
    return np, mljit


def bind(system, function, static=()):
    """`function` as `system` runs it: jitted for mljit and JAX."""
    import functools
    import inspect

    xp, cf = namespaces(system)
    explicit = "cf" in inspect.signature(function).parameters
    bound = functools.partial(function, xp=xp, cf=cf) if explicit else function
    if system == "numpy":
        return bound
    if system == "jax":
        import jax
        jitted = jax.jit(bound, static_argnums=static)
        return lambda *args: jax.block_until_ready(jitted(*args))
    import mljit
    return mljit.jit(bound, static_argnums=static)


# --- one measurement, in a fresh process ----------------------------------------

def first_call(system, program, steps):
    function = {"fori_loop": relax, "python_for": relax_unrolled}[program]
    x = np.linspace(-1, 1, 256)
    start = time.perf_counter()
    bind(system, function, static=(1,))(x, steps)
    return {"seconds": time.perf_counter() - start}


def per_call(system, name, calls):
    function, args, _ = workloads()[name]
    run = bind(system, function)
    run(*args)
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        run(*args)
        times.append(time.perf_counter() - start)
    return {"seconds": statistics.median(times)}


# --- the driver ---------------------------------------------------------------------

def available(system):
    if system == "numpy":
        return True
    return subprocess.run([sys.executable, "-c", f"import {system}"],
                          capture_output=True).returncode == 0


def fresh(*worker):
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, MLJIT_CACHE_DIR=os.path.join(cache, "mljit"))
        result = subprocess.run([sys.executable, __file__, "--worker", *map(str, worker)],
                                capture_output=True, text=True, env=env)
    if result.returncode != 0:
        print(f"{worker} failed:\n{result.stderr[-2000:]}", file=sys.stderr)
        return None
    return json.loads(result.stdout.strip().splitlines()[-1])["seconds"]


def show(value):
    if value is None:
        return "—"
    return f"{value:.2f} s" if value >= 0.1 else f"{value * 1e3:.2f} ms"


def compile_table(systems, rounds):
    cases = [("fori_loop", 1), ("fori_loop", 10_000), ("python_for", 1), ("python_for", 100)]
    print("First call (trace + compile + run), fresh process, median of", rounds)
    print(f"{'loop':<22}" + "".join(f"{s:>12}" for s in systems))
    medians = {}
    for program, steps in cases:
        row = f"{program + ' x' + str(steps):<22}"
        for system in systems:
            if system == "numpy":
                row += f"{'—':>12}"
                continue
            runs = [fresh("compile", system, program, steps) for _ in range(rounds)]
            runs = [r for r in runs if r is not None]
            medians[(system, program, steps)] = statistics.median(runs) if runs else None
            row += f"{show(medians[(system, program, steps)]):>12}"
        print(row)
    for system in systems:
        one, many = (medians.get((system, "fori_loop", n)) for n in (1, 10_000))
        if one and many:
            print(f"{system}: 10,000 steps / 1 step = {many / one:.2f}x")


def call_table(systems, rounds, calls):
    print(f"\nPer call, median of {calls} calls (best of {rounds} processes)")
    print(f"{'program':<22}" + "".join(f"{s:>12}" for s in systems)
          + "".join(f"{'vs ' + s:>12}" for s in systems if s != "mljit"))
    for name in workloads():
        times = {}
        for system in systems:
            if system == "jax" and name.endswith("_loop"):
                times[system] = None  # Python loops on traced values
                continue
            runs = [fresh("call", system, name, calls) for _ in range(rounds)]
            runs = [r for r in runs if r is not None]
            times[system] = min(runs) if runs else None
        row = f"{name:<22}" + "".join(f"{show(times[s]):>12}" for s in systems)
        for system in systems:
            if system != "mljit":
                ratio = (times[system] / times["mljit"]
                         if times.get(system) and times.get("mljit") else None)
                row += f"{'—' if ratio is None else f'{ratio:.2f}x':>12}"
        print(row)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    parser.add_argument("--table", choices=["compile", "call", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        kind, system, *rest = options.worker
        result = (first_call(system, rest[0], int(rest[1])) if kind == "compile"
                  else per_call(system, rest[0], int(rest[1])))
        print(json.dumps(result))
        return
    systems = [s for s in options.systems.split(",") if available(s)]
    if options.table in ("compile", "both"):
        compile_table(systems, options.rounds)
    if options.table in ("call", "both"):
        call_table(systems, options.rounds, options.calls)


if __name__ == "__main__":
    main()
