"""Dynamic against static: the per-call speed of a variant compiled for
symbolic sizes, against code compiled for the exact shapes.

    python bench/dynamic.py                     # bench.py's workloads, 3 rounds
    python bench/dynamic.py --workloads softmax --rounds 1

For each workload the first argument's rows are the size that changes, as a
sequence length does: the automatic mode (`mljit.jit`, dynamic=None) is
called with one row fewer, then at the benchmark's shape, which compiles the
dynamic variant timed here. Each round runs both in one fresh process, in
turn; the table shows the best median per call of each and their ratio,
and says where a workload fell back to exact shapes (an op that does not
take symbolic sizes yet).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(os.path.dirname(HERE), "examples")]
import models  # noqa: E402
from bench import _time_calls, format_time  # noqa: E402

ALL_WORKLOADS = [name for name in models.WORKLOADS if name != "tiny_gelu"]


def _fewer_rows(args):
    first = args[0]
    return (first[:-1].copy(),) + tuple(args[1:])


def worker(names: list) -> dict:
    import mljit

    results = {}
    for name in names:
        function, args = models.workload(name, np.random.default_rng(0))
        static = mljit.jit(function, dynamic=False)
        static(*args)
        automatic = mljit.jit(function)
        automatic(*_fewer_rows(args))
        np.testing.assert_allclose(automatic(*args), function(*args), rtol=2e-3, atol=2e-4)
        results[name] = {"static": _time_calls(static, args),
                         "dynamic": _time_calls(automatic, args),
                         "symbolic": bool(automatic._variants)}
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", default=",".join(ALL_WORKLOADS))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    names = options.workloads.split(",")
    if options.worker:
        print(json.dumps(worker(names)))
        return
    best: dict = {}
    env = dict(os.environ, MLJIT_CACHE_DIR="")
    for round_number in range(options.rounds):
        print(f"round {round_number + 1}/{options.rounds}", file=sys.stderr)
        result = subprocess.run([sys.executable, __file__, "--worker", "--workloads",
                                 ",".join(names)], capture_output=True, text=True, env=env)
        if result.returncode != 0:
            sys.exit(f"the worker failed:\n{result.stderr[-3000:]}")
        for name, entry in json.loads(result.stdout.strip().splitlines()[-1]).items():
            current = best.setdefault(name, dict(entry))
            for key in ("static", "dynamic"):
                current[key] = min(current[key], entry[key])
    rows = [["workload", "static", "dynamic", "dynamic / static", "sizes"]]
    for name in names:
        entry = best[name]
        rows.append([name, format_time(entry["static"]), format_time(entry["dynamic"]),
                     f"{entry['dynamic'] / entry['static']:.2f}×",
                     "symbolic rows" if entry["symbolic"] else "exact (fallback)"])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        print("| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths)) + " |")
        if index == 0:
            print("|" + "|".join("-" * (width + 2) for width in widths) + "|")


if __name__ == "__main__":
    main()
