"""The affine passes of the CPU pipeline's affine stage, measured: what each
choice does to the final code, the pipeline's time and the time per call.

    python bench/affine.py                          # the candidates below
    python bench/affine.py --workloads softmax,gpt2_block --rounds 3
    python bench/affine.py --variants 'tiled=affine-loop-tile{tile-size=32}'

`ml-cpu-to-affine` lowers the loops inside each parallel tile to affine.for
(ml-linalg-to-affine-loops), then runs its `affine-passes` option on every
function. Each variant is a value of that option (a pass list on func.func;
empty for none), compiled as `ml-cpu-pipeline{... affine-passes={...}}`
with this machine's threads and BLAS; "shipped" is the default. For each
workload and variant the table shows whether the final LLVM-dialect code
differs from the shipped one, the pipeline's time (median of three runs,
MLIR passes only) and the median time per call, both as ratios to the
shipped pipeline's. Variants run in one process, in turn, for `--rounds`
rounds (the best median per call counts).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(os.path.dirname(HERE), "examples")]
os.environ.setdefault("MLJIT_CACHE_DIR", tempfile.mkdtemp(prefix="mljit-affine-bench-"))

import models  # noqa: E402
from bench import _time_calls  # noqa: E402

SHIPPED = "affine-loop-invariant-code-motion"
CANDIDATES = {
    "none": "",
    "shipped": SHIPPED,
    "+scalrep": f"{SHIPPED},affine-scalrep",
    "+normalize": f"affine-loop-normalize,{SHIPPED}",
    "+unroll-jam": f"{SHIPPED},affine-loop-unroll-jam{{unroll-jam-factor=4}}",
    "+unroll": f"{SHIPPED},affine-loop-unroll{{unroll-factor=4}}",
}
WORKLOADS = ["gelu", "softmax", "layer_norm", "mlp", "gpt2_block", "decode_product",
             "gpt2_small_8", "llama_block_128"]


def pipeline(passes: str) -> str:
    from mljit import _native

    return (f"ml-cpu-pipeline{{blas={str(_native.BLAS).lower()} threads={_native.THREADS} "
            f"affine-passes={{{passes}}}}}")


def measure(name: str, variants: dict, rounds: int) -> dict:
    """{variant: (digest of the final code, pipeline seconds, seconds per call)}."""
    import mljit
    from mljit import compiler

    function, args = models.workload(name, np.random.default_rng(0))
    results = {}
    jitted = {}
    for variant, passes in variants.items():
        text = pipeline(passes)
        traced = mljit.jit(function, pipeline=text).lower(*args).traced
        times, module = [], None
        for _ in range(3):
            start = time.perf_counter()
            module = compiler.lower(traced, text)
            times.append(time.perf_counter() - start)
        digest = hashlib.sha256(module.operation.get_asm().encode()).hexdigest()[:8]
        jitted[variant] = mljit.jit(function, pipeline=text)
        jitted[variant](*args)
        results[variant] = [digest, statistics.median(times), float("inf")]
    for _ in range(rounds):
        for variant, run in jitted.items():
            results[variant][2] = min(results[variant][2], _time_calls(run, args))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("--variants", default="",
                        help="name=passes;... measured beside the candidates' "
                             "'shipped' (replacing the candidates)")
    parser.add_argument("--rounds", type=int, default=1)
    options = parser.parse_args()
    variants = dict(CANDIDATES)
    if options.variants:
        variants = {"shipped": SHIPPED}
        for item in options.variants.split(";"):
            name, _, passes = item.partition("=")
            variants[name.strip()] = passes.strip()
    print(f"Affine passes against the shipped `{SHIPPED}`: final code "
          "(= same, ≠ changed), pipeline time and time per call as ratios "
          "to the shipped pipeline's.\n")
    header = ["workload"] + [v for v in variants if v != "shipped"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for name in options.workloads.split(","):
        results = measure(name, variants, options.rounds)
        digest, passes, call = results["shipped"]
        cells = [name]
        for variant, (other, other_passes, other_call) in results.items():
            if variant == "shipped":
                continue
            cells.append(f"{'=' if other == digest else '≠'} pass {other_passes / passes:.2f}× "
                         f"call {other_call / call:.2f}×")
        print("| " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
