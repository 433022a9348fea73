"""Benchmarks mljit against NumPy and, where installed, JAX and torch.compile.

    python bench/bench.py                      # every workload, 3 rounds
    python bench/bench.py --workloads gelu,softmax --rounds 1

Each system runs in its own process (thread pools of different frameworks
disturb each other), over several alternating rounds; the table shows each
system's best median time per call, mljit's speedup over NumPy and over the
best peer, the first call (trace + compile + run) and mljit's largest error
against NumPy relative to the result's magnitude.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
# The workloads are examples/models.py's programs; bench/gpu.py's export
# folder holds a copy of models.py beside this file.
sys.path[:0] = [HERE, os.path.join(os.path.dirname(HERE), "examples")]
import models  # noqa: E402

ALL_WORKLOADS = list(models.WORKLOADS)
SYSTEMS = ["numpy", "mljit", "jax", "torch"]
# The least time each memory-bound workload can take, in copy limits (16 MB
# read and written by 2 threads): GELU, softmax and layer norm read and
# write as much; a decode-step product reads its weight (9.4 MB), at the
# rate the copy reads (bench/forwards.py's read limit).
COPY_BYTES = 4096 * 1024 * 4
COPY_LIMITS = {"gelu": 1.0, "softmax": 1.0, "layer_norm": 1.0,
               "decode_product": 768 * 3072 * 4 / COPY_BYTES,
               "decode_product_f64": 768 * 3072 * 4 / COPY_BYTES}


def available(system: str) -> bool:
    module = {"numpy": "numpy", "mljit": "mljit", "jax": "jax", "torch": "torch"}[system]
    probe = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True)
    return probe.returncode == 0


# --- one system, in its own process ---------------------------------------


def _compiler(system: str):
    """fn -> callable on NumPy inputs returning something convertible to NumPy."""
    if system == "numpy":
        return lambda fn: fn, np.asarray
    if system == "mljit":
        import mljit

        return mljit.jit, np.asarray
    if system == "jax":
        import functools

        import jax
        import jax.numpy as jnp

        def compile_jax(fn):
            compiled = jax.jit(functools.partial(fn, xp=jnp))

            def run(*args):
                return compiled(*args).block_until_ready()

            run.prepare = lambda args: jax.device_put(args)
            return run

        return compile_jax, np.asarray
    if system == "torch":
        import torch

        return torch.compile, np.asarray
    raise ValueError(system)


def _time_calls(call, args, budget=0.6, samples=15) -> float:
    """Median seconds per call: batches sized to take ~budget/samples each."""
    start = time.perf_counter()
    call(*args)
    once = max(time.perf_counter() - start, 1e-7)
    batch = max(1, int(budget / samples / once))
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        for _ in range(batch):
            call(*args)
        times.append((time.perf_counter() - start) / batch)
    return statistics.median(times)


def _copy_limit() -> float:
    """Seconds for 2 threads to copy 16 MB (each half in its own thread)."""
    source = np.ones(4096 * 1024, np.float32)
    target = np.empty_like(source)
    half = source.size // 2

    def copy():
        threads = [threading.Thread(target=np.copyto, args=(target[i:i + half], source[i:i + half]))
                   for i in (0, half)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    return _time_calls(lambda: copy(), ())


def _relative_error(got, expected) -> float:
    got, expected = np.asarray(got, np.float64), np.asarray(expected, np.float64)
    scale = max(float(np.max(np.abs(expected))), 1e-30)
    return float(np.max(np.abs(got - expected))) / scale


def worker(system: str, names: list) -> dict:
    compile_fn, to_numpy = _compiler(system)
    # In every worker: the machine is shared, and the best of all of them is
    # the least disturbed.
    results = {"copy_limit": {"median": _copy_limit()}}
    for name in names:
        compiled, call_args, first_call, error = first_call_of(compile_fn, to_numpy, name)
        entry = {"median": _time_calls(compiled, call_args), "first_call": first_call}
        if system != "numpy":
            entry["error"] = error
        results[name] = entry
    return results


def first_call_of(compile_fn, to_numpy, name: str):
    """(compiled workload, its arguments, seconds of its first call, error of
    that call's result against NumPy)."""
    function, args = models.workload(name, np.random.default_rng(0))
    compiled = compile_fn(function)
    call_args = compiled.prepare(args) if hasattr(compiled, "prepare") else args
    start = time.perf_counter()
    output = compiled(*call_args)
    seconds = time.perf_counter() - start
    return compiled, call_args, seconds, _relative_error(to_numpy(output), function(*args))


# --- the driver -----------------------------------------------------------


def run_worker(system: str, names: list) -> dict:
    env = dict(os.environ)
    env.setdefault("MLJIT_CACHE_DIR", "")  # measure real compiles
    result = subprocess.run([sys.executable, __file__, "--worker", system,
                             "--workloads", ",".join(names)],
                            capture_output=True, text=True, env=env)
    if result.returncode != 0:
        print(f"{system} failed:\n{result.stderr[-3000:]}", file=sys.stderr)
        return {}
    return json.loads(result.stdout.strip().splitlines()[-1])


def best_of_rounds(systems: list, names: list, rounds: int) -> dict:
    """{(system, workload): its entry with the best median and first call
    of `rounds` rounds, each system in its own process in turn}."""
    best: dict = {}
    for round_number in range(rounds):
        for system in systems:
            print(f"round {round_number + 1}/{rounds}: {system}", file=sys.stderr)
            for name, entry in run_worker(system, names).items():
                current = best.setdefault((system, name), dict(entry))
                if entry["median"] < current["median"]:
                    current["median"] = entry["median"]
                if "first_call" in entry:
                    current["first_call"] = min(current.get("first_call", 1e9), entry["first_call"])
    return best


def copy_limit(best: dict, systems: list) -> dict | None:
    """The best copy limit any system's worker measured."""
    entries = [best[(s, "copy_limit")] for s in systems if (s, "copy_limit") in best]
    return min(entries, key=lambda entry: entry["median"]) if entries else None


def format_time(seconds) -> str:
    if seconds is None:
        return "—"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", default=",".join(ALL_WORKLOADS))
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    options = parser.parse_args()
    names = options.workloads.split(",")
    if options.worker:
        print(json.dumps(worker(options.worker, names)))
        return

    systems = [s for s in options.systems.split(",") if s == "numpy" or available(s)]
    best = best_of_rounds(systems, names, options.rounds)

    def median(system, name):
        entry = best.get((system, name))
        return entry["median"] if entry else None

    peers = [s for s in systems if s not in ("numpy", "mljit")]
    header = (["workload"] + systems + ["mljit vs NumPy", "mljit vs best peer",
                                        "first call (mljit" + "".join(f" / {p}" for p in peers) + ")",
                                        "mljit error"])
    rows = []
    for name in names:
        mine, reference = median("mljit", name), median("numpy", name)
        peer_times = [median(p, name) for p in peers if median(p, name)]
        row = [name] + [format_time(median(s, name)) for s in systems]
        row.append(f"{reference / mine:.2f}×" if mine and reference else "—")
        row.append(f"{min(peer_times) / mine:.2f}×" if mine and peer_times else "—")
        first = [best.get((s, name), {}).get("first_call") for s in ["mljit"] + peers]
        row.append(" / ".join(format_time(f) for f in first))
        error = best.get(("mljit", name), {}).get("error")
        row.append(f"{error:.1e}" if error is not None else "—")
        rows.append(row)
    copy = copy_limit(best, systems)
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |"
    print(line)
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths)) + " |")
    if copy:
        limit = copy["median"]
        print(f"\ncopy limit (16 MB in + 16 MB out, 2 threads, the best any worker "
              f"measured): {format_time(limit)}")
        for name in names:
            mine = median("mljit", name)
            if name in COPY_LIMITS and mine:
                bound = limit * COPY_LIMITS[name]
                print(f"  {name}: mljit at {mine / bound:.2f}× its memory-bound time "
                      f"({format_time(bound)})")


if __name__ == "__main__":
    main()
