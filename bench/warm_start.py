"""First call in a new process: cold (nothing cached) vs warm (the disk cache
filled by an earlier process), for mljit and, where installed, JAX's and
torch.compile's own persistent caches.

    python bench/warm_start.py                        # the GPT-2 block, 3 rounds
    python bench/warm_start.py --workload mlp --rounds 5

Each round starts from an empty cache folder: one process compiles (cold),
the next finds the code on disk (warm). The first call is timed from just
before the call to its result (the import is timed separately), and the
table shows medians over the rounds.
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402


def cache_environment(system: str, folder: str) -> dict:
    """Environment variables pointing `system`'s persistent cache at `folder`."""
    if system == "mljit":
        return {"MLJIT_CACHE_DIR": folder}
    if system == "jax":
        return {"JAX_COMPILATION_CACHE_DIR": folder,
                # JAX only caches compiles slower than 1 s unless told.
                "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS": "0",
                "JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES": "0"}
    if system == "torch":
        return {"TORCHINDUCTOR_CACHE_DIR": folder, "TORCHINDUCTOR_FX_GRAPH_CACHE": "1"}
    raise ValueError(system)


def worker(system: str, name: str) -> dict:
    start = time.perf_counter()
    compile_fn, to_numpy = bench._compiler(system)
    imported = time.perf_counter() - start
    _, _, first_call, error = bench.first_call_of(compile_fn, to_numpy, name)
    return {"import": imported, "first_call": first_call, "error": error}

def run(system: str, name: str, folder: str) -> dict | None:
    environment = dict(os.environ, **cache_environment(system, folder))
    process = subprocess.run([sys.executable, __file__, "--worker", system, "--workload", name],
                             capture_output=True, text=True, env=environment)
    if process.returncode != 0:
        print(f"{system} failed:\n{process.stderr[-3000:]}", file=sys.stderr)
        return None
    return json.loads(process.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workload", default="gpt2_block", choices=bench.ALL_WORKLOADS)
    parser.add_argument("--systems", default="mljit,jax,torch")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        print(json.dumps(worker(options.worker, options.workload)))
        return

    systems = [s for s in options.systems.split(",") if bench.available(s)]
    times: dict = {}
    for round_number in range(options.rounds):
        for system in systems:
            print(f"round {round_number + 1}/{options.rounds}: {system}", file=sys.stderr)
            with tempfile.TemporaryDirectory(prefix=f"warm-start-{system}-") as folder:
                for kind in ("cold", "warm"):
                    result = run(system, options.workload, folder)
                    if result:
                        for field, value in result.items():
                            times.setdefault((system, kind, field), []).append(value)

    def median(system, kind, field):
        values = times.get((system, kind, field))
        return statistics.median(values) if values else None

    header = ["system", "import", "cold first call", "warm first call", "cold / warm",
              "max error"]
    rows = []
    for system in systems:
        cold, warm = median(system, "cold", "first_call"), median(system, "warm", "first_call")
        errors = times.get((system, "warm", "error"), []) + times.get((system, "cold", "error"), [])
        rows.append([system, bench.format_time(median(system, "cold", "import")),
                     bench.format_time(cold), bench.format_time(warm),
                     f"{cold / warm:.1f}×" if cold and warm else "—",
                     f"{max(errors):.1e}" if errors else "—"])
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    print(f"first call of {options.workload} in a new process, median of {options.rounds}")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths)) + " |")


if __name__ == "__main__":
    main()
