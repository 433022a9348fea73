"""GPU benchmarks: mljit's exported CUDA code against PyTorch and JAX on the
same GPU, in two steps, because GPU machines need not have MLIR:

    python bench/gpu.py export --out /tmp/gpu-bench      # here: needs mljit
    python bench/gpu.py run /tmp/gpu-bench               # on the GPU machine

`export` writes one artifact per workload (`mljit.export(..., device="cuda")`)
plus this script, bench.py and examples/models.py: a few MB, no inputs (`run`
rebuilds them from the same seed). `run` needs NumPy and the NVIDIA driver, and times
torch.compile and jax.jit where installed. Every system is timed the same
way, NumPy arrays in and out (the host-device copies included, as an mljit
artifact does them); PyTorch and JAX are also timed with the data already on
the GPU ("resident"). The table shows best-of-rounds medians, mljit's
speedup over NumPy on the CPU and over the best peer, and mljit's largest
error against NumPy relative to the result's magnitude.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench import ALL_WORKLOADS, _relative_error, _time_calls  # noqa: E402
import models  # noqa: E402  (bench put examples/ on sys.path)


def export(out: str, chip: str) -> None:
    import mljit

    os.makedirs(out, exist_ok=True)
    for name in ALL_WORKLOADS:
        function, args = models.workload(name, np.random.default_rng(0))
        mljit.export(function, *args, path=os.path.join(out, name), device="cuda", chip=chip)
        print(f"exported {name}", file=sys.stderr)
    for source in (os.path.join(HERE, "gpu.py"), os.path.join(HERE, "bench.py"),
                   models.__file__):
        shutil.copyfile(source, os.path.join(out, os.path.basename(source)))
    size = sum(os.path.getsize(os.path.join(root, f))
               for root, _, files in os.walk(out) for f in files)
    print(f"{out}: {size / 2**20:.1f} MiB; run `python {out}/gpu.py run {out}` "
          "on the GPU machine")


def _systems():
    """name -> (compile(fn, args) -> call() returning NumPy) for each peer."""
    systems = {}
    try:
        import torch

        if torch.cuda.is_available():
            def torch_round_trip(fn, args):
                compiled = torch.compile(fn)

                def call():
                    with torch.device("cuda"):  # NumPy code runs on the GPU
                        result = compiled(*args)
                    torch.cuda.synchronize()
                    return result
                return call

            systems["torch"] = torch_round_trip
    except ImportError:
        pass
    try:
        import jax
        import jax.numpy as jnp

        if any(d.platform == "gpu" for d in jax.devices()):
            def jax_round_trip(fn, args):
                compiled = jax.jit(functools.partial(fn, xp=jnp))
                return lambda: np.asarray(compiled(*args))

            def jax_resident(fn, args):
                compiled = jax.jit(functools.partial(fn, xp=jnp))
                on_device = jax.device_put(args)
                return lambda: compiled(*on_device).block_until_ready()

            systems["jax"] = jax_round_trip
            systems["jax (resident)"] = jax_resident
    except ImportError:
        pass
    return systems


def run(directory: str, rounds: int) -> None:
    sys.path.insert(0, os.path.join(directory, ALL_WORKLOADS[0]))
    import mljit_loader

    peers = _systems()
    best: dict = {}
    errors = {}
    for _ in range(rounds):
        for name in ALL_WORKLOADS:
            function, args = models.workload(name, np.random.default_rng(0))
            expected = function(*args)
            timings = {"numpy": _time_calls(function, args)}
            mine = mljit_loader.load(os.path.join(directory, name))
            errors[name] = _relative_error(mine(*args), expected)
            timings["mljit"] = _time_calls(mine, args)
            for system, compile_fn in peers.items():
                timings[system] = _time_calls(compile_fn(function, args), ())
            for system, seconds in timings.items():
                best[system, name] = min(best.get((system, name), seconds), seconds)
    systems = ["numpy", "mljit", *peers]
    round_trip_peers = [p for p in peers if "resident" not in p]
    header = ["workload", *systems, "mljit vs NumPy", "mljit vs best peer", "mljit error"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for name in ALL_WORKLOADS:
        mine = best["mljit", name]
        peer = min((best[p, name] for p in round_trip_peers), default=None)
        cells = [name] + [f"{best[s, name] * 1e3:.3f} ms" for s in systems]
        cells += [f"{best['numpy', name] / mine:.2f}×",
                  f"{peer / mine:.2f}×" if peer else "—", f"{errors[name]:.1e}"]
        print("| " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    export_parser = commands.add_parser("export", help="build the artifacts (needs mljit)")
    export_parser.add_argument("--out", required=True)
    export_parser.add_argument("--chip", default="sm_90")
    run_parser = commands.add_parser("run", help="time them (needs a GPU)")
    run_parser.add_argument("directory")
    run_parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    if options.command == "export":
        export(options.out, options.chip)
    else:
        run(options.directory, options.rounds)


if __name__ == "__main__":
    main()
